"""Annotations: a user's loves and every track's play count. The one owner of both and the
one write path (as Navidrome's annotation repository is): listening records plays and loves
through here; the library's views read loves from here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import insert_or_ignore, utcnow
from tonearm.kit.pagination import PageParams, keyset, split_page
from tonearm.library.catalog.repository import readable, track_options
from tonearm.models.library import Love, Track


class Annotations:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def love(self, user: uuid.UUID, track_id: uuid.UUID) -> None:
        """Idempotent. The caller checks the track is visible to the user first."""
        await insert_or_ignore(
            self.s, Love, {"user_id": user, "track_id": track_id, "created_at": utcnow()}
        )

    async def unlove(self, user: uuid.UUID, track_id: uuid.UUID) -> None:
        await self.s.execute(delete(Love).where(Love.user_id == user, Love.track_id == track_id))

    async def loved_ids(self, viewer: uuid.UUID | None, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if viewer is None or not ids:
            return set()
        rows = await self.s.scalars(
            select(Love.track_id).where(Love.user_id == viewer, Love.track_id.in_(list(ids)))
        )
        return set(rows.all())

    async def loved_tracks(
        self, user: uuid.UUID, params: PageParams
    ) -> tuple[list[tuple[datetime, Track]], str | None]:
        """The user's loves, newest first. Loves of tracks that became invisible to the user
        are hidden, not deleted."""
        stmt = (
            select(Love.created_at, Track)
            .join(Track, Track.id == Love.track_id)
            .where(Love.user_id == user, readable(user))
            .options(*track_options())
        )
        stmt = keyset(stmt, Love.created_at, Love.track_id, params)
        rows = [(r[0], r[1]) for r in (await self.s.execute(stmt)).unique().all()]
        return split_page(rows, params, lambda r: (r[0], r[1].id))

    async def count_play(self, track_id: uuid.UUID) -> None:
        await self.s.execute(
            update(Track).where(Track.id == track_id).values(play_count=Track.play_count + 1)
        )

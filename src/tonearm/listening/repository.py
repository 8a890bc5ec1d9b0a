"""Plays, scoped to their listener."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.pagination import PageParams, keyset, split_page
from tonearm.models.listening import Play


class PlayRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def play(self, user: uuid.UUID, play_id: uuid.UUID, track_id: uuid.UUID) -> Play | None:
        return await self.s.scalar(
            select(Play).where(Play.id == play_id, Play.user_id == user, Play.track_id == track_id)
        )

    async def history(self, user: uuid.UUID, params: PageParams) -> tuple[list[Play], str | None]:
        stmt = keyset(select(Play).where(Play.user_id == user), Play.started_at, Play.id, params)
        rows = list((await self.s.scalars(stmt)).all())
        return split_page(rows, params, lambda p: (p.started_at, p.id))

    async def latest_unfinished(self, user: uuid.UUID, since: datetime) -> list[Play]:
        """The user's unfinished plays updated since `since`, latest first."""
        rows = await self.s.scalars(
            select(Play)
            .where(Play.user_id == user, Play.completed.is_(False), Play.updated_at > since)
            .order_by(Play.updated_at.desc())
            .limit(20)
        )
        return list(rows.all())

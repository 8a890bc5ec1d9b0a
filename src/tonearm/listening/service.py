"""Plays and loves. A play counts once: when it passes 30 s or completes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import utcnow
from tonearm.kit.errors import NotFound
from tonearm.kit.pagination import PageParams, keyset, split_page
from tonearm.library.catalog.repository import LibraryRepository, _track_opts
from tonearm.library.errors import TrackNotFound
from tonearm.models.library import Love, Play, Track

COUNT_AFTER_SECONDS = 30.0
NOW_PLAYING_WINDOW = timedelta(minutes=10)


class PlayNotFound(NotFound):
    code, title = "play_not_found", "Play not found"


class ListeningService:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session
        self.library = LibraryRepository(session)

    async def record(
        self,
        user: uuid.UUID,
        track_id: uuid.UUID,
        event: Literal["start", "progress", "complete"],
        position: float,
        play_id: uuid.UUID | None,
        client: str | None,
    ) -> Play:
        track = await self.library.track_for(track_id, user)
        if track is None:
            raise TrackNotFound()
        now = utcnow()
        if event == "start" or play_id is None:
            play = Play(
                id=uuid.uuid4(),
                user_id=user,
                track_id=track.id,
                started_at=now,
                updated_at=now,
                position=0.0,
                client=client,
            )
            self.s.add(play)
        else:
            found = await self.s.scalar(
                select(Play).where(
                    Play.id == play_id, Play.user_id == user, Play.track_id == track.id
                )
            )
            if found is None:
                raise PlayNotFound()
            play = found
        play.position = max(play.position, min(position, track.duration or position))
        play.updated_at = now
        if event == "complete":
            play.completed = True
        if not play.counted and (play.completed or play.position >= COUNT_AFTER_SECONDS):
            play.counted = True
            await self.s.execute(
                update(Track).where(Track.id == track.id).values(play_count=Track.play_count + 1)
            )
        await self.s.flush()
        return play

    async def history(
        self, user: uuid.UUID, params: PageParams
    ) -> tuple[list[tuple[Play, Track]], str | None]:
        stmt = (
            select(Play, Track)
            .join(Track, Track.id == Play.track_id)
            .where(Play.user_id == user)
            .options(*_track_opts())
        )
        stmt = keyset(stmt, Play.started_at, Play.id, params)
        rows = [(r[0], r[1]) for r in (await self.s.execute(stmt)).unique().all()]
        return split_page(rows, params, lambda r: (r[0].started_at, r[0].id))

    async def now_playing(self, user: uuid.UUID) -> tuple[Play, Track] | None:
        row = (
            await self.s.execute(
                select(Play, Track)
                .join(Track, Track.id == Play.track_id)
                .where(
                    Play.user_id == user,
                    Play.completed.is_(False),
                    Play.updated_at > utcnow() - NOW_PLAYING_WINDOW,
                )
                .order_by(Play.updated_at.desc())
                .limit(1)
                .options(*_track_opts())
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def love(self, user: uuid.UUID, track_id: uuid.UUID) -> None:
        if await self.library.track_for(track_id, user) is None:
            raise TrackNotFound()
        dialect = self.s.bind.dialect.name if self.s.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await self.s.execute(
            insert(Love)
            .values(user_id=user, track_id=track_id, created_at=utcnow())
            .on_conflict_do_nothing()
        )

    async def unlove(self, user: uuid.UUID, track_id: uuid.UUID) -> None:
        await self.s.execute(delete(Love).where(Love.user_id == user, Love.track_id == track_id))

    async def loves(
        self, user: uuid.UUID, params: PageParams
    ) -> tuple[list[tuple[Love, Track]], str | None]:
        stmt = (
            select(Love, Track)
            .join(Track, Track.id == Love.track_id)
            .where(Love.user_id == user)
            .options(*_track_opts())
        )
        # Loves of tracks that became invisible to the user are hidden, not deleted.
        from tonearm.library.catalog.repository import readable

        stmt = stmt.where(readable(user))
        stmt = keyset(stmt, Love.created_at, Love.track_id, params)
        rows = [(r[0], r[1]) for r in (await self.s.execute(stmt)).unique().all()]
        return split_page(rows, params, lambda r: (r[0].created_at, r[0].track_id))

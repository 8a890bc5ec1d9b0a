"""Plays, history, now playing, loves. A play counts once: when it passes 30 s or completes.

Tracks, their visibility and their annotations (loves, play counts) belong to the library:
this service reaches them only through its face."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import utcnow
from tonearm.kit.errors import NotFound
from tonearm.kit.pagination import PageParams
from tonearm.kit.storage import Storage
from tonearm.library import Library, TrackOut
from tonearm.listening.hooks import CountedPlay, PlayHooks
from tonearm.listening.repository import PlayRepository
from tonearm.models.listening import Play

COUNT_AFTER_SECONDS = 30.0
NOW_PLAYING_WINDOW = timedelta(minutes=10)


class PlayNotFound(NotFound):
    code, title = "play_not_found", "Play not found"


@dataclass(frozen=True, slots=True)
class PlayedTrack:
    play: Play
    track: TrackOut


class ListeningService:
    def __init__(
        self, session: AsyncSession, storage: Storage, hooks: PlayHooks | None = None
    ) -> None:
        self.s = session
        self.plays = PlayRepository(session)
        self.library = Library(session, storage)
        self.hooks = hooks

    async def record(
        self,
        user: uuid.UUID,
        track_id: uuid.UUID,
        event: Literal["start", "progress", "complete"],
        position: float,
        play_id: uuid.UUID | None,
        client: str | None,
    ) -> Play:
        track = await self.library.visible_track(user, track_id, full=False)
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
            found = await self.plays.play(user, play_id, track.id)
            if found is None:
                raise PlayNotFound()
            play = found
        play.position = max(play.position, min(position, track.duration or position))
        play.updated_at = now
        if event == "complete":
            play.completed = True
        if not play.counted and (play.completed or play.position >= COUNT_AFTER_SECONDS):
            play.counted = True
            await self.library.count_play(track.id)
            await self.s.flush()
            if self.hooks is not None and self.hooks.hooks:
                await self.hooks.run(self.s, await self._counted(user, play))
        await self.s.flush()
        return play

    async def _counted(self, user: uuid.UUID, play: Play) -> CountedPlay:
        (t,) = await self.library.matchable(user, [play.track_id])
        return CountedPlay(
            user_id=user,
            track_id=play.track_id,
            title=t.title,
            artists=tuple(t.artists),
            album=t.album,
            duration=t.duration or None,
            track_number=t.track_number,
            isrc=t.isrc,
            mb_recording_id=t.mb_recording_id,
            listened_at=play.started_at,
            client=play.client,
        )

    async def history(
        self, user: uuid.UUID, params: PageParams
    ) -> tuple[list[PlayedTrack], str | None]:
        """The user's plays, newest first. A play of a track the user may no longer open is
        left out of the page (as loves are), without moving the cursor."""
        plays, nxt = await self.plays.history(user, params)
        return await self._with_tracks(user, plays), nxt

    async def now_playing(self, user: uuid.UUID) -> PlayedTrack | None:
        plays = await self.plays.latest_unfinished(user, utcnow() - NOW_PLAYING_WINDOW)
        tracks = await self.library.visible_tracks(user, [p.track_id for p in plays])
        play = next((p for p in plays if p.track_id in tracks), None)
        if play is None:
            return None
        return PlayedTrack(play, await self.library.track_out(tracks[play.track_id], user))

    async def _with_tracks(self, user: uuid.UUID, plays: list[Play]) -> list[PlayedTrack]:
        tracks = await self.library.visible_tracks(user, [p.track_id for p in plays])
        kept = [p for p in plays if p.track_id in tracks]
        outs = await self.library.tracks_out([tracks[p.track_id] for p in kept], user)
        return [PlayedTrack(p, out) for p, out in zip(kept, outs, strict=True)]

    async def love(self, user: uuid.UUID, track_id: uuid.UUID) -> None:
        await self.library.love(user, track_id)

    async def unlove(self, user: uuid.UUID, track_id: uuid.UUID) -> None:
        await self.library.unlove(user, track_id)

    async def loves(self, user: uuid.UUID, params: PageParams) -> tuple[list[TrackOut], str | None]:
        rows, nxt = await self.library.loved_tracks(user, params)
        return [out for _, out in rows], nxt

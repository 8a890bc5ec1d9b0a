"""What other domains do when a play counts (past 30 s, or completed): scrobbling forwards
it to the user's ListenBrainz or Last.fm. A hook runs in the play's own transaction, so what
it writes (a queued scrobble) commits with the play or not at all."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class CountedPlay:
    user_id: uuid.UUID
    track_id: uuid.UUID
    title: str
    artists: tuple[str, ...]
    album: str | None
    duration: float | None
    track_number: int | None
    isrc: str | None
    mb_recording_id: str | None
    listened_at: datetime  # when the play started, as scrobblers want it
    client: str | None


PlayHook = Callable[[AsyncSession, CountedPlay], Awaitable[None]]


@dataclass
class PlayHooks:
    hooks: dict[str, PlayHook] = field(default_factory=dict)

    def add(self, name: str, hook: PlayHook) -> None:
        self.hooks[name] = hook

    async def run(self, session: AsyncSession, play: CountedPlay) -> None:
        for name, hook in self.hooks.items():
            try:
                async with session.begin_nested():  # a failing hook never loses the play
                    await hook(session, play)
            except Exception:
                log.exception("play_hook_failed", hook=name)

"""Listening: plays (counted once past 30 s or on completion), history, now playing, and the
love/unlove routes (loves and play counts themselves are the library's annotations).

The face: ListeningService, PlayedTrack, PlayNotFound, PlayHooks (what runs when a play
counts), CountedPlay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tonearm.platform.domain import Domain, lazy_exports

if TYPE_CHECKING:
    from fastapi import APIRouter

    from tonearm.listening.hooks import CountedPlay, PlayHooks
    from tonearm.listening.service import ListeningService, PlayedTrack, PlayNotFound
    from tonearm.platform.state import AppState


def _routers() -> list[APIRouter]:
    from tonearm.listening.endpoints import router

    return [router]


def _install(state: AppState) -> None:
    from tonearm.listening.hooks import PlayHooks

    state.provide(PlayHooks())


DOMAIN = Domain(name="listening", routers=_routers, install=_install)

__getattr__ = lazy_exports(
    __name__,
    {
        "ListeningService": "tonearm.listening.service",
        "PlayedTrack": "tonearm.listening.service",
        "PlayNotFound": "tonearm.listening.service",
        "PlayHooks": "tonearm.listening.hooks",
        "CountedPlay": "tonearm.listening.hooks",
    },
)

__all__ = ["DOMAIN", "CountedPlay", "ListeningService", "PlayHooks", "PlayNotFound", "PlayedTrack"]

"""Listening: plays (counted once past 30 s or on completion), history, now playing, and the
love/unlove routes (loves and play counts themselves are the library's annotations).

The face: ListeningService, PlayedTrack, PlayNotFound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tonearm.platform.domain import Domain, lazy_exports

if TYPE_CHECKING:
    from fastapi import APIRouter

    from tonearm.listening.service import ListeningService, PlayedTrack, PlayNotFound


def _routers() -> list[APIRouter]:
    from tonearm.listening.endpoints import router

    return [router]


DOMAIN = Domain(name="listening", routers=_routers)

__getattr__ = lazy_exports(
    __name__,
    {
        "ListeningService": "tonearm.listening.service",
        "PlayedTrack": "tonearm.listening.service",
        "PlayNotFound": "tonearm.listening.service",
    },
)

__all__ = ["DOMAIN", "ListeningService", "PlayNotFound", "PlayedTrack"]

"""Playlists: a user's playlists and their items (library tracks, or entries from a file not
in the library yet), smart playlists, and playlist files in and out (`formats/`), matched
against the library by `tonearm.matching`.

The face: PlaylistService, PlaylistNotFound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tonearm.platform.domain import Domain, lazy_exports

if TYPE_CHECKING:
    from fastapi import APIRouter

    from tonearm.playlists.errors import PlaylistNotFound
    from tonearm.playlists.service import PlaylistService


def _routers() -> list[APIRouter]:
    from tonearm.playlists.endpoints import router

    return [router]


DOMAIN = Domain(name="playlists", routers=_routers)

__getattr__ = lazy_exports(
    __name__,
    {
        "PlaylistService": "tonearm.playlists.service",
        "PlaylistNotFound": "tonearm.playlists.errors",
    },
)

__all__ = ["DOMAIN", "PlaylistNotFound", "PlaylistService"]

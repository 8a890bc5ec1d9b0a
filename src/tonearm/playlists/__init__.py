"""Playlists: a user's playlists and their items (library tracks, or entries from a file not
in the library yet), smart playlists, and playlist files in and out (`formats/`), matched
against the library by `tonearm.matching`.

The face: PlaylistService, PlaylistsFacade (for other domains), PlaylistNotFound.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tonearm.platform.domain import Domain, lazy_exports

if TYPE_CHECKING:
    from fastapi import APIRouter

    from tonearm.config import Settings
    from tonearm.platform.state import AppState
    from tonearm.playlists.errors import PlaylistNotFound
    from tonearm.playlists.facade import (
        PlaylistsFacade,
        entries_csv,
        export_entries,
        parse_file,
    )
    from tonearm.playlists.formats.errors import PlaylistUnreadable
    from tonearm.playlists.service import PlaylistService


def _routers() -> list[APIRouter]:
    from tonearm.playlists.covers import router as covers
    from tonearm.playlists.endpoints import router
    from tonearm.playlists.files import router as files
    from tonearm.playlists.smart_endpoints import router as smart

    # files and smart first: /playlists/import and /playlists/smart/... before /playlists/{id}
    return [files, smart, router, covers]


def _install(state: AppState) -> None:
    from tonearm.library import ScanHooks
    from tonearm.playlists.folders import import_root_playlists

    state.get(ScanHooks).add("playlists", import_root_playlists)


def _body_limits(settings: Settings) -> Mapping[str, int]:
    from tonearm.playlists.formats import MAX_BYTES
    from tonearm.playlists.nsp import MAX_NSP_BYTES

    return {  # the file and its form
        "/api/v1/playlists/import": MAX_BYTES + 256 * 1024,
        "/api/v1/playlists/smart/import": MAX_NSP_BYTES + 64 * 1024,
    }


DOMAIN = Domain(
    name="playlists",
    routers=_routers,
    job_modules=("tonearm.playlists.tasks",),
    install=_install,
    body_limits=_body_limits,
)

__getattr__ = lazy_exports(
    __name__,
    {
        "PlaylistService": "tonearm.playlists.service",
        "PlaylistNotFound": "tonearm.playlists.errors",
        "PlaylistsFacade": "tonearm.playlists.facade",
        "entries_csv": "tonearm.playlists.facade",
        "export_entries": "tonearm.playlists.facade",
        "parse_file": "tonearm.playlists.facade",
        "PlaylistUnreadable": "tonearm.playlists.formats.errors",
    },
)

__all__ = [
    "DOMAIN",
    "PlaylistNotFound",
    "PlaylistService",
    "PlaylistUnreadable",
    "PlaylistsFacade",
    "entries_csv",
    "export_entries",
    "parse_file",
]

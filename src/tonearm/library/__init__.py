"""The music library (Listen's catalog): artists, albums, tracks, uploads, folder scans,
processing (HLS, waveform, covers), browse and search, and the annotations (loves, play
counts). Subpackages: catalog, ingest, scan, processing, search.

The face other domains import:

    Library(session, storage)   visible_track, visible_tracks, tracks_out / track_out (the one
                                way a track is presented to a viewer), scanned_file (the file
                                behind a track, inside its root), by_isrc / by_recording_mbid /
                                by_title_key / by_path (for matching), love / unlove /
                                loved_tracks / count_play (annotations), smart_tracks /
                                smart_track_ids / smart_totals (a smart Selection, evaluated
                                for the viewer)
    TrackOut, TrackPage, AlbumOut, Artwork         the shapes
    Selection, SMART_FIELDS, SMART_OPS, SMART_SORTS, smart_field_type
                                what a smart selection may say
    TrackNotFound, TrackFileMissing, PublicNeedsArtist
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from tonearm.platform.domain import Domain, lazy_exports

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy.ext.asyncio import AsyncEngine

    from tonearm.config import Settings
    from tonearm.library.catalog.facade import Library
    from tonearm.library.catalog.matchable import MatchableTrack
    from tonearm.library.catalog.smart import (
        SMART_FIELDS,
        SMART_OPS,
        SMART_SORTS,
        Selection,
        smart_field_type,
    )
    from tonearm.library.errors import PublicNeedsArtist, TrackFileMissing, TrackNotFound
    from tonearm.library.scan.hooks import ScanHooks, ScannedRoot
    from tonearm.library.schemas import AlbumOut, Artwork, TrackOut, TrackPage
    from tonearm.platform.state import AppState


def _routers() -> list[APIRouter]:
    from tonearm.library.catalog.endpoints import router as catalog
    from tonearm.library.ingest.endpoints import router as uploads
    from tonearm.library.scan.endpoints import router as scans
    from tonearm.library.search.endpoints import router as search

    return [catalog, uploads, search, scans]


def _cli(root: typer.Typer) -> None:
    from tonearm.library.scan.command import scan

    root.command()(scan)


def _body_limits(settings: Settings) -> Mapping[str, int]:
    return {"/api/v1/library/uploads": settings.upload_max_request_bytes}


async def _after_vacuum(engine: AsyncEngine) -> None:
    from tonearm.library.search.index import rebuild_index

    await rebuild_index(engine)


def _install(state: AppState) -> None:
    from tonearm.library.catalog.stats import library_info
    from tonearm.library.scan.hooks import ScanHooks

    state.provide(ScanHooks())

    async def info() -> dict[str, object]:
        return await library_info(state)

    state.lifecycle.info["library"] = info


DOMAIN = Domain(
    name="library",
    install=_install,
    routers=_routers,
    job_modules=(
        "tonearm.library.processing.tasks",
        "tonearm.library.processing.sweep",
        "tonearm.library.scan.scanner",
    ),
    cli=_cli,
    body_limits=_body_limits,
    after_vacuum=_after_vacuum,
)

__getattr__ = lazy_exports(
    __name__,
    {
        "Library": "tonearm.library.catalog.facade",
        "MatchableTrack": "tonearm.library.catalog.matchable",
        "ScanHooks": "tonearm.library.scan.hooks",
        "ScannedRoot": "tonearm.library.scan.hooks",
        "PublicNeedsArtist": "tonearm.library.errors",
        "Selection": "tonearm.library.catalog.smart",
        "SMART_FIELDS": "tonearm.library.catalog.smart",
        "SMART_OPS": "tonearm.library.catalog.smart",
        "SMART_SORTS": "tonearm.library.catalog.smart",
        "smart_field_type": "tonearm.library.catalog.smart",
        "TrackFileMissing": "tonearm.library.errors",
        "TrackNotFound": "tonearm.library.errors",
        "AlbumOut": "tonearm.library.schemas",
        "Artwork": "tonearm.library.schemas",
        "TrackOut": "tonearm.library.schemas",
        "TrackPage": "tonearm.library.schemas",
    },
)

__all__ = [
    "DOMAIN",
    "SMART_FIELDS",
    "SMART_OPS",
    "SMART_SORTS",
    "AlbumOut",
    "Artwork",
    "Library",
    "MatchableTrack",
    "PublicNeedsArtist",
    "ScanHooks",
    "ScannedRoot",
    "Selection",
    "TrackFileMissing",
    "TrackNotFound",
    "TrackOut",
    "TrackPage",
    "smart_field_type",
]

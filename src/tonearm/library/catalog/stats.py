"""What the admin area's server page shows of the library: how much of it there is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from tonearm.models.library import Album, Artist, LibraryRoot, Track

if TYPE_CHECKING:
    from tonearm.platform.state import AppState


async def library_info(state: AppState) -> dict[str, Any]:
    async with state.db.session() as s:
        by_status = dict(
            (await s.execute(select(Track.status, func.count()).group_by(Track.status))).all()
        )
        size = await s.scalar(select(func.coalesce(func.sum(Track.size), 0)))
        albums = await s.scalar(select(func.count(Album.id)))
        artists = await s.scalar(select(func.count(Artist.id)))
        roots = await s.scalar(select(func.count(LibraryRoot.id)))
    return {
        "tracks": sum(int(n) for n in by_status.values()),
        "tracks_by_status": {str(k.value): int(n) for k, n in by_status.items()},
        "audio_bytes": int(size or 0),
        "albums": int(albums or 0),
        "artists": int(artists or 0),
        "folders": int(roots or 0),
        "allowed_roots": [str(p) for p in state.settings.library_roots],
    }

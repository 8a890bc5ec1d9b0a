"""A track as a viewer sees it: loved or not, its cover's signed URLs, owned or not. The one
place that turns rows into `TrackOut` and `AlbumOut`, used by every endpoint of every domain
(and, through the library's face, by the second API face).

Covers: a track shows its own; an album (and a track of it without one) shows a cover of a
track the viewer may list (`LibraryRepository.album_covers`), so another user's private
track's cover, and its id in the image URL, reach nobody but that user."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.storage import Storage
from tonearm.library.catalog import views
from tonearm.library.catalog.annotations import Annotations
from tonearm.library.catalog.repository import LibraryRepository
from tonearm.library.schemas import AlbumOut, Artwork, TrackDetail, TrackOut
from tonearm.media import COVER_SIZES
from tonearm.models.library import Album, Track

if TYPE_CHECKING:
    from tonearm.library.search.searcher import Found


def _art_expiry_seconds() -> int:
    """Cover URLs expire at the end of the next UTC day, so they stay stable (and cacheable by
    the browser) for a day at a time."""
    now = int(time.time())
    return (now // 86400 + 2) * 86400 - now


async def artwork_map(storage: Storage, keys: Iterable[str | None]) -> views.ArtMap:
    out: views.ArtMap = {}
    ttl = _art_expiry_seconds()
    for key in {k for k in keys if k}:
        small, medium, large = [
            await storage.signed_url(f"{key}{size}.jpg", expires_in=ttl)
            for size in sorted(COVER_SIZES)
        ]
        out[key] = Artwork(small=small, medium=medium, large=large)
    return out


class Presenter:
    def __init__(self, session: AsyncSession, storage: Storage) -> None:
        self.annotations = Annotations(session)
        self.repo = LibraryRepository(session)
        self.storage = storage

    async def tracks(
        self,
        tracks: Sequence[Track],
        viewer: uuid.UUID | None,
        loved: set[uuid.UUID] | None = None,
    ) -> list[TrackOut]:
        """`loved` is looked up unless the caller already has it (search reads it along)."""
        if loved is None:
            loved = await self.annotations.loved_ids(viewer, [t.id for t in tracks])
        covers = await self.covers(tracks, viewer)
        art = await artwork_map(self.storage, (views.art_key(t, covers) for t in tracks))
        return [views.track_out(t, viewer, loved, art, covers) for t in tracks]

    async def track(self, track: Track, viewer: uuid.UUID | None) -> TrackOut:
        (out,) = await self.tracks([track], viewer)
        return out

    async def detail(self, track: Track, viewer: uuid.UUID | None) -> TrackDetail:
        loved = await self.annotations.loved_ids(viewer, [track.id])
        covers = await self.covers([track], viewer)
        art = await artwork_map(self.storage, [views.art_key(track, covers)])
        return views.track_detail(track, viewer, loved, art, covers)

    async def albums(
        self, rows: Sequence[tuple[Album, int, float]], viewer: uuid.UUID | None
    ) -> list[AlbumOut]:
        covers = await self.repo.album_covers([a.id for a, _, _ in rows], viewer)
        art = await artwork_map(self.storage, covers.values())
        return [views.album_out(a, n, d, art, covers.get(a.id)) for a, n, d in rows]

    async def found(
        self, found: Found, viewer: uuid.UUID | None
    ) -> tuple[list[TrackOut], list[AlbumOut]]:
        """Search's rows: tracks with their `loved` flag and credits, albums with their
        counts, and the covers the viewer may see of both."""
        tracks, covers = found.tracks, found.covers
        keys = [views.art_key(t, covers) for t in tracks] + [covers.get(a.id) for a in found.albums]
        art = await artwork_map(self.storage, keys)
        loved = {t.id for t in tracks if t.loved}
        return (
            [
                views.track_row_out(t, viewer, loved, art, covers, found.credits[t.id])
                for t in tracks
            ],
            [
                views.album_out(a, int(a.track_count), float(a.duration), art, covers.get(a.id))
                for a in found.albums
            ],
        )

    async def covers(self, tracks: Sequence[Track], viewer: uuid.UUID | None) -> views.Covers:
        """The album covers the viewer may see, for the tracks without their own."""
        ids = {t.album_id for t in tracks if t.album_id and not t.artwork_key}
        return await self.repo.album_covers(sorted(ids), viewer)

"""The importer's library as a matching catalog: every track they may list, held in memory
for one import (two statements; the index is built once per import)."""

from __future__ import annotations

import uuid

from tonearm.library import Library
from tonearm.matching import CatalogTrack, MemoryCatalog


async def library_catalog(library: Library, viewer: uuid.UUID) -> MemoryCatalog:
    return MemoryCatalog(
        CatalogTrack(
            str(t.id),
            t.title,
            t.artists,
            t.album,
            t.album_artist,
            t.duration or None,
            t.track_number,
            t.disc_number,
            t.isrc,
            t.mb_recording_id,
            t.path or t.original_name,
        )
        for t in await library.matchable(viewer)
    )

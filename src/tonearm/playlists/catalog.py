"""The importer's library as a matching catalog: every track they may list, held in memory
for one import (two statements; the index is built once per import)."""

from __future__ import annotations

import uuid

from tonearm.library import Library
from tonearm.matching import CatalogTrack, MemoryCatalog
from tonearm.playlists.exporting import track_fields


async def library_catalog(library: Library, viewer: uuid.UUID) -> MemoryCatalog:
    return MemoryCatalog(
        [
            CatalogTrack(id=str(t.id), **track_fields(t), path=t.path or t.original_name)
            for t in await library.matchable(viewer)
        ]
    )

"""Playlists and their items as a viewer sees them: the owner's name, the cover (uploaded, or
a 2x2 mosaic of the first four distinct album covers the viewer may see, else the first one),
and items whose tracks the viewer may not open shown as unavailable, without their details.

A mosaic is stored once per set of four covers (`playlist-covers/<hash of their keys>/`, the
same sizes as album covers) and made on first sight: it is built only from covers this viewer
may see, so its URL shows nothing the viewer could not open.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import Sequence

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.accounts import get_user
from tonearm.kit.storage import Storage, StorageNotFound
from tonearm.library import Artwork, Library
from tonearm.media import COVER_SIZES
from tonearm.media.artwork import InvalidArtwork, mosaic, resize_artwork
from tonearm.models.playlists import Playlist, PlaylistItem, PlaylistKind
from tonearm.playlists.repository import PlaylistRepository
from tonearm.playlists.schemas import EntryOut, ItemOut, MatchOut, OwnerRef, PlaylistOut
from tonearm.playlists.smart import SmartDefinition, definition

log = structlog.get_logger(__name__)
MOSAIC_PREFIX = "playlist-covers/"
FIRST_TRACKS = 50  # how far down the list to look for four distinct covers


class PlaylistPresenter:
    def __init__(self, session: AsyncSession, storage: Storage) -> None:
        self.s = session
        self.storage = storage
        self.repo = PlaylistRepository(session)
        self.library = Library(session, storage)

    async def playlists(
        self, playlists: Sequence[Playlist], viewer: uuid.UUID | None
    ) -> list[PlaylistOut]:
        owners: dict[uuid.UUID, OwnerRef] = {}
        for owner_id in {p.owner_id for p in playlists}:
            ref = await get_user(self.s, owner_id)
            owners[owner_id] = OwnerRef(id=owner_id, username=ref.username if ref else "")
        out = []
        for p in playlists:
            smart = definition(p) if p.kind is PlaylistKind.smart else None
            count, seconds = p.item_count, p.duration
            if smart is not None:  # evaluated now, for this viewer
                count, seconds = await self.library.smart_totals(viewer, smart.selection())
            out.append(
                PlaylistOut(
                    id=p.id,
                    name=p.name,
                    description=p.description,
                    visibility=p.visibility,
                    kind=p.kind,
                    owner=owners[p.owner_id],
                    mine=viewer == p.owner_id,
                    item_count=count,
                    duration=seconds,
                    cover=await self.cover(p, viewer, smart),
                    cover_uploaded=p.cover_key is not None,
                    rules=smart.rules if smart else None,
                    sort=smart.sort if smart else None,
                    limit=smart.limit if smart else None,
                    created_at=p.created_at,
                    updated_at=p.updated_at,
                )
            )
        return out

    async def playlist(self, playlist: Playlist, viewer: uuid.UUID | None) -> PlaylistOut:
        (out,) = await self.playlists([playlist], viewer)
        return out

    async def items(self, items: Sequence[PlaylistItem], viewer: uuid.UUID | None) -> list[ItemOut]:
        ids = [i.track_id for i in items if i.track_id is not None]
        visible = await self.library.visible_tracks(viewer, ids) if ids else {}
        outs = await self.library.tracks_out(list(visible.values()), viewer)
        by_id = {t.id: t for t in outs}
        return [
            ItemOut(
                id=i.id,
                position=i.position,
                track=by_id.get(i.track_id) if i.track_id else None,
                entry=EntryOut(**i.entry) if i.entry else None,
                match=MatchOut(**i.match) if i.match else None,
                available=i.track_id is not None and i.track_id in by_id,
                added_at=i.added_at,
            )
            for i in items
        ]

    # --- covers -----------------------------------------------------------------------------
    async def cover(
        self, playlist: Playlist, viewer: uuid.UUID | None, smart: SmartDefinition | None = None
    ) -> Artwork | None:
        """A smart playlist's mosaic comes from the first tracks its rules select for the
        viewer (none for a random order: it would change on every read)."""
        if playlist.cover_key:
            return (await self.library.artwork([playlist.cover_key])).get(playlist.cover_key)
        if smart is not None:
            if smart.sort.field == "random":
                return None
            ids = await self.library.smart_track_ids(viewer, smart.selection(), count=FIRST_TRACKS)
        else:
            ids = await self.repo.first_track_ids(playlist.id, FIRST_TRACKS)
        if not ids:
            return None
        visible = await self.library.visible_tracks(viewer, ids)
        tracks = [visible[t] for t in ids if t in visible]
        keys: list[str] = []
        for key in await self.library.cover_keys(tracks, viewer):
            if key and key not in keys:
                keys.append(key)
            if len(keys) == 4:
                break
        if not keys:
            return None
        key = keys[0] if len(keys) < 4 else await self._mosaic(keys)
        return (await self.library.artwork([key])).get(key) if key else None

    async def _mosaic(self, keys: list[str]) -> str | None:
        prefix = MOSAIC_PREFIX + hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32] + "/"
        largest = max(COVER_SIZES)
        if await self.storage.exists(f"{prefix}{largest}.jpg"):
            return prefix
        try:
            sources = [await self._read(f"{k}{largest}.jpg") for k in keys]
            sizes = await asyncio.to_thread(lambda: resize_artwork(mosaic(sources)))
        except (
            InvalidArtwork,
            StorageNotFound,
            OSError,
        ) as exc:  # a cover gone or damaged: show the first
            log.warning("playlist_mosaic_failed", error=str(exc))
            return keys[0]
        for size in sorted(sizes):  # the largest last: its presence means all are there
            await self.storage.put(f"{prefix}{size}.jpg", sizes[size], content_type="image/jpeg")
        return prefix

    async def _read(self, key: str) -> bytes:
        chunks = [chunk async for chunk in await self.storage.open(key)]
        return b"".join(chunks)

"""What other domains (a migration, a sync pair) do with a user's Tonearm playlists: read
them as entries, match against the user's library, create one and append tracks. Every call
acts as `owner` and sees only what they may."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.storage import Storage
from tonearm.library import Library
from tonearm.matching import Entry, MemoryCatalog
from tonearm.models.playlists import Playlist, PlaylistItem, PlaylistKind
from tonearm.playlists.catalog import library_catalog
from tonearm.playlists.exporting import playlist_entries, store_file
from tonearm.playlists.formats import MAX_BYTES, Format, ParsedPlaylist, parse, write
from tonearm.playlists.schemas import PlaylistIn
from tonearm.playlists.service import PlaylistService


class PlaylistsFacade:
    def __init__(self, session: AsyncSession, storage: Storage) -> None:
        self.s = session
        self.storage = storage
        self.service = PlaylistService(session, storage)

    async def owned(self, owner: uuid.UUID) -> list[Playlist]:
        rows = await self.s.scalars(
            select(Playlist).where(Playlist.owner_id == owner).order_by(Playlist.name_key)
        )
        return list(rows.all())

    async def get(self, owner: uuid.UUID, playlist_id: uuid.UUID) -> Playlist:
        return await self.service.get(owner, playlist_id)

    async def entries(self, owner: uuid.UUID, playlist_id: uuid.UUID) -> list[Entry]:
        """The playlist as entries (a smart one: what its rules select now)."""
        playlist = await self.service.get(owner, playlist_id)
        return await playlist_entries(self.s, self.storage, owner, playlist, "absolute")

    async def catalog(self, owner: uuid.UUID) -> MemoryCatalog:
        return await library_catalog(Library(self.s, self.storage), owner)

    async def create(self, owner: uuid.UUID, name: str, description: str | None) -> Playlist:
        data = PlaylistIn(
            name=(name.strip() or "Imported")[:200], description=(description or "")[:4000]
        )
        return await self.service.create(owner, data)

    async def append(
        self, owner: uuid.UUID, playlist_id: uuid.UUID, track_ids: Sequence[str]
    ) -> None:
        await self.service.add(owner, playlist_id, [uuid.UUID(t) for t in track_ids])

    async def track_ids(self, owner: uuid.UUID, playlist_id: uuid.UUID) -> list[str]:
        playlist = await self.service.static_owned(owner, playlist_id)
        rows = await self.s.scalars(
            select(PlaylistItem.track_id)
            .where(PlaylistItem.playlist_id == playlist.id)
            .order_by(PlaylistItem.position)
        )
        return [str(t) for t in rows.all() if t is not None]

    async def remove_tracks(
        self, owner: uuid.UUID, playlist_id: uuid.UUID, track_ids: Sequence[str]
    ) -> None:
        playlist = await self.service.static_owned(owner, playlist_id)
        wanted = {uuid.UUID(t) for t in track_ids}
        items = await self.s.scalars(
            select(PlaylistItem.id).where(
                PlaylistItem.playlist_id == playlist.id, PlaylistItem.track_id.in_(wanted)
            )
        )
        ids = list(items.all())
        if ids:
            await self.service.remove(owner, playlist.id, ids)


def parse_file(data: bytes, filename: str | None) -> list[ParsedPlaylist]:
    """A playlist file's playlists (any format Tonearm reads); PlaylistFileTooLarge or
    PlaylistUnreadable for what it cannot."""
    from tonearm.playlists.errors import PlaylistFileTooLarge

    if len(data) > MAX_BYTES:
        raise PlaylistFileTooLarge(f"A playlist file may be at most {MAX_BYTES // 2**20} MB.")
    return parse(data, filename)


async def export_entries(
    storage: Storage,
    title: str,
    description: str | None,
    entries: list[Entry],
    fmt: str,
    key_prefix: str,
) -> dict[str, object]:
    """Entries as a playlist file of `fmt` (m3u8, pls, xspf, jspf, csv, json...) in storage:
    its signed download URL, name and size."""
    return await store_file(storage, title, description, entries, Format(fmt), key_prefix)


def entries_csv(name: str | None, entries: list[Entry]) -> bytes:
    """Entries as Tonearm's CSV (title, artists, album, duration, ISRC, ...)."""
    return write(ParsedPlaylist(name, None, entries, Format.csv), Format.csv)


__all__ = ["PlaylistKind", "PlaylistsFacade", "entries_csv", "export_entries", "parse_file"]

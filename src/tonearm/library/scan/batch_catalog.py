"""The catalog for a scan batch: `Catalog`, told up front which artists and albums are new.

`Catalog.artist()`/`album()` look a name up (one query) the first time a unit of work asks
for it. A first scan of 10,000 files names ~1,200 new artists and albums: 1,200 round trips,
each a hop to the database thread, which cost more than everything else the main process
does. `prefetch()` asks once per batch which of the batch's names exist; a name known to be
new is then created without its query. Names that exist still go through `Catalog` (which
also fills a missing year, MusicBrainz id ...), so the result is the same catalog.

New rows are not added to the session: `settle()` writes them in one INSERT ... ON CONFLICT
DO NOTHING per table, in key order, before the batch's tracks, and reads back which rows won.
An upload or another scan may have created the same artist or album since `prefetch()` (or
may be creating it now, in a transaction that has not committed): then the row already there
is the one the batch's tracks point at (`settle()` says which ids changed), and nothing fails.

The construction below must match `Catalog`'s (tests/library/test_scan.py compares them).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import insert_many_or_ignore
from tonearm.kit.text import fold, nfc
from tonearm.library.catalog.builder import Catalog, album_values, artist_values
from tonearm.library.catalog.metadata import TrackMetadata
from tonearm.models.library import Album, Artist

_IN_CHUNK = 500


def _artist_key(name: str) -> str:
    return fold(nfc(name) or "Unknown Artist")[:512]


def _album_key(title: str) -> str:
    return fold(nfc(title) or "Unknown Album")[:512]


def _chunks(items: list[str], size: int = _IN_CHUNK) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class BatchCatalog(Catalog):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._new_artists: set[str] = set()
        self._new_albums: set[tuple[str, str]] = set()  # (title key, artist key)
        # Made by this batch, not written yet (see settle()), by their own ids.
        self._pending_artists: dict[uuid.UUID, Artist] = {}
        self._pending_albums: dict[uuid.UUID, Album] = {}
        self._artist_keys: dict[str, str] = {}  # name as given: its key
        self._album_keys: dict[str, str] = {}

    async def prefetch(self, metas: Iterable[TrackMetadata]) -> None:
        """Find out which artists and albums `metas` name that do not exist yet."""
        names: set[str] = set()
        albums: set[tuple[str, str]] = set()
        for m in metas:
            main = [nfc(a) for a in m.artists if nfc(a)] or ["Unknown Artist"]
            names.update(main)
            names.update(nfc(a) for a in m.featured if nfc(a))
            if nfc(m.album or ""):
                album_artist = nfc(m.album_artist or "") or main[0]
                names.add(album_artist)
                albums.add((_album_key(m.album or ""), _artist_key(album_artist)))
        keys = sorted({_artist_key(n) for n in names} - set(self._artists))
        existing: dict[str, uuid.UUID] = {}
        for part in _chunks(keys):
            rows = await self.s.execute(
                select(Artist.name_key, Artist.id).where(Artist.name_key.in_(part))
            )
            existing.update({key: artist_id for key, artist_id in rows})
        self._new_artists |= set(keys) - set(existing)
        # A new artist has no albums; an existing one may.
        by_id = {artist_id: key for key, artist_id in existing.items()}
        found: set[tuple[str, str]] = set()
        if by_id:
            titles = sorted({t for t, a in albums if a in existing})
            for part in _chunks(titles):
                rows = await self.s.execute(
                    select(Album.title_key, Album.artist_id).where(
                        Album.title_key.in_(part), Album.artist_id.in_(list(by_id))
                    )
                )
                found.update((title, by_id[artist_id]) for title, artist_id in rows)
        self._new_albums |= albums - found

    def _key(self, name: str) -> str:
        key = self._artist_keys.get(name)
        if key is None:
            key = self._artist_keys[name] = _artist_key(name)
        return key

    async def artist(self, name: str, mbid: str | None = None) -> Artist:
        key = self._key(name)
        hit = self._artists.get(key)
        if hit is not None:  # as Catalog.artist() answers from its memo
            return hit
        if key not in self._new_artists:
            return await super().artist(name, mbid)
        artist = Artist(**artist_values(nfc(name) or "Unknown Artist", key, mbid))
        self._pending_artists[artist.id] = artist
        self._artists[key] = artist
        return artist

    async def album(
        self,
        title: str,
        artist: Artist | None,
        *,
        year: int | None = None,
        date: str | None = None,
        mb_release_id: str | None = None,
    ) -> Album:
        key = self._album_keys.get(title)
        if key is None:
            key = self._album_keys[title] = _album_key(title)
        artist_id = artist.id if artist else None
        hit = self._albums.get((key, artist_id))
        if hit is not None:  # as Catalog.album() answers from its memo
            return hit
        if artist is None or (
            # An artist this batch makes has no albums yet; an existing one may.
            artist.id not in self._pending_artists
            and (key, artist.name_key) not in self._new_albums
        ):
            return await super().album(
                title, artist, year=year, date=date, mb_release_id=mb_release_id
            )
        values = album_values(nfc(title) or "Unknown Album", key, artist, year, date, mb_release_id)
        album = Album(**values, artist=artist)
        self._pending_albums[album.id] = album
        self._albums[(key, artist_id)] = album
        return album

    async def settle(self) -> dict[uuid.UUID, uuid.UUID]:
        """Write the artists and albums made since the last call, each unless a row with its
        key exists by now, and return {id this batch gave it: id of the row already there}
        for those (the batch's rows must point at that one)."""
        moved: dict[uuid.UUID, uuid.UUID] = {}
        artists = sorted(self._pending_artists.values(), key=lambda a: a.name_key)
        self._pending_artists = {}
        if artists:
            await insert_many_or_ignore(self.s, Artist, [_columns(a) for a in artists])
            ids: dict[str, uuid.UUID] = {}
            for part in _chunks([a.name_key for a in artists]):
                rows = await self.s.execute(
                    select(Artist.name_key, Artist.id).where(Artist.name_key.in_(part))
                )
                ids.update({key: artist_id for key, artist_id in rows})
            for a in artists:
                if ids[a.name_key] != a.id:
                    moved[a.id] = a.id = ids[a.name_key]
        albums = sorted(
            self._pending_albums.values(), key=lambda a: (a.title_key, str(a.artist_id))
        )
        self._pending_albums = {}
        if albums:
            for album in albums:
                album.artist_id = moved.get(album.artist_id, album.artist_id)  # type: ignore[arg-type]
            await insert_many_or_ignore(self.s, Album, [_columns(a) for a in albums])
            album_ids: dict[tuple[str, uuid.UUID | None], uuid.UUID] = {}
            pairs = [(a.title_key, a.artist_id) for a in albums]
            for i in range(0, len(pairs), _IN_CHUNK):
                rows = await self.s.execute(
                    select(Album.title_key, Album.artist_id, Album.id).where(
                        tuple_(Album.title_key, Album.artist_id).in_(pairs[i : i + _IN_CHUNK])
                    )
                )
                album_ids.update({(r.title_key, r.artist_id): r.id for r in rows})
            for album in albums:
                real = album_ids[(album.title_key, album.artist_id)]
                if real != album.id:
                    moved[album.id] = album.id = real
        return moved


def _columns(row: Artist | Album) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}

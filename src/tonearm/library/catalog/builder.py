"""Shared catalog entries: artists and albums, found or created by folded name.

Used by uploads (one track at a time) and by the folder scanner (batches): `Catalog` keeps a
per-unit-of-work memo so a batch of 500 tracks by one artist costs one look-up, not 500.

Get-or-create is race-safe on both databases: look up; if absent, INSERT ... ON CONFLICT DO
NOTHING (`kit.db.insert_or_ignore`), then look up again, which finds our row or the one a
concurrent unit of work (another request, process or scan batch) wrote first. A plain INSERT
would fail there with a unique violation (on PostgreSQL that also aborts the whole
transaction, so catching it would need a SAVEPOINT per name; on SQLite, whose writers take
turns, the loser waits for the winner's commit and then hits the same violation). ON CONFLICT
DO NOTHING waits the same way and then leaves the winner's row, with no savepoint.

On PostgreSQL an insert that meets another transaction's uncommitted row waits for it, so two
writers taking names in different orders could deadlock (an upload of "Zed feat. Amy" beside
a scan batch holding "amy"). Every writer takes them in one order: `prepare()` creates what a
unit of work will name, artists by key and then albums by (title key, artist id), before the
tracks are built; a scan batch's `BatchCatalog.settle()` inserts in the same order."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from tonearm.kit.db import insert_or_ignore, utcnow
from tonearm.kit.text import fold, nfc, sort_key
from tonearm.models.library import Album, Artist

if TYPE_CHECKING:
    from tonearm.library.catalog.metadata import TrackMetadata


def artist_values(name: str, key: str, mbid: str | None) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": uuid.uuid4(),
        "name": name[:512],
        "sort_name": sort_key(name)[:512],
        "name_key": key,
        "mbid": mbid,
        "search_text": fold(name),
        "created_at": now,
        "updated_at": now,
    }


def album_values(
    title: str,
    key: str,
    artist: Artist | None,
    year: int | None,
    date: str | None,
    mb_release_id: str | None,
) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": uuid.uuid4(),
        "title": title[:512],
        "title_key": key,
        "artist_id": artist.id if artist else None,
        "year": year,
        "date": date,
        "mb_release_id": mb_release_id,
        "search_text": fold(f"{title} {artist.name if artist else ''}"),
        "created_at": now,
        "updated_at": now,
    }


class Catalog:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session
        self._artists: dict[str, Artist] = {}
        self._albums: dict[tuple[str, uuid.UUID | None], Album] = {}

    async def prepare(self, metas: Iterable[TrackMetadata]) -> None:
        """Find or create every artist and album `metas` will name, in the one order every
        writer uses (see the module's note). Each is made with what `apply_metadata` would
        give it first (the first credit's MusicBrainz id, the first album's year ...), so
        the catalog comes out as without it."""
        artists: dict[str, tuple[str, str | None]] = {}
        albums: list[tuple[str, str, TrackMetadata]] = []
        for m in metas:
            main = [nfc(a) for a in m.artists if nfc(a)] or ["Unknown Artist"]
            featured = [nfc(a) for a in m.featured if nfc(a) and nfc(a) not in main]
            for position, name in enumerate(main + featured):
                mbid = m.mb_artist_id if position == 0 else None
                artists.setdefault(fold(name)[:512], (name, mbid))
            title = nfc(m.album or "")
            if title:
                album_artist = nfc(m.album_artist or "") or main[0]
                artists.setdefault(fold(album_artist)[:512], (album_artist, None))
                albums.append((title, album_artist, m))
        for key in sorted(artists):
            await self.artist(*artists[key])
        first: dict[tuple[str, str], tuple[str, Artist, TrackMetadata]] = {}
        for title, name, m in albums:
            artist = await self.artist(name)  # made above: from the memo
            first.setdefault((fold(title)[:512], str(artist.id)), (title, artist, m))
        for pair in sorted(first):
            title, artist, m = first[pair]
            await self.album(title, artist, year=m.year, date=m.date, mb_release_id=m.mb_release_id)

    async def artist(self, name: str, mbid: str | None = None) -> Artist:
        name = nfc(name) or "Unknown Artist"
        key = fold(name)[:512]
        hit = self._artists.get(key)
        if hit is not None:
            return hit
        artist = await self._find_artist(key)
        if artist is None:
            await insert_or_ignore(self.s, Artist, artist_values(name, key, mbid))
            artist = await self._find_artist(key)  # ours, or a concurrent writer's
            assert artist is not None
        if mbid and not artist.mbid:
            artist.mbid = mbid
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
        title = nfc(title) or "Unknown Album"
        key = fold(title)[:512]
        artist_id = artist.id if artist else None
        hit = self._albums.get((key, artist_id))
        if hit is not None:
            return hit
        album = await self._find_album(key, artist_id)
        if album is None:
            values = album_values(title, key, artist, year, date, mb_release_id)
            await insert_or_ignore(self.s, Album, values)
            # An album without an artist has no unique key to meet (NULLs are distinct), so a
            # concurrent twin is possible there; every album the catalog builds has an artist.
            album = await self._find_album(key, artist_id)
            assert album is not None
        if year and not album.year:
            album.year = year
        if mb_release_id and not album.mb_release_id:
            album.mb_release_id = mb_release_id
        self._albums[(key, artist_id)] = album
        return album

    async def _find_artist(self, key: str) -> Artist | None:
        return await self.s.scalar(select(Artist).where(Artist.name_key == key))

    async def _find_album(self, key: str, artist_id: uuid.UUID | None) -> Album | None:
        stmt = select(Album).where(Album.title_key == key).options(selectinload(Album.artist))
        stmt = stmt.where(Album.artist_id == artist_id if artist_id else Album.artist_id.is_(None))
        return await self.s.scalar(stmt.limit(1))

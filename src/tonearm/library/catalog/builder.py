"""Shared catalog entries: artists and albums, found or created by folded name.

Used by uploads (one track at a time) and by the folder scanner (batches): `Catalog` keeps a
per-unit-of-work memo so a batch of 500 tracks by one artist costs one look-up, not 500."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from tonearm.kit.text import fold, nfc, sort_key
from tonearm.models.library import Album, Artist


class Catalog:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session
        self._artists: dict[str, Artist] = {}
        self._albums: dict[tuple[str, uuid.UUID | None], Album] = {}

    async def artist(self, name: str, mbid: str | None = None) -> Artist:
        name = nfc(name) or "Unknown Artist"
        key = fold(name)[:512]
        hit = self._artists.get(key)
        if hit is not None:
            return hit
        artist = await self.s.scalar(select(Artist).where(Artist.name_key == key))
        if artist is None:
            artist = self.new_artist(name, key, mbid)
        elif mbid and not artist.mbid:
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
        stmt = select(Album).where(Album.title_key == key).options(selectinload(Album.artist))
        stmt = stmt.where(Album.artist_id == artist_id if artist_id else Album.artist_id.is_(None))
        album = await self.s.scalar(stmt)
        if album is None:
            album = self.new_album(title, key, artist, year, date, mb_release_id)
        else:
            if year and not album.year:
                album.year = year
            if mb_release_id and not album.mb_release_id:
                album.mb_release_id = mb_release_id
        self._albums[(key, artist_id)] = album
        return album

    def new_artist(self, name: str, key: str, mbid: str | None) -> Artist:
        artist = Artist(
            id=uuid.uuid4(),
            name=name[:512],
            sort_name=sort_key(name)[:512],
            name_key=key,
            mbid=mbid,
            search_text=fold(name),
        )
        self.s.add(artist)
        return artist

    def new_album(
        self,
        title: str,
        key: str,
        artist: Artist | None,
        year: int | None,
        date: str | None,
        mb_release_id: str | None,
    ) -> Album:
        album = Album(
            id=uuid.uuid4(),
            title=title[:512],
            title_key=key,
            artist_id=artist.id if artist else None,
            artist=artist,
            year=year,
            date=date,
            mb_release_id=mb_release_id,
            search_text=fold(f"{title} {artist.name if artist else ''}"),
        )
        self.s.add(album)
        return album

"""A scanned track's catalog columns and credits: what `apply_metadata` gives a track, as
plain values.

`apply_metadata` (shared by uploads, the scanner and edits) builds an ORM `TrackArtist` per
credit; a scan batch only needs the ids, and instrumenting 500 throw-away credits (and
normalising the same artist and album names over and over) was a third of the writer's time
in a first scan. `track_values` takes the same steps in the same order, asks the catalog the
same questions, and reuses `credit_line` and `genre_key`, so the catalog and the rows come out
as with `apply_metadata`: tests/library/scan/test_values.py holds the two to each other, on
names that fold together, featured artists who are also main, empty and over-long values.
"""

from __future__ import annotations

import uuid
from typing import Any

from tonearm.kit.text import fold, nfc
from tonearm.library.catalog.builder import Catalog
from tonearm.library.catalog.metadata import (
    TrackMetadata,
    credit_line,
    credited_artists,
    genre_key,
)

Credit = tuple[uuid.UUID, int, str]  # (artist id, position, role)


class Memo:
    """`nfc` of the names, album titles and genres a scan meets (they repeat, track after
    track), and `genre_key` of each genre list. One per scan: it goes with it."""

    def __init__(self) -> None:
        self._nfc: dict[str, str] = {}
        self._genre_keys: dict[tuple[str, ...], str] = {}

    def nfc(self, value: str) -> str:
        out = self._nfc.get(value)
        if out is None:
            out = self._nfc[value] = nfc(value)
        return out

    def genre_key(self, genres: list[str]) -> str:
        key = tuple(genres)
        out = self._genre_keys.get(key)
        if out is None:
            out = self._genre_keys[key] = genre_key(genres)
        return out


async def track_values(
    meta: TrackMetadata, catalog: Catalog, memo: Memo
) -> tuple[dict[str, Any], list[Credit]]:
    """(the columns `apply_metadata` sets, the credits it makes), the catalog's artists and
    albums found or made on the way exactly as it does."""
    name = memo.nfc
    main = [n for n in map(name, meta.artists) if n] or ["Unknown Artist"]
    featured = [n for n in map(name, meta.featured) if n and n not in main]
    title = nfc(meta.title)[:1024] or "Untitled"
    artist_name = credit_line(main, featured)[:1024]

    credits: list[Credit] = [
        (artist.id, position, role)
        for artist, position, role in await credited_artists(catalog, meta, main, featured)
    ]

    album_title = name(meta.album or "")
    album_artist_tag = name(meta.album_artist or "")[:512]
    album_id: uuid.UUID | None = None
    album_artist_id: uuid.UUID | None = None
    if album_title:
        album_artist = await catalog.artist(name(meta.album_artist or "") or main[0])
        album = await catalog.album(
            album_title,
            album_artist,
            year=meta.year,
            date=meta.date,
            mb_release_id=meta.mb_release_id,
        )
        album_id, album_artist_id = album.id, album_artist.id

    genres = [g for g in map(name, meta.genres) if g][:20]
    values = {
        "title": title,
        "title_key": fold(title)[:1024],
        "artist_name": artist_name,
        "album_id": album_id,
        "album_artist_id": album_artist_id,
        "album_artist_tag": album_artist_tag,
        "track_number": meta.track_number,
        "track_total": meta.track_total,
        "disc_number": meta.disc_number,
        "disc_total": meta.disc_total,
        "date": meta.date,
        "year": meta.year,
        "genres": genres,
        "genre_key": memo.genre_key(genres),
        "isrc": meta.isrc,
        "mb_recording_id": meta.mb_recording_id,
        "bpm": meta.bpm,
        "musical_key": meta.key,
        "explicit": meta.explicit,
        "lyrics": meta.lyrics,
        "replaygain_track_gain": meta.replaygain_track_gain,
        "replaygain_album_gain": meta.replaygain_album_gain,
        "search_text": fold(f"{title} {artist_name} {album_title}"),
    }
    return values, credits

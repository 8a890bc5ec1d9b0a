"""CSV playlists: columns found by header name and alias (case-insensitive), any delimiter
(`,` `;` tab `|`, sniffed). Layouts: Exportify (every cell quoted, several artists joined by
`,` with `\\,` inside a name, durations in ms, `spotify:track:` and `spotify:local:` URIs),
Soundiiz, TuneMyMusic (a "Playlist name" column: several playlists in one file) and a generic
title / artist / album / duration / ISRC file.

Written: a header row `Title,Artist,Album,Duration (s),ISRC,Location,Track Number,Disc Number,
Spotify ID` (artists joined by `, `, a comma inside one written `\\,`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from tonearm.matching import Entry
from tonearm.playlists.formats.errors import PlaylistUnreadable
from tonearm.playlists.formats.text import check_count, clip, seconds

COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("track name", "title", "track", "name", "song", "track title", "titre"),
    "artists": (
        "artist name(s)",
        "artist",
        "artists",
        "artist name",
        "artist(s)",
        "creator",
        "artiste",
    ),
    "album": ("album name", "album", "album title"),
    "album_artist": ("album artist name(s)", "album artist"),
    "duration_ms": ("track duration (ms)", "duration (ms)", "duration_ms"),
    "duration": ("duration (s)", "duration", "length", "time"),
    "isrc": ("isrc",),
    "uri": ("track uri", "spotify uri", "uri", "spotify - id", "spotify id", "spotify_id"),
    "location": ("location", "path", "file", "url"),
    "track_number": ("track number", "track no", "tracknumber", "#"),
    "disc_number": ("disc number", "disc", "discnumber"),
    "playlist": ("playlist name", "playlist"),
}
_SPOTIFY_ID = re.compile(r"^(?:spotify:track:)?([A-Za-z0-9]{22})$")
_ARTIST_SPLIT = re.compile(r"(?<!\\),")


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    found: dict[str, int] = {}
    for field, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in names:
                found[field] = names.index(alias)
                break
    return found


def _artists(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(a for a in (clip(p.replace("\\,", ",")) for p in _ARTIST_SPLIT.split(value)) if a)


def _int(value: str | None) -> int | None:
    try:
        n = int((value or "").strip())
    except ValueError:
        return None
    return n if 0 < n < 10_000 else None


def _reader(text: str) -> tuple[Any, dict[str, int]]:
    """The delimiter whose header row names the columns we need (a sniffer guesses from the
    data, and titles hold `;` and `|` too)."""
    for delimiter in (",", ";", "\t", "|"):
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise PlaylistUnreadable(f"The CSV is malformed: {exc}", line=1) from exc
        cols = _columns(header)
        if "title" in cols or "uri" in cols or "location" in cols:
            return reader, cols
    raise PlaylistUnreadable("No title, track URI or location column in the CSV header.", line=1)


def parse(text: str) -> list[tuple[str | None, list[Entry]]]:
    reader, cols = _reader(text)
    groups: dict[str | None, list[Entry]] = {}
    count = 0
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue

            def cell(field: str, row: list[str] = row) -> str | None:
                i = cols.get(field)
                return clip(row[i]) if i is not None and i < len(row) else None

            entry = _entry(cell)
            if entry.is_empty():
                continue
            groups.setdefault(cell("playlist"), []).append(entry)
            count += 1
            check_count(count)
    except csv.Error as exc:
        raise PlaylistUnreadable(f"The CSV is malformed: {exc}", line=reader.line_num) from exc
    return list(groups.items()) or [(None, [])]


def _entry(cell: Callable[[str], str | None]) -> Entry:
    title, artists, album = cell("title"), _artists(cell("artists")), cell("album")
    duration = (
        seconds(cell("duration_ms"), millis=True)
        if cell("duration_ms")
        else seconds(cell("duration"))
    )
    provider_ids: dict[str, str] = {}
    uri = cell("uri") or ""
    if uri.startswith("spotify:local:"):
        # spotify:local:<artist>:<album>:<title>:<seconds>, '+'-encoded
        parts = [unquote_plus(p) for p in uri.split(":")[2:]]
        if len(parts) >= 4:
            artists = artists or _artists(parts[0])
            album = album or clip(parts[1])
            title = title or clip(parts[2])
            duration = duration or seconds(parts[3])
    elif m := _SPOTIFY_ID.match(uri):
        provider_ids["spotify"] = m.group(1)
    isrc = (cell("isrc") or "").upper()[:16] or None
    return Entry(
        title=title,
        artists=artists,
        album=album,
        album_artist=(_artists(cell("album_artist")) or (None,))[0],
        duration=duration,
        track_number=_int(cell("track_number")),
        disc_number=_int(cell("disc_number")),
        isrc=isrc,
        provider_ids=provider_ids,
        location=cell("location"),
    )


HEADER = [
    "Title",
    "Artist",
    "Album",
    "Duration (s)",
    "ISRC",
    "Location",
    "Track Number",
    "Disc Number",
    "Spotify ID",
]


def write(entries: list[Entry], location: Callable[[Entry], str | None]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    for e in entries:
        w.writerow(
            [
                e.title or "",
                ", ".join(a.replace(",", "\\,") for a in e.artists),
                e.album or "",
                f"{e.duration:g}" if e.duration else "",
                e.isrc or "",
                location(e) or "",
                e.track_number or "",
                e.disc_number or "",
                e.provider_ids.get("spotify", ""),
            ]
        )
    return out.getvalue()

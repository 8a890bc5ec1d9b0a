"""Playlist files in and out, one module per format family: `m3u` (M3U, M3U8), `pls`, `xml`
(XSPF, JSPF, WPL, ASX), `csvfile` (Exportify, Soundiiz, TuneMyMusic, generic) and Tonearm
JSON here. Pure: bytes in, entries out, and back; nothing is looked up or fetched.

The format is found by content first (the file's first bytes), the file name second. A file
that is not a playlist (a web page, an image, binary data, an empty file) is
`PlaylistUnreadable` (422, with the line or element at fault), never another exception.

What each format carries (a round trip gives back these fields):

| format | title | artists | album | duration | ids | location | no location |
|---|---|---|---|---|---|---|---|
| M3U, M3U8 | `#EXTINF` | one string | `#EXTALB` | whole s | no | yes | left out |
| PLS | yes | one string | no | whole s | no | yes | left out |
| XSPF, JSPF | yes | one string | yes | ms | ISRC, MBID, Spotify, Deezer | yes | kept |
| WPL | no | no | no | no | no | yes | left out |
| ASX | yes | one string | no | no | no | yes | kept |
| CSV | yes | yes (`\\,` in a name) | yes | yes | ISRC, Spotify | yes | kept |
| Tonearm JSON | every field | | | | | | kept |
"""

from __future__ import annotations

import enum
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from tonearm.matching import Entry
from tonearm.playlists.formats import csvfile, m3u, pls, xml
from tonearm.playlists.formats.errors import PlaylistUnreadable
from tonearm.playlists.formats.text import check_count, clip, decode

MAX_BYTES = 10 * 1024 * 1024


class Format(enum.StrEnum):
    m3u = "m3u"
    m3u8 = "m3u8"
    pls = "pls"
    xspf = "xspf"
    jspf = "jspf"
    wpl = "wpl"
    asx = "asx"
    csv = "csv"
    json = "json"


@dataclass
class ParsedPlaylist:
    name: str | None
    description: str | None
    entries: list[Entry] = field(default_factory=list)
    format: Format = Format.m3u8


_EXT = {
    ".m3u": Format.m3u,
    ".m3u8": Format.m3u8,
    ".pls": Format.pls,
    ".xspf": Format.xspf,
    ".jspf": Format.jspf,
    ".wpl": Format.wpl,
    ".asx": Format.asx,
    ".wax": Format.asx,
    ".wvx": Format.asx,
    ".csv": Format.csv,
    ".json": Format.json,
}
_BINARY = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"PK\x03\x04",
    b"ID3",
    b"fLaC",
    b"OggS",
    b"0&\xb2u",
)


def _sniff(text: str, filename: str | None) -> Format:
    head = text[:2048].lstrip().lower()
    ext = _EXT.get(os.path.splitext(filename or "")[1].lower())
    if head.startswith("#extm3u"):
        return ext if ext in (Format.m3u, Format.m3u8) else Format.m3u8
    if head.startswith(("[playlist]", "[reference]")):
        return Format.pls
    if head.startswith("{"):
        return Format.json if '"tonearm_playlist"' in head else Format.jspf
    if head.startswith("<"):
        if "<asx" in head:
            return Format.asx
        if "<smil" in head or "<?wpl" in head:
            return Format.wpl
        if "<playlist" in head or "xspf.org" in head:
            return Format.xspf
        if "<html" in head or "<!doctype html" in head:
            raise PlaylistUnreadable("This is a web page, not a playlist.", line=1)
        return ext if ext in (Format.xspf, Format.asx, Format.wpl) else Format.xspf
    if ext is not None:
        return ext
    first = head.split("\n", 1)[0]
    return (
        Format.csv if first.count(",") + first.count(";") + first.count("\t") >= 1 else Format.m3u
    )


def parse(data: bytes, filename: str | None = None) -> list[ParsedPlaylist]:
    if len(data) > MAX_BYTES:
        raise PlaylistUnreadable(f"The file is larger than {MAX_BYTES // 2**20} MB.")
    if not data.strip():
        raise PlaylistUnreadable("The file is empty.", line=1)
    if data.startswith(_BINARY):
        raise PlaylistUnreadable("This is a media or binary file, not a playlist.")
    text = decode(data)
    fmt = _sniff(text, filename)
    try:
        out = _parse(fmt, text)
    except RecursionError as exc:
        raise PlaylistUnreadable("The file nests too deeply.") from exc
    if not any(p.entries for p in out):
        raise PlaylistUnreadable("The file holds no playlist entries.", line=1)
    return out


def _parse(fmt: Format, text: str) -> list[ParsedPlaylist]:
    if fmt in (Format.m3u, Format.m3u8):
        name, entries = m3u.parse(text)
        return [ParsedPlaylist(name, None, entries, fmt)]
    if fmt is Format.pls:
        name, entries = pls.parse(text)
        return [ParsedPlaylist(name, None, entries, fmt)]
    if fmt is Format.csv:
        return [ParsedPlaylist(name, None, entries, fmt) for name, entries in csvfile.parse(text)]
    if fmt in (Format.json, Format.jspf):
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            line = getattr(exc, "lineno", None)
            raise PlaylistUnreadable("The JSON is malformed.", line=line) from exc
        if fmt is Format.json:
            return [_parse_tonearm(data)]
        return [ParsedPlaylist(*xml.parse_jspf(data), format=fmt)]
    root = xml.root_of(text)
    if fmt is Format.xspf:
        return [ParsedPlaylist(*xml.parse_xspf(root), format=fmt)]
    return [ParsedPlaylist(*xml.parse_asx(root), format=fmt)]


def _parse_tonearm(data: Any) -> ParsedPlaylist:
    if not isinstance(data, dict) or data.get("tonearm_playlist") != 1:
        raise PlaylistUnreadable(
            "Not a Tonearm playlist (tonearm_playlist: 1).", element="tonearm_playlist"
        )
    raw = data.get("entries")
    if not isinstance(raw, list):
        raise PlaylistUnreadable("`entries` must be a list.", element="entries")
    check_count(len(raw))
    entries = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise PlaylistUnreadable("An entry is not an object.", element=f"entries[{i}]")
        try:
            entries.append(Entry.from_json(item))
        except (ValueError, TypeError) as exc:
            raise PlaylistUnreadable(str(exc), element=f"entries[{i}]") from exc
    name, note = data.get("name"), data.get("description")
    return ParsedPlaylist(
        clip(name) if isinstance(name, str) else None,
        note[:4000] if isinstance(note, str) else None,
        entries,
        Format.json,
    )


def _relative(path: str, base: str | None) -> str:
    if not base:
        return path
    try:
        return os.path.relpath(path, base) if os.path.isabs(path) else path
    except ValueError:
        return path


def write(
    playlist: ParsedPlaylist,
    fmt: Format,
    *,
    paths: Literal["absolute", "relative"] = "absolute",
    base: str | None = None,
) -> bytes:
    def location(e: Entry) -> str | None:
        if not e.location:
            return None
        return _relative(e.location, base) if paths == "relative" else e.location

    name, note, entries = playlist.name, playlist.description, playlist.entries
    writers: dict[Format, Callable[[], bytes]] = {
        Format.m3u: lambda: m3u.write(name, entries, location).encode("utf-8"),
        Format.m3u8: lambda: m3u.write(name, entries, location).encode("utf-8"),
        Format.pls: lambda: pls.write(name, entries, location).encode("utf-8"),
        Format.xspf: lambda: xml.write_xspf(name, note, entries, location),
        Format.jspf: lambda: xml.write_jspf(name, note, entries, location),
        Format.wpl: lambda: xml.write_wpl(name, entries, location),
        Format.asx: lambda: xml.write_asx(name, entries, location),
        Format.csv: lambda: csvfile.write(entries, location).encode("utf-8"),
        Format.json: lambda: json.dumps(
            {
                "tonearm_playlist": 1,
                "name": name,
                "description": note,
                "entries": [
                    {**e.to_json(), **({"location": location(e)} if e.location else {})}
                    for e in entries
                ],
            },
            ensure_ascii=False,
            indent=1,
        ).encode("utf-8"),
    }
    return writers[fmt]()


__all__ = ["MAX_BYTES", "Format", "ParsedPlaylist", "PlaylistUnreadable", "parse", "write"]

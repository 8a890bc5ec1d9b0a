"""M3U and M3U8: plain (one location per line) and extended (`#EXTM3U`, `#EXTINF:<seconds>
[attributes],<Artist> - <Title>`, `#PLAYLIST`, `#EXTALB`, `#EXTART`, `#EXTALBUMARTURL`).
Other directives (`#EXTVLCOPT`, `#EXTGRP`, ...) are skipped. Locations are kept as written
(Windows drives, UNC paths, `file://` URIs, URLs): the matching engine normalises them.

Written: `#EXTM3U`, `#PLAYLIST`, then per entry `#EXTINF`, `#EXTALB`/`#EXTART` when known and
the location line. An entry without a location cannot be an M3U line and is left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tonearm.matching import Entry
from tonearm.playlists.formats.errors import PlaylistUnreadable
from tonearm.playlists.formats.text import check_count, clip, seconds

_EXTINF = re.compile(r"#EXTINF:\s*(-?[\d.]+)((?:\s+[\w-]+=\"[^\"]*\")*)\s*,(.*)", re.I)


def _split_artist_title(text: str) -> tuple[tuple[str, ...], str | None]:
    if " - " in text:
        artist, title = text.split(" - ", 1)
        artist = clip(artist) or ""
        return ((artist,) if artist else ()), clip(title)
    return (), clip(text)


def parse(text: str) -> tuple[str | None, list[Entry]]:
    name: str | None = None
    entries: list[Entry] = []
    pending: dict[str, object] = {}
    saw_location_or_directive = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            upper = line.upper()
            if upper.startswith("#EXTINF"):
                m = _EXTINF.match(line)
                if not m:
                    raise PlaylistUnreadable("A #EXTINF line is malformed.", line=number)
                artists, title = _split_artist_title(m.group(3))
                pending.update(duration=seconds(m.group(1)), artists=artists, title=title)
            elif upper.startswith("#PLAYLIST:"):
                name = clip(line[10:])
            elif upper.startswith("#EXTALB:"):
                pending["album"] = clip(line[8:])
            elif upper.startswith("#EXTART:"):
                pending["album_artist"] = clip(line[8:])
            elif upper.startswith("#EXTALBUMARTURL:"):
                pending["image"] = clip(line[16:])
            saw_location_or_directive = saw_location_or_directive or upper.startswith("#EXT")
            continue
        if "<" in line and ">" in line and not saw_location_or_directive:
            raise PlaylistUnreadable(
                "This looks like a web page, not an M3U playlist.", line=number
            )
        saw_location_or_directive = True
        entries.append(Entry(location=clip(line), **pending))  # type: ignore[arg-type]
        check_count(len(entries))
        pending = {}
    return name, entries


def _extinf(e: Entry) -> str:
    duration = round(e.duration) if e.duration else -1
    label = " - ".join(x for x in (", ".join(e.artists), e.title or "") if x)
    return f"#EXTINF:{duration},{label}"


def write(name: str | None, entries: list[Entry], location: Callable[[Entry], str | None]) -> str:
    lines = ["#EXTM3U"]
    if name:
        lines.append(f"#PLAYLIST:{name}")
    for e in entries:
        where = location(e)
        if not where:
            continue
        lines.append(_extinf(e))
        if e.album:
            lines.append(f"#EXTALB:{e.album}")
        if e.album_artist:
            lines.append(f"#EXTART:{e.album_artist}")
        lines.append(where)
    return "\n".join(lines) + "\n"

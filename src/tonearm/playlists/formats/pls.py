"""PLS (v2): `[playlist]` with `FileN=`, `TitleN=`, `LengthN=` (keys case-insensitive,
numbering with gaps, `NumberOfEntries` not trusted); also Windows Media's `[Reference]`
files (`RefN=`). A title of "Artist - Title" is split."""

from __future__ import annotations

import re
from collections.abc import Callable

from tonearm.matching import Entry
from tonearm.playlists.formats.errors import PlaylistUnreadable
from tonearm.playlists.formats.m3u import _split_artist_title
from tonearm.playlists.formats.text import check_count, clip, seconds

_KEY = re.compile(r"^\s*(file|title|length|ref)(\d+)\s*=(.*)$", re.I)


def parse(text: str) -> tuple[str | None, list[Entry]]:
    rows: dict[int, dict[str, str]] = {}
    header = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith((";", "#")):
            continue
        if line.lower() in ("[playlist]", "[reference]"):  # PLS; a Windows Media reference
            header = True
            continue
        m = _KEY.match(line)
        if m:
            key = "file" if m.group(1).lower() == "ref" else m.group(1).lower()
            rows.setdefault(int(m.group(2)), {})[key] = m.group(3).strip()
            check_count(len(rows))
        elif "=" not in line and not header:
            raise PlaylistUnreadable("Not a PLS playlist: no [playlist] section.", line=number)
    if not header:
        raise PlaylistUnreadable("Not a PLS playlist: no [playlist] section.", line=1)
    entries = []
    for _, row in sorted(rows.items()):
        if not row.get("file"):
            continue
        artists, title = (
            _split_artist_title(row.get("title", "")) if row.get("title") else ((), None)
        )
        entries.append(
            Entry(
                location=clip(row["file"]),
                title=title,
                artists=artists,
                duration=seconds(row.get("length")),
            )
        )
    return None, entries


def write(name: str | None, entries: list[Entry], location: Callable[[Entry], str | None]) -> str:
    lines = ["[playlist]"]
    n = 0
    for e in entries:
        where = location(e)
        if not where:
            continue
        n += 1
        lines.append(f"File{n}={where}")
        label = " - ".join(x for x in (", ".join(e.artists), e.title or "") if x)
        if label:
            lines.append(f"Title{n}={label}")
        lines.append(f"Length{n}={round(e.duration) if e.duration else -1}")
    lines += [f"NumberOfEntries={n}", "Version=2"]
    return "\n".join(lines) + "\n"

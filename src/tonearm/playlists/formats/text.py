"""Bytes to text as players write it: UTF-8 with or without a BOM, UTF-16 with a BOM, else
cp1252 (Windows players' M3U and PLS), and limits on what a field may hold."""

from __future__ import annotations

import codecs
import re

from tonearm.playlists.formats.errors import PlaylistUnreadable

MAX_FIELD = 2000  # characters kept of a title, artist, album or location
MAX_ENTRIES = 100_000
_CONTROLS = re.compile("[\x00-\x08\x0a-\x1f]")


def decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[2:].decode(codec, errors="replace")
    if b"\x00" in data[:4096]:
        raise PlaylistUnreadable("The file is binary, not a playlist.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def clip(value: str | None) -> str | None:
    """A field as kept: control characters dropped, spaces trimmed, bounded; None if empty."""
    if value is None:
        return None
    if not value.isprintable():  # the common case prints: nothing to drop
        value = _CONTROLS.sub("", value)
    value = value.strip()
    return value[:MAX_FIELD] or None


def seconds(value: str | None, *, millis: bool = False) -> float | None:
    """A duration from text; None for unknown, negative (M3U's -1) or nonsense."""
    if value is None:
        return None
    try:
        n = float(value.strip())
    except ValueError:
        return None
    if n != n or n <= 0 or n > 10 * 86400 * (1000 if millis else 1):  # NaN, -1, absurd
        return None
    return round(n / 1000 if millis else n, 3)


def check_count(n: int) -> None:
    if n > MAX_ENTRIES:
        raise PlaylistUnreadable(f"The playlist has more than {MAX_ENTRIES} entries.")

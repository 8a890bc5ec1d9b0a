"""Locations as comparable path parts, whichever OS wrote them.

`C:\\Music\\A\\b.mp3`, `\\\\nas\\music\\A\\b.mp3`, `file:///C:/Music/A/b%20c.mp3`,
`/srv/music/A/b.mp3` and `A/b.mp3` (relative to the playlist file) all become a tuple of
NFC, case-folded components with the drive, UNC host and file extension gone, so a library
path and a playlist path compare by their longest common tail. http(s) URLs are not paths.
Nothing here touches the file system: a location is only ever compared with the catalog's.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

MAX_DEPTH = 6  # path components compared from the end
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(//)?")
_DRIVE = re.compile(r"^/?[a-zA-Z]:(?=/|$)")
_EXTENSION = re.compile(r"\.[a-z0-9]{1,5}$")


def is_url(location: str) -> bool:
    m = _SCHEME.match(location.strip())
    return bool(m and m.group(2) and m.group(1).lower() != "file" and len(m.group(1)) > 1)


def path_parts(location: str | None, base: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The location's components (last one without its extension), or None when it is not
    a path. A relative path is taken from `base` (the playlist file's folder, as parts)."""
    if not location:
        return None
    loc = location.strip()
    m = _SCHEME.match(loc)
    if m and len(m.group(1)) > 1:  # "c:" is a drive, not a scheme
        if m.group(1).lower() != "file":
            return None
        split = urlsplit(loc)
        loc = unquote(split.path)
        if split.netloc and split.netloc.lower() != "localhost":
            loc = "//" + split.netloc + loc
    loc = loc.replace("\\", "/")
    absolute = loc.startswith("/") or bool(_DRIVE.match(loc))
    if loc.startswith("//"):  # UNC: //host/share/...; the host never matters
        loc = "/" + loc.lstrip("/").partition("/")[2]
    loc = _DRIVE.sub("", loc)
    parts: list[str] = [] if absolute else list(base)
    for raw in loc.split("/"):
        if not raw or raw == ".":
            continue
        if raw == "..":
            if parts:
                parts.pop()
            continue
        parts.append(raw.lower() if raw.isascii() else unicodedata.normalize("NFC", raw).casefold())
    if not parts:
        return None
    parts[-1] = _EXTENSION.sub("", parts[-1]) or parts[-1]
    return tuple(parts)


def tails(parts: tuple[str, ...]) -> list[str]:
    """Keys for the last 1..MAX_DEPTH components, longest first."""
    depth = min(len(parts), MAX_DEPTH)
    return ["/".join(parts[-n:]) for n in range(depth, 0, -1)]

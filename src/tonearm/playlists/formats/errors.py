"""The one error a playlist file gives: it could not be read as a playlist."""

from __future__ import annotations

from tonearm.kit.errors import TonearmError


class PlaylistUnreadable(TonearmError):
    status, code, title = 422, "playlist_unreadable", "The file is not a playlist Tonearm can read"

    def __init__(self, detail: str, *, line: int | None = None, element: str | None = None) -> None:
        extra: dict[str, object] = {}
        if line is not None:
            extra["line"] = line
        if element is not None:
            extra["element"] = element
        where = f" (line {line})" if line is not None else f" (<{element}>)" if element else ""
        super().__init__(f"{detail}{where}", extra=extra)

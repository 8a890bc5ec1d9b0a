"""HTTP byte ranges (RFC 9110 section 14), shared by file serving and audio streaming."""

from __future__ import annotations

import re

from tonearm.kit.errors import TonearmError

_SPEC = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")
_MAX_HEADER = 1024


class RangeNotSatisfiable(TonearmError):
    status, code, title = 416, "range_not_satisfiable", "Range not satisfiable"

    def __init__(self, size: int | None = None, detail: str | None = None) -> None:
        headers = {"Content-Range": f"bytes */{size}"} if size is not None else None
        super().__init__(detail, headers=headers)
        self.size = size


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The single byte range `header` asks for, as inclusive (start, end) within `size` bytes.

    Returns None when the whole representation should be sent (200): no header, another unit,
    a header we cannot parse, or several ranges (we do not produce multipart/byteranges, and
    RFC 9110 lets a server ignore Range). Raises RangeNotSatisfiable (416, with
    `Content-Range: bytes */size`) when the range starts at or past the end, is a zero-length
    suffix, or has last < first.
    """
    if not header or len(header) > _MAX_HEADER:
        return None
    unit, sep, spec = header.partition("=")
    if not sep or unit.strip().lower() != "bytes":
        return None
    if "," in spec:
        return None
    m = _SPEC.match(spec)
    if m is None:
        return None
    first, last = m.group(1), m.group(2)
    if not first and not last:
        return None
    if not first:  # suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable(size)
        return max(0, size - length), size - 1
    start = int(first)
    if last and int(last) < start:
        raise RangeNotSatisfiable(size, "The range's last byte is before its first")
    if start >= size:
        raise RangeNotSatisfiable(size)
    end = size - 1 if not last else min(int(last), size - 1)
    return start, end


def content_range(start: int, end: int, size: int) -> str:
    return f"bytes {start}-{end}/{size}"

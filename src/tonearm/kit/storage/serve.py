"""Serve a stored object over HTTP with Range, ETag and HEAD support (no routing here)."""

from __future__ import annotations

from datetime import UTC
from email.utils import format_datetime

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from tonearm.kit.storage.base import Storage, StorageNotFound, content_disposition
from tonearm.kit.storage.ranges import content_range, parse_range

# User uploads are served from our own origin: never let a browser run them as a page.
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def _etag_matches(header: str, etag: str) -> bool:
    """Weak comparison, as If-None-Match asks for."""
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == bare for t in header.split(","))


async def serve_object(
    request: Request,
    storage: Storage,
    key: str,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    cache_control: str = "private, max-age=3600",
) -> Response:
    """200 with the whole object, 206 for one satisfiable Range, 304 for a matching
    If-None-Match; raises StorageNotFound (404) or RangeNotSatisfiable (416)."""
    obj = await storage.stat(key)
    if obj is None:
        raise StorageNotFound(f"No object at {key!r}")
    headers = {
        **SAFE_HEADERS,
        "Accept-Ranges": "bytes",
        "Cache-Control": cache_control,
        "Content-Type": content_type or obj.content_type or "application/octet-stream",
    }
    if obj.etag:
        headers["ETag"] = obj.etag
    if obj.modified:
        headers["Last-Modified"] = format_datetime(obj.modified.astimezone(UTC), usegmt=True)
    if filename:
        headers["Content-Disposition"] = content_disposition(filename)

    inm = request.headers.get("if-none-match")
    if inm and obj.etag and _etag_matches(inm, obj.etag):
        del headers["Content-Type"]
        return Response(status_code=304, headers=headers)

    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if (
        range_header
        and if_range
        and if_range.strip() not in (obj.etag, headers.get("Last-Modified"))
    ):
        range_header = None  # the client's copy is stale: send everything
    rng = parse_range(range_header, obj.size)
    if rng is None:
        status, start, end = 200, 0, obj.size - 1
    else:
        status, (start, end) = 206, rng
        headers["Content-Range"] = content_range(start, end, obj.size)
    length = end - start + 1
    headers["Content-Length"] = str(length)
    if request.method == "HEAD" or length == 0:
        return Response(status_code=status, headers=headers)
    body = await storage.open(key, start, end)
    return StreamingResponse(body, status_code=status, headers=headers)

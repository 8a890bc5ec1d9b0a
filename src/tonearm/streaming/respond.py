"""The one adapter from a `Delivery` to an HTTP response (Range, ETag, HEAD included)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse

from tonearm.kit.storage import Storage, StorageNotFound
from tonearm.kit.storage.serve import SAFE_HEADERS, serve_object
from tonearm.streaming.delivery import Delivery, Live, LocalFile, Redirect, StoredFile, Text


async def respond(request: Request, storage: Storage, delivery: Delivery) -> Response:
    match delivery:
        case LocalFile(path, cache_control):
            return FileResponse(path, headers={**SAFE_HEADERS, "Cache-Control": cache_control})
        case StoredFile(key, content_type, cache_control, missing):
            try:
                return await serve_object(
                    request, storage, key, content_type=content_type, cache_control=cache_control
                )
            except StorageNotFound as exc:
                if missing is None:
                    raise
                raise missing() from exc
        case Redirect(url):
            return RedirectResponse(url, status_code=302)
        case Text(body, media_type):
            return Response(body, media_type=media_type, headers=SAFE_HEADERS)
        case Live(chunks, media_type):
            return StreamingResponse(
                chunks,
                media_type=media_type,
                headers={
                    **SAFE_HEADERS,
                    "Cache-Control": "private, no-store",
                    "Accept-Ranges": "none",
                },
            )
    raise TypeError(f"unknown delivery {delivery!r}")

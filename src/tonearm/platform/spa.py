"""Serves the built SPA (web/dist) at `/`, falling back to index.html for client routes."""

from __future__ import annotations

import gzip
import mimetypes
import os
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException

from tonearm.platform.compress import accepts


class _PageConvertor(Convertor[str]):
    """Any path but the API's and the operational routes': those never reach the SPA, so an
    API path with the wrong method is a 405 from its own routes, not a 404 from here."""

    regex = r"(?!(?:api|health|ready|metrics)(?:/|$)).*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("spa_page", _PageConvertor())

# src/tonearm/platform/spa.py -> the checkout's web/dist
_REPO_DIST = Path(__file__).resolve().parents[3] / "web" / "dist"

NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>Tonearm</title>
<body style="font-family:system-ui;background:#111;color:#eee;padding:3rem">
<h1>Tonearm is running</h1><p>The web app has not been built. Run <code>make run</code>
(or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>). The API is at
<a style="color:#9cf" href="/api/docs">/api/docs</a>.</p></body>"""


# Text the browser fetches on every first visit: sent compressed (on a phone's link the
# scripts' bytes are most of the first paint). The build writes a brotli copy beside each
# text file (`name.br`, web/vite.config.ts, at the highest quality: too slow to do per
# request); a browser that takes br gets it. Otherwise, or where there is no copy (or a stale
# one), gzip made here once per version of the file. Audio, HLS and event streams never pass
# through here.
COMPRESSIBLE = frozenset({".js", ".mjs", ".css", ".html", ".svg", ".json", ".webmanifest", ".map"})
MIN_COMPRESS = 1024


@lru_cache(maxsize=256)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """The file's bytes gzipped, once per version of the file (the key holds its mtime)."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


def _media_type(path: Path) -> str:
    if path.suffix == ".webmanifest":
        return "application/manifest+json"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _brotli_copy(path: Path, st: os.stat_result) -> Path | None:
    """The build's `name.br` beside the file, unless it is older than the file."""
    copy = path.with_name(path.name + ".br")
    try:
        return copy if copy.stat().st_mtime_ns >= st.st_mtime_ns else None
    except OSError:
        return None


def _file(path: Path, request: Request, headers: dict[str, str]) -> Response:
    if path.suffix in COMPRESSIBLE:
        headers = {**headers, "Vary": "Accept-Encoding"}
        st = path.stat()
        accept = request.headers.get("accept-encoding", "")
        if st.st_size >= MIN_COMPRESS:
            if accepts(accept, "br") and (copy := _brotli_copy(path, st)):
                return FileResponse(
                    copy,
                    media_type=_media_type(path),
                    headers={**headers, "Content-Encoding": "br"},
                )
            if accepts(accept, "gzip"):
                body = _gzipped(str(path), st.st_mtime_ns, st.st_size)
                return Response(
                    body,
                    media_type=_media_type(path),
                    headers={**headers, "Content-Encoding": "gzip"},
                )
    return FileResponse(path, headers=headers)


def resolve_dist(configured: Path | None) -> Path | None:
    dist = configured or _REPO_DIST
    return dist if (dist / "index.html").is_file() else None


def spa_router(dist: Path | None) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    root = dist.resolve() if dist else None

    @router.get("/{path:spa_page}")
    async def spa(path: str, request: Request) -> Response:
        if root is None:
            return HTMLResponse(NOT_BUILT)
        if path:
            candidate = (root / path).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                headers = {}
                if path.startswith("assets/"):
                    headers["Cache-Control"] = "public, max-age=31536000, immutable"
                elif path in ("sw.js", "manifest.webmanifest"):
                    headers["Cache-Control"] = "no-cache"
                return _file(candidate, request, headers)
            if path.startswith("assets/") or "." in path.rsplit("/", 1)[-1]:
                raise HTTPException(status_code=404)
        return _file(root / "index.html", request, {"Cache-Control": "no-cache"})

    return router

"""Gzipped JSON answers for the API (pure ASGI), and the Accept-Encoding test the SPA's files
share. A page of 100 tracks is ~150 KB of JSON (names, signed cover URLs), ~15 KB gzipped: on
a phone's link that is most of the wait for the library page's rows.

What is never compressed (BREACH: a secret beside text an attacker can choose, sent compressed
over TLS, leaks through the response's size):

- `/api/v1/auth/*` (tokens in the body and the cookie), any answer that sets a cookie or says
  `Cache-Control: no-store` (how token-carrying answers are marked), and anything but GET
  (the answers that hand out secrets, such as an admin's reset link, are POSTs);
- anything but JSON (`application/json`, `application/problem+json`): audio, HLS, artwork,
  event streams and the SPA's files (`platform/spa.py` serves those precompressed);
- an answer already encoded, one sent in more than one body message (a stream), and one
  under `MIN_SIZE` (the gzip header and the CPU are not worth it).

The level is low on purpose (search answers must stay fast): on a 115 KB page of 100 tracks
(the signed URLs' random hex does not compress) level 4 gives 33.7 KB in 2.2 ms, level 1
36.2 KB in 1.5 ms, level 9 32.7 KB in 3.8 ms (one core of the 2-core test machine)."""

from __future__ import annotations

import zlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MIN_SIZE = 1024
LEVEL = 4
JSON_TYPES = (b"application/json", b"application/problem+json")
NEVER_PREFIXES = ("/api/v1/auth/",)


def accepts(accept_encoding: str, coding: str) -> bool:
    """Whether an Accept-Encoding value allows `coding` (RFC 9110 12.5.3: `q=0` refuses it,
    `*` stands for any coding not named)."""
    star: bool | None = None
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name == coding:
            return q > 0
        if name == "*":
            star = q > 0
    return bool(star)


def _gzip(body: bytes) -> bytes:
    c = zlib.compressobj(LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: a gzip wrapper
    return c.compress(body) + c.flush()


class CompressJSONMiddleware:
    """Gzips the API's JSON answers for clients that take gzip (rules in the module doc)."""

    def __init__(self, app: ASGIApp, *, min_size: int = MIN_SIZE) -> None:
        self.app = app
        self.min_size = min_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not path.startswith("/api/")
            or path.startswith(NEVER_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        accept = b", ".join(v for k, v in scope["headers"] if k == b"accept-encoding")
        gzip_ok = accepts(accept.decode("latin-1"), "gzip")
        start: Message | None = None
        passthrough = False

        async def send_wrapper(message: Message) -> None:
            nonlocal start, passthrough
            if passthrough:
                await send(message)
                return
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if not _eligible(headers):
                    passthrough = True
                    await send(message)
                elif not gzip_ok:
                    passthrough = True
                    await send(_with_vary(message))
                else:
                    start = message  # held until the body says whether it is worth it
                return
            if message["type"] == "http.response.body" and start is not None:
                held, start = start, None
                passthrough = True
                body: bytes = message.get("body", b"")
                if message.get("more_body", False) or len(body) < self.min_size:
                    await send(_with_vary(held))  # a stream, or too small: as it is
                    await send(message)
                    return
                packed = _gzip(body)
                headers = [
                    (k, v) for k, v in held.get("headers", []) if k.lower() != b"content-length"
                ]
                headers.append((b"content-encoding", b"gzip"))
                headers.append((b"content-length", str(len(packed)).encode()))
                await send(_with_vary({**held, "headers": headers}))
                await send({"type": "http.response.body", "body": packed})
                return
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _is_json(headers: list[tuple[bytes, bytes]]) -> bool:
    for k, v in headers:
        if k.lower() == b"content-type":
            return v.split(b";", 1)[0].strip().lower() in JSON_TYPES
    return False


def _eligible(headers: list[tuple[bytes, bytes]]) -> bool:
    if not _is_json(headers):
        return False
    for k, v in headers:
        key = k.lower()
        if key in (b"content-encoding", b"set-cookie"):
            return False
        if key == b"cache-control" and b"no-store" in v.lower():
            return False
    return True


def _with_vary(message: Message) -> Message:
    """The answer depends on Accept-Encoding (a cache must not hand gzip to a client that
    did not ask for it), whether or not this one was compressed."""
    headers = list(message.get("headers", []))
    for i, (k, v) in enumerate(headers):
        if k.lower() == b"vary":
            if b"accept-encoding" not in v.lower():
                headers[i] = (k, v + b", Accept-Encoding")
            break
    else:
        headers.append((b"vary", b"Accept-Encoding"))
    return {**message, "headers": headers}

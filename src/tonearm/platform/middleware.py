"""Pure-ASGI middleware (cheaper than BaseHTTPMiddleware on the hot path):
request id + access log + metrics, security headers, and the request body size limit."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import orjson
import structlog
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tonearm.kit.metrics import HTTP_LATENCY, HTTP_REQUESTS

log = structlog.get_logger("tonearm.access")

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    if path:
        return str(path)
    p = str(scope.get("path", ""))
    if p.startswith("/api/"):
        return "<unmatched>"
    return "<static>"


class RequestContextMiddleware:
    """Binds a request id to every log line, writes the access log and records metrics."""

    def __init__(self, app: ASGIApp, *, skip_log_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.skip = skip_log_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for k, v in scope["headers"]:
            if k == b"x-request-id":
                incoming = v.decode("latin-1")
                break
        rid = incoming if incoming and _REQUEST_ID_OK.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=rid)
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            route = _route_template(scope)
            method = scope["method"]
            HTTP_REQUESTS.labels(method, route, str(status)).inc()
            HTTP_LATENCY.labels(method, route).observe(elapsed)
            path = scope["path"]
            if not path.startswith(self.skip):
                log.info(
                    "request",
                    method=method,
                    path=path,
                    route=route,
                    status=status,
                    ms=round(elapsed * 1000, 2),
                )
            structlog.contextvars.clear_contextvars()


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
CSP = (
    b"default-src 'self'; img-src 'self' data: blob: https:; media-src 'self' blob: https:; "
    b"style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; "
    b"worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
DOCS_CSP = (
    b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    b"script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        csp = DOCS_CSP if path.startswith("/api/docs") else CSP

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for k, v in SECURITY_HEADERS:
                    if k not in present:
                        headers.append((k, v))
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", csp))
                if self.hsts:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _problem_bytes(status: int, code: str, title: str, path: str, **extra: Any) -> bytes:
    body = {
        "type": f"https://tonearm.dev/problems/{code}",
        "title": title,
        "status": status,
        "code": code,
        "instance": path,
        **extra,
    }
    return orjson.dumps(body)


async def send_problem(
    send: Send,
    status: int,
    code: str,
    title: str,
    path: str,
    headers: list[tuple[bytes, bytes]] | None = None,
    **extra: Any,
) -> None:
    body = _problem_bytes(status, code, title, path, **extra)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyTooLarge(StarletteHTTPException):
    """Raised from receive() mid-stream. An HTTPException so FastAPI's body parsing lets it
    through (it turns other errors into 400) and the problem handler renders it as 413."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="Request body too large")


class BodySizeLimitMiddleware:
    """Refuses bodies over the limit with 413, by Content-Length or while streaming.

    `overrides` maps a path prefix to its own limit (uploads get a bigger one)."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, overrides: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.overrides = sorted((overrides or {}).items(), key=lambda kv: -len(kv[0]))

    def _limit_for(self, path: str) -> int:
        for prefix, limit in self.overrides:
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope["path"])
        for k, v in scope["headers"]:
            if k == b"content-length":
                try:
                    declared = int(v)
                except ValueError:
                    await send_problem(
                        send, 400, "bad_content_length", "Invalid Content-Length", scope["path"]
                    )
                    return
                if declared > limit:
                    await send_problem(
                        send,
                        413,
                        "payload_too_large",
                        "Request body too large",
                        scope["path"],
                        limit_bytes=limit,
                    )
                    return
                break
        received = 0
        started = False

        async def receive_wrapper() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def send_wrapper(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive_wrapper, send_wrapper)
        except BodyTooLarge:
            if not started:
                await send_problem(
                    send,
                    413,
                    "payload_too_large",
                    "Request body too large",
                    scope["path"],
                    limit_bytes=limit,
                )

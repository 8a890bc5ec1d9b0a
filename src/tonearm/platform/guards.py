"""Request guards as pure ASGI middleware: the general rate limit (signed-in vs guest) and
Idempotency-Key handling for mutating POSTs."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

import jwt
import structlog
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tonearm.kit import crypto
from tonearm.kit.db import utcnow
from tonearm.kit.errors import BadRequest, Conflict, RateLimited, Unprocessable
from tonearm.models.platform import IdempotencyRecord
from tonearm.platform.middleware import send_problem

if TYPE_CHECKING:
    from tonearm.platform.state import AppState

log = structlog.get_logger(__name__)

IDEMPOTENCY_TTL = timedelta(hours=24)


class IdempotencyKeyInvalid(BadRequest):
    code, title = "invalid_idempotency_key", "Idempotency-Key must be 1-255 chars"


class IdempotencyKeyReused(Unprocessable):
    code, title = "idempotency_key_reused", "This Idempotency-Key was used with a different request"


class IdempotencyInProgress(Conflict):
    code = "idempotency_in_progress"
    title = "A request with this Idempotency-Key is still in progress"


class IdempotencyRecordUnreadable(Conflict):
    code = "idempotency_record_unreadable"
    title = "The first response to this Idempotency-Key can no longer be replayed"


# What IdempotencyMiddleware answers itself (the OpenAPI document lists them on every POST).
IDEMPOTENCY_ERRORS = (
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    IdempotencyInProgress,
    IdempotencyRecordUnreadable,
)
_BUFFER_LIMIT = 1024 * 1024  # bodies hashed in full up to this size


def _header(scope: Scope, name: bytes) -> str | None:
    for k, v in scope["headers"]:
        if k == name:
            return v.decode("latin-1")
    return None


def _peer_ip(scope: Scope, state: AppState) -> str:
    client = scope.get("client")
    peer = client[0] if client else "unknown"
    if peer in state.settings.trusted_proxies:
        fwd = _header(scope, b"x-forwarded-for")
        if fwd:
            return fwd.split(",")[0].strip()[:64]
    return str(peer)


def caller_key(scope: Scope, state: AppState) -> tuple[str, bool]:
    """('user:<id>', True) for a valid bearer token, else ('ip:<addr>', False)."""
    auth = _header(scope, b"authorization")
    if auth and auth[:7].lower() == "bearer ":
        try:
            claims = state.signer.read_access_token(auth[7:].strip())
            return f"user:{claims.user_id}", True
        except (jwt.InvalidTokenError, ValueError, KeyError):
            pass
    return f"ip:{_peer_ip(scope, state)}", False


_STREAM_PREFIX = "/api/v1/stream/"
_AUDIO = re.compile(r"^/api/v1/tracks/[^/]+/audio$")


def stream_token(scope: Scope) -> str | None:
    """The token of a signed stream URL (`/api/v1/stream/{token}/...` or
    `/api/v1/tracks/{id}/audio?token=...`), else None."""
    path: str = scope["path"]
    if path.startswith(_STREAM_PREFIX):
        return path[len(_STREAM_PREFIX) :].split("/", 1)[0] or None
    if _AUDIO.match(path):
        tokens = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
        return tokens[0] if tokens else None
    return None


def stream_caller(scope: Scope, state: AppState) -> str | None:
    """'user:<id>' for a request under a validly signed stream URL (the signature is checked,
    not the session: the endpoint does that), else None."""
    token = stream_token(scope)
    if token is None:
        return None
    try:
        return f"user:{state.signer.stream_token_user(token)}"
    except (jwt.InvalidTokenError, ValueError, KeyError):
        return None


class RateLimitMiddleware:
    """100/min signed in, 20/min for guests on the API (configurable). Requests under a signed
    stream URL carry no bearer: they count against the token's user in a bucket of their own
    (`rate_limit_stream`), never as a guest; a forged token counts as a guest. Auth routes
    carry their own stricter per-IP limits, and health, metrics and the SPA are not limited."""

    EXEMPT = ("/api/v1/auth/", "/api/docs", "/api/openapi.json")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        state: AppState = scope["app"].state.tonearm
        path: str = scope["path"]
        if state.limiter.enabled and not path.startswith(self.EXEMPT):
            bucket = "api"
            streamer = stream_caller(scope, state)
            if streamer is not None:
                key, bucket, limit = streamer, "stream", state.settings.rate_limit_stream
            else:
                key, signed_in = caller_key(scope, state)
                s = state.settings
                limit = s.rate_limit_user if signed_in else s.rate_limit_guest
            try:
                await state.limiter.hit(limit, bucket, key)
            except RateLimited as exc:
                await send_problem(
                    send,
                    429,
                    exc.code,
                    exc.title,
                    path,
                    headers=[(b"retry-after", exc.headers["Retry-After"].encode())],
                    detail=exc.detail,
                )
                return
        await self.app(scope, receive, send)


class IdempotencyMiddleware:
    """A POST with `Idempotency-Key` runs once per caller and key: a replay gets the first
    response (with `Idempotency-Replayed: true`); the same key with another body is 422; a
    replay while the first is still running is 409. 5xx responses are not kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        idem_key = _header(scope, b"idempotency-key")
        if idem_key is None or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if not (1 <= len(idem_key) <= 255):
            err: type[BadRequest] = IdempotencyKeyInvalid
            await send_problem(send, err.status, err.code, err.title, path)
            return
        state: AppState = scope["app"].state.tonearm

        # Read the body (bounded) so it can be hashed, then replay it to the app.
        chunks: list[bytes] = []
        size = 0
        more = True
        pending: Message | None = None
        while more:
            message = await receive()
            if message["type"] != "http.request":
                pending = message  # client went away; hand it on
                break
            body = message.get("body", b"")
            size += len(body)
            more = message.get("more_body", False)
            chunks.append(body)
            if size > _BUFFER_LIMIT:
                # Large (upload) bodies stream on; they are fingerprinted by length and type.
                break
        digest = hashlib.sha256()
        digest.update(
            f"{scope['method']} {path}?{scope.get('query_string', b'').decode()}".encode()
        )
        if size > _BUFFER_LIMIT:
            digest.update(f"len={_header(scope, b'content-length')}".encode())
            digest.update(f"type={_header(scope, b'content-type')}".encode())
        else:
            digest.update(b"".join(chunks))
        request_hash = digest.hexdigest()
        who, _ = caller_key(scope, state)
        key_hash = hashlib.sha256(f"{who}\x00{idem_key}".encode()).hexdigest()

        async with state.db.sessionmaker() as s:
            rec = await s.get(IdempotencyRecord, key_hash)
            if rec is not None and rec.created_at < utcnow() - IDEMPOTENCY_TTL:
                await s.delete(rec)
                await s.commit()
                rec = None
            if rec is not None:
                if rec.request_hash != request_hash:
                    reused = IdempotencyKeyReused
                    await send_problem(send, reused.status, reused.code, reused.title, path)
                    return
                if rec.status is None:
                    await _in_progress(send, path)
                    return
                try:
                    stored_headers, stored_body = _unseal(rec.headers or "[]", rec.body or b"")
                except crypto.KeyringError:  # sealed with a key that has since been dropped
                    lost = IdempotencyRecordUnreadable
                    await send_problem(send, lost.status, lost.code, lost.title, path)
                    return
                headers = [
                    (k.encode("latin-1"), v.encode("latin-1"))
                    for k, v in json.loads(stored_headers)
                ]
                headers.append((b"idempotency-replayed", b"true"))
                await send(
                    {"type": "http.response.start", "status": rec.status, "headers": headers}
                )
                await send({"type": "http.response.body", "body": stored_body})
                return
            s.add(
                IdempotencyRecord(
                    key_hash=key_hash,
                    method=scope["method"],
                    path=path[:512],
                    request_hash=request_hash,
                )
            )
            try:
                await s.commit()
            except IntegrityError:
                await _in_progress(send, path)
                return

        replay: list[Message] = [
            {"type": "http.request", "body": b"".join(chunks), "more_body": more}
        ]
        if pending is not None:
            replay.append(pending)
        replay_iter = iter(replay)

        async def receive_again() -> Message:
            nxt = next(replay_iter, None)
            if nxt is not None:
                return nxt
            return await receive()

        status = 500
        resp_headers: list[tuple[bytes, bytes]] = []
        body_parts: list[bytes] = []

        async def send_capture(message: Message) -> None:
            nonlocal status, resp_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                resp_headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                body_parts.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive_again, send_capture)
        finally:
            async with state.db.sessionmaker() as s:
                # Kept only for a request the app acted on: not a server error, nor one
                # refused before it ran (401/403: no valid caller, 429: slow down), so a
                # retry with credentials or later is not held to that answer.
                if status >= 500 or status in (401, 403, 429):
                    await s.execute(
                        delete(IdempotencyRecord).where(IdempotencyRecord.key_hash == key_hash)
                    )
                else:
                    rec = await s.scalar(
                        select(IdempotencyRecord).where(IdempotencyRecord.key_hash == key_hash)
                    )
                    if rec is not None:
                        keep = [
                            (k.decode("latin-1"), v.decode("latin-1"))
                            for k, v in resp_headers
                            if k.lower() not in (b"x-request-id", b"date", b"server")
                        ]
                        rec.status = status
                        rec.headers, rec.body = _seal(
                            json.dumps(keep), b"".join(body_parts), _carries_secret(path, keep)
                        )
                        rec.completed_at = utcnow()
                await s.commit()


# --- responses that carry a secret ---------------------------------------------------------
# A sign-in or refresh answer holds tokens (in its body and its Set-Cookie): replayable for 24 h,
# it is kept encrypted with the secrets-at-rest keys, never in plain text.
_SEALED = "fernet:"


def _carries_secret(path: str, headers: list[tuple[str, str]]) -> bool:
    return path.startswith("/api/v1/auth/") or any(k.lower() == "set-cookie" for k, _ in headers)


def _seal(headers: str, body: bytes, secret: bool) -> tuple[str, bytes]:
    if not secret:
        return headers, body
    sealed_body = crypto.encrypt(base64.b64encode(body).decode("ascii"))
    return _SEALED + crypto.encrypt(headers), (_SEALED + sealed_body).encode("ascii")


def _unseal(headers: str, body: bytes) -> tuple[str, bytes]:
    if not headers.startswith(_SEALED):
        return headers, body
    plain_body = crypto.decrypt(body.decode("ascii").removeprefix(_SEALED))
    return crypto.decrypt(headers.removeprefix(_SEALED)), base64.b64decode(plain_body)


async def _in_progress(send: Send, path: str) -> None:
    busy = IdempotencyInProgress
    await send_problem(
        send, busy.status, busy.code, busy.title, path, headers=[(b"retry-after", b"1")]
    )

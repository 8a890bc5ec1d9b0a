"""Domain-free FastAPI dependencies: the app state and the request's unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import session_scope
from tonearm.kit.multipart import MalformedMultipart, receive_multipart

if TYPE_CHECKING:
    from tonearm.platform.state import AppState


def get_state(request: Request) -> AppState:
    return request.app.state.tonearm  # type: ignore[no-any-return,unused-ignore]


async def _state(request: Request) -> AppState:
    return get_state(request)


# Every dependency is `async def`: FastAPI runs a plain `def` one in the thread pool, a hop
# of about 0.3 ms per dependency per request here (tests/platform/test_dependencies.py).
State = Annotated["AppState", Depends(_state)]


async def get_db_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request owns the transaction: commit when the endpoint returns (before the response
    is sent, thanks to scope="function"), roll back on error, then run after-commit hooks."""
    state = get_state(request)
    async with state.db.sessionmaker() as session, session_scope(session):
        yield session


DbSession = Annotated[AsyncSession, Depends(get_db_session, scope="function")]


def client_ip(request: Request) -> str:
    """The caller's IP; X-Forwarded-For is believed only from a configured trusted proxy."""
    peer = request.client.host if request.client else "unknown"
    state = get_state(request)
    if peer in state.settings.trusted_proxies:
        fwd = request.headers.get("x-forwarded-for")
        if fwd:
            return fwd.split(",")[0].strip()[:64]
    return peer


async def receive_file(
    request: Request, state: AppState, *, max_bytes: int, what: str
) -> tuple[bytes, str | None, dict[str, str]]:
    """A multipart body's `file` part (its bytes and name) and its other fields; MalformedMultipart
    naming `what` when there is no file. The temporary files are gone when this returns."""
    received = await receive_multipart(
        request.headers.get("content-type"),
        request.stream(),
        state.settings.data_dir / "tmp" / "uploads",
        max_file_bytes=max_bytes,
        max_files=1,
    )
    try:
        parts = [p for p in received.files if p.field == "file"]
        if not parts:
            raise MalformedMultipart(f"{what} is required (field `file`).")
        return parts[0].path.read_bytes(), parts[0].filename, dict(received.fields)
    finally:
        received.cleanup()

"""Builds the playlists service and presenter for a request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tonearm.kit.multipart import MalformedMultipart, receive_multipart
from tonearm.platform.deps import DbSession, State
from tonearm.platform.state import AppState
from tonearm.playlists.present import PlaylistPresenter
from tonearm.playlists.service import PlaylistService


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


async def playlist_service(session: DbSession, state: State) -> PlaylistService:
    return PlaylistService(session, state.storage)


async def playlist_presenter(session: DbSession, state: State) -> PlaylistPresenter:
    return PlaylistPresenter(session, state.storage)


Playlists = Annotated[PlaylistService, Depends(playlist_service)]
Presenter = Annotated[PlaylistPresenter, Depends(playlist_presenter)]

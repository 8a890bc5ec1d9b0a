"""A playlist cover the owner uploads (`PUT /api/v1/playlists/{id}/cover`, the image as the
body), in place of the 2x2 mosaic; `DELETE` goes back to the mosaic. Stored as the album-cover
renditions under one prefix per playlist (`playlist-covers/custom/<id>/`), rewritten in place
by a new upload, removed with the cover or the playlist."""

from __future__ import annotations

import asyncio
import uuid

from fastapi import APIRouter, Request, Response, status

from tonearm.kit.errors import responses
from tonearm.kit.storage import Storage
from tonearm.media.artwork import InvalidArtwork, resize_artwork
from tonearm.platform.auth import CurrentUser
from tonearm.platform.deps import State
from tonearm.playlists import errors
from tonearm.playlists.deps import Playlists, Presenter
from tonearm.playlists.schemas import PlaylistOut
from tonearm.playlists.service import PlaylistService

router = APIRouter(prefix="/api/v1/playlists", tags=["playlists"])
PREFIX = "playlist-covers/custom/"
IMAGE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def cover_prefix(playlist_id: uuid.UUID) -> str:
    return f"{PREFIX}{playlist_id}/"


async def set_cover(
    svc: PlaylistService, storage: Storage, owner: uuid.UUID, playlist_id: uuid.UUID, data: bytes
) -> None:
    playlist = await svc.owned(owner, playlist_id)
    sizes = await asyncio.to_thread(resize_artwork, data)  # InvalidArtwork: 422
    prefix = cover_prefix(playlist.id)
    for size in sorted(sizes):
        await storage.put(f"{prefix}{size}.jpg", sizes[size], content_type="image/jpeg")
    playlist.cover_key = prefix
    await svc.touch(playlist)


async def drop_cover(
    svc: PlaylistService, storage: Storage, owner: uuid.UUID, playlist_id: uuid.UUID
) -> None:
    playlist = await svc.owned(owner, playlist_id)
    if playlist.cover_key:
        playlist.cover_key = None
        await svc.touch(playlist)
        await storage.delete_prefix(cover_prefix(playlist.id))


@router.put(
    "/{playlist_id:uuid}/cover",
    operation_id="playlists-cover-set",
    openapi_extra=IMAGE_BODY,
    responses=responses(errors.PlaylistNotFound, errors.NotPlaylistOwner, InvalidArtwork),
)
async def put_cover(
    playlist_id: uuid.UUID,
    request: Request,
    svc: Playlists,
    state: State,
    present: Presenter,
    user: CurrentUser,
) -> PlaylistOut:
    """Upload the playlist's cover (JPEG, PNG, WebP, GIF, BMP or TIFF, as the request body)."""
    await set_cover(svc, state.storage, user.id, playlist_id, await request.body())
    return await present.playlist(await svc.owned(user.id, playlist_id), user.id)


@router.delete(
    "/{playlist_id:uuid}/cover",
    operation_id="playlists-cover-delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(errors.PlaylistNotFound, errors.NotPlaylistOwner),
)
async def delete_cover(
    playlist_id: uuid.UUID, svc: Playlists, state: State, user: CurrentUser
) -> Response:
    """Remove the uploaded cover: the playlist shows the mosaic of its album covers again."""
    await drop_cover(svc, state.storage, user.id, playlist_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

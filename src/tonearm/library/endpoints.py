"""Routes for /api/v1/library and /api/v1/search. Thin: parse, call the service, shape."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status

from tonearm.accounts.deps import CurrentUser, OptionalUser
from tonearm.kit.deps import DbSession, State
from tonearm.kit.errors import responses
from tonearm.kit.multipart import MalformedMultipart, PartTooLarge, receive_multipart
from tonearm.kit.pagination import PageParams, page_params
from tonearm.library import errors
from tonearm.library.ingest import upload_files
from tonearm.library.schemas import (
    AlbumDetail,
    AlbumPage,
    ArtistDetail,
    ArtistPage,
    SearchResults,
    TrackDetail,
    TrackPage,
    TrackPatch,
    UploadedTrack,
    UploadResult,
)
from tonearm.library.service import LibraryService
from tonearm.library.views import track_out
from tonearm.media.errors import CorruptAudio, NotAudio
from tonearm.models.library import Visibility

router = APIRouter(prefix="/api/v1/library", tags=["library"])
search_router = APIRouter(prefix="/api/v1", tags=["search"])
Pages = Annotated[PageParams, Depends(page_params)]


def library_service(session: DbSession, state: State) -> LibraryService:
    return LibraryService(session, state.storage)


Library = Annotated[LibraryService, Depends(library_service)]


def _viewer(principal: OptionalUser) -> uuid.UUID | None:
    return principal.id if principal else None


@router.get("/tracks", operation_id="library-list-tracks")
async def list_tracks(
    svc: Library,
    principal: OptionalUser,
    page: Pages,
    sort: Literal["created", "title", "year", "plays", "duration"] = "created",
    order: Literal["asc", "desc"] | None = None,
    artist_id: uuid.UUID | None = None,
    album_id: uuid.UUID | None = None,
    genre: Annotated[str | None, Query(max_length=100)] = None,
    year: Annotated[int | None, Query(ge=0, le=9999)] = None,
    mine: bool = False,
) -> TrackPage:
    descending = (order or ("desc" if sort in ("created", "plays") else "asc")) == "desc"
    items, nxt = await svc.list_tracks(
        _viewer(principal),
        page,
        sort=sort,
        descending=descending,
        artist_id=artist_id,
        album_id=album_id,
        genre=genre.casefold() if genre else None,
        year=year,
        mine=mine,
    )
    return TrackPage(items=items, next_cursor=nxt)


@router.get(
    "/tracks/{track_id}",
    operation_id="library-get-track",
    responses=responses(errors.TrackNotFound),
)
async def get_track(track_id: uuid.UUID, svc: Library, principal: OptionalUser) -> TrackDetail:
    return await svc.get_track(_viewer(principal), track_id)


@router.patch(
    "/tracks/{track_id}",
    operation_id="library-update-track",
    responses=responses(errors.TrackNotFound, errors.NotTrackOwner, errors.PublicNeedsArtist),
)
async def update_track(
    track_id: uuid.UUID, body: TrackPatch, svc: Library, principal: CurrentUser
) -> TrackDetail:
    return await svc.patch_track(principal.id, principal.role, track_id, body)


@router.delete(
    "/tracks/{track_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="library-delete-track",
    responses=responses(errors.TrackNotFound, errors.NotTrackOwner),
)
async def delete_track(track_id: uuid.UUID, svc: Library, principal: CurrentUser) -> None:
    await svc.delete_track(principal.id, track_id)


@router.get("/albums", operation_id="library-list-albums")
async def list_albums(
    svc: Library,
    principal: OptionalUser,
    page: Pages,
    sort: Literal["title", "year", "created"] = "title",
    order: Literal["asc", "desc"] | None = None,
    artist_id: uuid.UUID | None = None,
    genre: Annotated[str | None, Query(max_length=100)] = None,
    year: Annotated[int | None, Query(ge=0, le=9999)] = None,
) -> AlbumPage:
    descending = (order or ("desc" if sort == "created" else "asc")) == "desc"
    items, nxt = await svc.list_albums(
        _viewer(principal),
        page,
        sort=sort,
        descending=descending,
        artist_id=artist_id,
        genre=genre.casefold() if genre else None,
        year=year,
    )
    return AlbumPage(items=items, next_cursor=nxt)


@router.get(
    "/albums/{album_id}",
    operation_id="library-get-album",
    responses=responses(errors.AlbumNotFound),
)
async def get_album(album_id: uuid.UUID, svc: Library, principal: OptionalUser) -> AlbumDetail:
    return await svc.get_album(_viewer(principal), album_id)


@router.get("/artists", operation_id="library-list-artists")
async def list_artists(
    svc: Library,
    principal: OptionalUser,
    page: Pages,
    order: Literal["asc", "desc"] = "asc",
) -> ArtistPage:
    items, nxt = await svc.list_artists(_viewer(principal), page, descending=order == "desc")
    return ArtistPage(items=items, next_cursor=nxt)


@router.get(
    "/artists/{artist_id}",
    operation_id="library-get-artist",
    responses=responses(errors.ArtistNotFound),
)
async def get_artist(artist_id: uuid.UUID, svc: Library, principal: OptionalUser) -> ArtistDetail:
    return await svc.get_artist(_viewer(principal), artist_id)


@search_router.get("/search", operation_id="search-all")
async def search(
    svc: Library,
    principal: OptionalUser,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchResults:
    return await svc.search(_viewer(principal), q, limit)


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                        },
                        "visibility": {"type": "string", "enum": ["private", "unlisted", "public"]},
                    },
                }
            }
        },
    }
}


@router.post(
    "/uploads",
    status_code=status.HTTP_201_CREATED,
    operation_id="library-upload",
    openapi_extra=UPLOAD_BODY,
    responses=responses(
        NotAudio,
        CorruptAudio,
        PartTooLarge,
        MalformedMultipart,
        errors.NoFiles,
        errors.PublicNeedsArtist,
    ),
)
async def upload(
    request: Request, session: DbSession, state: State, principal: CurrentUser
) -> UploadResult:
    """Upload one or many audio files (field `files`). All are ingested or none is."""
    received = await receive_multipart(
        request.headers.get("content-type"),
        request.stream(),
        state.settings.data_dir / "tmp" / "uploads",
        max_file_bytes=state.settings.upload_max_bytes,
    )
    try:
        parts = [p for p in received.files if p.field in ("files", "file")]
        if not parts:
            raise errors.NoFiles()
        raw_vis = received.fields.get("visibility", "private")
        try:
            visibility = Visibility(raw_vis)
        except ValueError as exc:
            raise MalformedMultipart("visibility must be private, unlisted or public") from exc
        if visibility is Visibility.public and principal.role.value not in ("artist", "admin"):
            raise errors.PublicNeedsArtist()
        done = await upload_files(session, state.storage, principal.id, parts, visibility)
        await session.flush()
        return UploadResult(
            items=[
                UploadedTrack(
                    track=track_out(i.track, principal.id), job_id=i.job_id, duplicate=i.duplicate
                )
                for i in done
            ]
        )
    finally:
        received.cleanup()

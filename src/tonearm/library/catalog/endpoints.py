"""Routes for /api/v1/library: browse, read, edit and delete. Thin: parse, call the service."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status

from tonearm.kit.errors import responses
from tonearm.kit.text import fold
from tonearm.library import errors
from tonearm.library.deps import Library, Pages
from tonearm.library.schemas import (
    AlbumDetail,
    AlbumPage,
    ArtistDetail,
    ArtistPage,
    GenreList,
    TrackDetail,
    TrackPage,
    TrackPatch,
    TrackSample,
)
from tonearm.platform.auth import CurrentUser, OptionalUser, viewer_id

router = APIRouter(prefix="/api/v1/library", tags=["library"])


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
        viewer_id(principal),
        page,
        sort=sort,
        descending=descending,
        artist_id=artist_id,
        album_id=album_id,
        genre=fold(genre) if genre else None,
        year=year,
        mine=mine,
    )
    return TrackPage(items=items, next_cursor=nxt)


@router.get("/random", operation_id="library-random-tracks")
async def random_tracks(
    svc: Library,
    principal: OptionalUser,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
    artist_id: uuid.UUID | None = None,
    album_id: uuid.UUID | None = None,
    genre: Annotated[str | None, Query(max_length=100)] = None,
    year: Annotated[int | None, Query(ge=0, le=9999)] = None,
    mine: bool = False,
) -> TrackSample:
    """Up to `limit` tracks at random, with the same filters as the list: "shuffle all"."""
    items = await svc.random_tracks(
        viewer_id(principal),
        limit,
        artist_id=artist_id,
        album_id=album_id,
        genre=fold(genre) if genre else None,
        year=year,
        mine=mine,
    )
    return TrackSample(items=items)


@router.get("/genres", operation_id="library-list-genres")
async def list_genres(svc: Library, principal: OptionalUser) -> GenreList:
    """Every genre on the tracks the caller may list, by name, with its counts."""
    return GenreList(items=await svc.genres(viewer_id(principal)))


@router.get(
    "/tracks/{track_id}",
    operation_id="library-get-track",
    responses=responses(errors.TrackNotFound),
)
async def get_track(track_id: uuid.UUID, svc: Library, principal: OptionalUser) -> TrackDetail:
    return await svc.get_track(viewer_id(principal), track_id)


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
        viewer_id(principal),
        page,
        sort=sort,
        descending=descending,
        artist_id=artist_id,
        genre=fold(genre) if genre else None,
        year=year,
    )
    return AlbumPage(items=items, next_cursor=nxt)


@router.get(
    "/albums/{album_id}",
    operation_id="library-get-album",
    responses=responses(errors.AlbumNotFound),
)
async def get_album(album_id: uuid.UUID, svc: Library, principal: OptionalUser) -> AlbumDetail:
    return await svc.get_album(viewer_id(principal), album_id)


@router.get("/artists", operation_id="library-list-artists")
async def list_artists(
    svc: Library,
    principal: OptionalUser,
    page: Pages,
    order: Literal["asc", "desc"] = "asc",
) -> ArtistPage:
    items, nxt = await svc.list_artists(viewer_id(principal), page, descending=order == "desc")
    return ArtistPage(items=items, next_cursor=nxt)


@router.get(
    "/artists/{artist_id}",
    operation_id="library-get-artist",
    responses=responses(errors.ArtistNotFound),
)
async def get_artist(artist_id: uuid.UUID, svc: Library, principal: OptionalUser) -> ArtistDetail:
    return await svc.get_artist(viewer_id(principal), artist_id)

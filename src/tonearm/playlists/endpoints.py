"""Routes for /api/v1/playlists: playlists and their items. Thin: parse, call the service,
present."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from tonearm.connections import TokenKeeper
from tonearm.kit.errors import responses
from tonearm.kit.pagination import PageParams, page_params
from tonearm.library import TrackNotFound
from tonearm.platform.auth import CurrentUser, OptionalUser, viewer_id
from tonearm.platform.deps import DbSession, State
from tonearm.playlists import errors
from tonearm.playlists.deps import Playlists, Presenter
from tonearm.playlists.exporting import start_export
from tonearm.playlists.formats import Format
from tonearm.playlists.schemas import (
    ChangeOut,
    DuplicateIn,
    ExportIn,
    ExportStarted,
    ItemMove,
    ItemPage,
    ItemsAdd,
    ItemsRemove,
    MergeIn,
    PlaylistIn,
    PlaylistOut,
    PlaylistPage,
    PlaylistPatch,
    ServicePlaylistOut,
    ServicePlaylists,
    SortOrder,
)
from tonearm.playlists.service import Change
from tonearm.playlists.sources import ServiceListing, service_playlists

router = APIRouter(prefix="/api/v1/playlists", tags=["playlists"])
Pages = Annotated[PageParams, Depends(page_params)]
NOT_FOUND = responses(errors.PlaylistNotFound)
CHANGE = responses(errors.PlaylistNotFound, errors.NotPlaylistOwner, errors.SmartPlaylistItems)


async def _change(present: Presenter, change: Change, viewer: uuid.UUID) -> ChangeOut:
    return ChangeOut(
        changed=change.changed, playlist=await present.playlist(change.playlist, viewer)
    )


@router.post("", operation_id="playlists-create", status_code=status.HTTP_201_CREATED)
async def create_playlist(
    body: PlaylistIn, svc: Playlists, present: Presenter, user: CurrentUser
) -> PlaylistOut:
    return await present.playlist(await svc.create(user.id, body), user.id)


@router.get("", operation_id="playlists-list")
async def list_playlists(
    svc: Playlists,
    present: Presenter,
    user: CurrentUser,
    page: Pages,
    session: DbSession,
    state: State,
    owner: Annotated[uuid.UUID | None, Query(description="Another user's public playlists")] = None,
    sort: SortOrder = "updated",
    source: Annotated[
        str,
        Query(
            max_length=32,
            pattern=r"^[a-z0-9]+$",
            description="`tonearm` (default), `all` (Tonearm's and every connected "
            "service's), or one service's slug",
        ),
    ] = "tonearm",
) -> PlaylistPage:
    services = None
    if source != "tonearm" and owner is None:
        only = None if source == "all" else source
        listings = await service_playlists(
            session, state.settings, state.get(TokenKeeper), user.id, only
        )
        services = [_listing(x) for x in listings]
        if only is not None:  # one service: its playlists only
            return PlaylistPage(items=[], next_cursor=None, services=services)
    rows, nxt = await svc.page(user.id, page, owner=owner, sort=sort)
    return PlaylistPage(
        items=await present.playlists(rows, user.id), next_cursor=nxt, services=services
    )


def _listing(x: ServiceListing) -> ServicePlaylists:
    return ServicePlaylists(
        slug=x.slug,
        name=x.name,
        status=x.status,
        error=x.error,
        playlists=[
            ServicePlaylistOut(
                id=p.id,
                name=p.name,
                description=p.description,
                track_count=p.track_count,
                snapshot=p.snapshot,
                owner_name=p.owner_name,
                editable=p.editable,
                public=p.public,
                url=p.url,
                image=p.image,
            )
            for p in x.playlists
        ],
    )


@router.get("/{playlist_id:uuid}", operation_id="playlists-get", responses=NOT_FOUND)
async def get_playlist(
    playlist_id: uuid.UUID, svc: Playlists, present: Presenter, principal: OptionalUser
) -> PlaylistOut:
    viewer = viewer_id(principal)
    return await present.playlist(await svc.get(viewer, playlist_id), viewer)


@router.patch(
    "/{playlist_id:uuid}",
    operation_id="playlists-update",
    responses=responses(errors.PlaylistNotFound, errors.NotPlaylistOwner, errors.NotSmartPlaylist),
)
async def update_playlist(
    playlist_id: uuid.UUID,
    body: PlaylistPatch,
    svc: Playlists,
    present: Presenter,
    user: CurrentUser,
) -> PlaylistOut:
    return await present.playlist(await svc.update(user.id, playlist_id, body), user.id)


@router.delete(
    "/{playlist_id:uuid}",
    operation_id="playlists-delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=CHANGE,
)
async def delete_playlist(playlist_id: uuid.UUID, svc: Playlists, user: CurrentUser) -> Response:
    await svc.delete(user.id, playlist_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{playlist_id:uuid}/duplicate",
    operation_id="playlists-duplicate",
    status_code=status.HTTP_201_CREATED,
    responses=NOT_FOUND,
)
async def duplicate_playlist(
    playlist_id: uuid.UUID,
    svc: Playlists,
    present: Presenter,
    user: CurrentUser,
    body: DuplicateIn | None = None,
) -> PlaylistOut:
    copy = await svc.duplicate(user.id, playlist_id, body or DuplicateIn())
    return await present.playlist(copy, user.id)


# --- items ------------------------------------------------------------------------------------
@router.get(
    "/{playlist_id:uuid}/items",
    operation_id="playlists-list-items",
    responses=responses(errors.PlaylistNotFound, errors.SmartPlaylistItems),
)
async def list_items(
    playlist_id: uuid.UUID,
    svc: Playlists,
    present: Presenter,
    principal: OptionalUser,
    page: Pages,
) -> ItemPage:
    viewer = viewer_id(principal)
    _, rows, nxt = await svc.items(viewer, playlist_id, page)
    return ItemPage(items=await present.items(rows, viewer), next_cursor=nxt)


@router.post(
    "/{playlist_id:uuid}/items",
    operation_id="playlists-add-items",
    responses=responses(
        errors.PlaylistNotFound,
        errors.NotPlaylistOwner,
        errors.SmartPlaylistItems,
        errors.PlaylistTooLong,
        TrackNotFound,
    ),
)
async def add_items(
    playlist_id: uuid.UUID, body: ItemsAdd, svc: Playlists, present: Presenter, user: CurrentUser
) -> ChangeOut:
    change = await svc.add(user.id, playlist_id, body.track_ids, body.position)
    return await _change(present, change, user.id)


@router.post(
    "/{playlist_id:uuid}/items/remove",
    operation_id="playlists-remove-items",
    responses=responses(
        errors.PlaylistNotFound,
        errors.NotPlaylistOwner,
        errors.SmartPlaylistItems,
        errors.PlaylistItemNotFound,
    ),
)
async def remove_items(
    playlist_id: uuid.UUID,
    body: ItemsRemove,
    svc: Playlists,
    present: Presenter,
    user: CurrentUser,
) -> ChangeOut:
    change = await svc.remove(user.id, playlist_id, body.item_ids)
    return await _change(present, change, user.id)


@router.post(
    "/{playlist_id:uuid}/items/move",
    operation_id="playlists-move-items",
    responses=responses(
        errors.PlaylistNotFound,
        errors.NotPlaylistOwner,
        errors.SmartPlaylistItems,
        errors.PlaylistItemNotFound,
    ),
)
async def move_items(
    playlist_id: uuid.UUID, body: ItemMove, svc: Playlists, present: Presenter, user: CurrentUser
) -> ChangeOut:
    change = await svc.move(user.id, playlist_id, body.item_ids, body.position)
    return await _change(present, change, user.id)


@router.post(
    "/{playlist_id:uuid}/items/dedupe", operation_id="playlists-remove-duplicates", responses=CHANGE
)
async def remove_duplicates(
    playlist_id: uuid.UUID, svc: Playlists, present: Presenter, user: CurrentUser
) -> ChangeOut:
    return await _change(present, await svc.remove_duplicates(user.id, playlist_id), user.id)


@router.post(
    "/{playlist_id:uuid}/items/shuffle", operation_id="playlists-shuffle", responses=CHANGE
)
async def shuffle_items(
    playlist_id: uuid.UUID, svc: Playlists, present: Presenter, user: CurrentUser
) -> ChangeOut:
    return await _change(present, await svc.shuffle(user.id, playlist_id), user.id)


@router.post(
    "/{playlist_id:uuid}/merge",
    operation_id="playlists-merge",
    responses=responses(
        errors.PlaylistNotFound,
        errors.NotPlaylistOwner,
        errors.SmartPlaylistItems,
        errors.PlaylistTooLong,
    ),
)
async def merge_playlist(
    playlist_id: uuid.UUID, body: MergeIn, svc: Playlists, present: Presenter, user: CurrentUser
) -> ChangeOut:
    change = await svc.merge(
        user.id, playlist_id, body.source_id, skip_duplicates=body.skip_duplicates
    )
    return await _change(present, change, user.id)


@router.post(
    "/{playlist_id:uuid}/export",
    operation_id="playlists-export",
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(errors.PlaylistNotFound),
)
async def export_playlist(
    playlist_id: uuid.UUID, body: ExportIn, session: DbSession, state: State, user: CurrentUser
) -> ExportStarted:
    """Write the playlist as a file (a job); the job's result has a signed download URL. A
    smart playlist writes the tracks its rules select for you when the job runs."""
    job = await start_export(
        session, state.storage, user.id, playlist_id, Format(body.format), body.paths
    )
    return ExportStarted(job_id=job.id)

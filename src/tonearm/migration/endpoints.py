"""Routes for /api/v1/migrations and /api/v1/sync-pairs. Thin: parse, call the service,
shape the answer. Progress streams from the migration's job (`/api/v1/jobs/{id}/events`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status

from tonearm import providers
from tonearm.connections import ConnectionNotFound
from tonearm.kit.errors import BadRequest, responses
from tonearm.kit.multipart import MalformedMultipart
from tonearm.kit.pagination import PageParams, page_params
from tonearm.migration import errors
from tonearm.migration.deps import Migrations, Syncs
from tonearm.migration.schemas import (
    ChooseIn,
    DecisionIn,
    MigrationIn,
    MigrationOut,
    MigrationPage,
    MigrationTrackOut,
    MigrationTrackPage,
    SyncPairIn,
    SyncPairList,
    SyncPairOut,
    SyncPairPatch,
)
from tonearm.migration.service import MigrationService
from tonearm.migration.views import migration, summary, sync_pair, track
from tonearm.models.migration import Migration
from tonearm.platform.auth import CurrentUser
from tonearm.platform.deps import State, receive_file
from tonearm.playlists import PlaylistUnreadable

router = APIRouter(prefix="/api/v1/migrations", tags=["migrations"])
sync_router = APIRouter(prefix="/api/v1/sync-pairs", tags=["migrations"])
Pages = Annotated[PageParams, Depends(page_params)]
NOT_FOUND = responses(errors.MigrationNotFound)
START = responses(
    errors.BadSide, ConnectionNotFound, providers.AuthRevoked, providers.ProviderNotConfigured
)
Bucket = Literal["matched", "review", "unmatched", "undecided", "skipped"]


async def _out(svc: MigrationService, m: Migration) -> MigrationOut:
    return migration(m, await svc.playlists(m))


@router.post(
    "", operation_id="migrations-create", status_code=status.HTTP_201_CREATED, responses=START
)
async def create_migration(body: MigrationIn, svc: Migrations, user: CurrentUser) -> MigrationOut:
    """Start a migration: a job reads the source, matches every track against the target's
    catalog, stops for review when it is unsure (or on a dry run), then writes."""
    return await _out(svc, await svc.create(user.id, body))


@router.post(
    "/upload",
    operation_id="migrations-create-from-file",
    status_code=status.HTTP_201_CREATED,
    responses=responses(
        errors.BadSide,
        ConnectionNotFound,
        providers.AuthRevoked,
        PlaylistUnreadable,
        MalformedMultipart,
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file", "target"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "target": {"type": "string", "description": "`library` or a slug"},
                            "dry_run": {"type": "boolean"},
                            "strict_versions": {"type": "boolean"},
                        },
                    }
                }
            },
        }
    },
)
async def create_from_file(
    request: Request, svc: Migrations, state: State, user: CurrentUser
) -> MigrationOut:
    """A playlist file (M3U, PLS, XSPF, JSPF, CSV, ...) to a service or the library."""
    data, filename, fields = await receive_file(
        request, state, max_bytes=10 * 1024 * 1024, what="The playlist file"
    )
    where = fields.get("target", "")
    if where == "library":
        side: dict[str, str] = {"kind": "library"}
    elif where.isalnum() and where.islower() and 2 <= len(where) <= 32:
        side = {"kind": "service", "service": where}
    else:
        raise BadRequest("`target` is `library` or a service's slug (`spotify`).")
    m = await svc.create_from_file(
        user.id,
        data,
        filename,
        side,
        dry_run=_flag(fields.get("dry_run"), False),
        strict_versions=_flag(fields.get("strict_versions"), True),
    )
    return await _out(svc, m)


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise BadRequest(f"Not a yes or no: {value!r}")


@router.get("", operation_id="migrations-list")
async def list_migrations(svc: Migrations, user: CurrentUser, page: Pages) -> MigrationPage:
    rows, nxt = await svc.page(user.id, page)
    return MigrationPage(items=[summary(m) for m in rows], next_cursor=nxt)


@router.get("/{migration_id:uuid}", operation_id="migrations-get", responses=NOT_FOUND)
async def get_migration(
    migration_id: uuid.UUID, svc: Migrations, user: CurrentUser
) -> MigrationOut:
    return await _out(svc, await svc.get(user.id, migration_id))


@router.get("/{migration_id:uuid}/tracks", operation_id="migrations-tracks", responses=NOT_FOUND)
async def migration_tracks(
    migration_id: uuid.UUID,
    svc: Migrations,
    user: CurrentUser,
    page: Pages,
    bucket: Bucket | None = None,
) -> MigrationTrackPage:
    """Every track with its bucket, score, rule, reason, candidates and target id."""
    rows, nxt = await svc.tracks(user.id, migration_id, page, bucket)
    return MigrationTrackPage(items=[track(t) for t in rows], next_cursor=nxt)


@router.patch(
    "/{migration_id:uuid}/tracks/{track_id:uuid}",
    operation_id="migrations-decide",
    responses=responses(
        errors.MigrationNotFound,
        errors.MigrationTrackNotFound,
        errors.MigrationBusy,
        errors.NotACandidate,
    ),
)
async def decide(
    migration_id: uuid.UUID,
    track_id: uuid.UUID,
    body: DecisionIn,
    svc: Migrations,
    user: CurrentUser,
) -> MigrationTrackOut:
    """Confirm or change a row (one of its candidates), or leave the track out."""
    choice = body.choice if isinstance(body, ChooseIn) else None
    return track(await svc.decide(user.id, migration_id, track_id, choice, choice is None))


@router.post(
    "/{migration_id:uuid}/apply",
    operation_id="migrations-apply",
    responses=responses(errors.MigrationNotFound, errors.MigrationBusy),
)
async def apply(migration_id: uuid.UUID, svc: Migrations, user: CurrentUser) -> MigrationOut:
    """Write what is decided (rows still in review are left out); resumes a stopped one."""
    return await _out(svc, await svc.apply(user.id, migration_id))


@router.post("/{migration_id:uuid}/cancel", operation_id="migrations-cancel", responses=NOT_FOUND)
async def cancel(migration_id: uuid.UUID, svc: Migrations, user: CurrentUser) -> MigrationOut:
    return await _out(svc, await svc.cancel(user.id, migration_id))


@router.get(
    "/{migration_id:uuid}/missing.csv",
    operation_id="migrations-missing-csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **NOT_FOUND},
)
async def missing_csv(migration_id: uuid.UUID, svc: Migrations, user: CurrentUser) -> Response:
    """The tracks that did not make it to the target, as CSV."""
    name, body = await svc.missing_csv(user.id, migration_id)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- sync pairs -------------------------------------------------------------------------------
SYNC_NOT_FOUND = responses(errors.SyncPairNotFound)


@sync_router.get("", operation_id="sync-pairs-list")
async def list_pairs(svc: Syncs, user: CurrentUser) -> SyncPairList:
    return SyncPairList(items=[sync_pair(p) for p in await svc.list(user.id)])


@sync_router.post(
    "", operation_id="sync-pairs-create", status_code=status.HTTP_201_CREATED, responses=START
)
async def create_pair(body: SyncPairIn, svc: Syncs, user: CurrentUser) -> SyncPairOut:
    """Keep a target playlist in step with a source playlist; the first run starts now."""
    return sync_pair(await svc.create(user.id, body))


@sync_router.patch(
    "/{pair_id:uuid}",
    operation_id="sync-pairs-update",
    responses=responses(errors.SyncPairNotFound, errors.BadSide),
)
async def update_pair(
    pair_id: uuid.UUID, body: SyncPairPatch, svc: Syncs, user: CurrentUser
) -> SyncPairOut:
    return sync_pair(await svc.update(user.id, pair_id, body))


@sync_router.post("/{pair_id:uuid}/run", operation_id="sync-pairs-run", responses=SYNC_NOT_FOUND)
async def run_pair(pair_id: uuid.UUID, svc: Syncs, user: CurrentUser) -> SyncPairOut:
    return sync_pair(await svc.run_now(user.id, pair_id))


@sync_router.delete(
    "/{pair_id:uuid}",
    operation_id="sync-pairs-delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=SYNC_NOT_FOUND,
)
async def delete_pair(pair_id: uuid.UUID, svc: Syncs, user: CurrentUser) -> Response:
    await svc.delete(user.id, pair_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


__all__ = ["Query", "router", "sync_router"]

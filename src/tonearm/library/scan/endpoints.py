"""Admin routes for folder scans: /api/v1/admin/library."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from tonearm.accounts import UserNotFound
from tonearm.jobs.service import enqueue
from tonearm.kit.errors import responses
from tonearm.library.errors import PublicNeedsArtist, RootNotAllowed
from tonearm.library.scan.roots import (
    FolderNotFound,
    RootOverlaps,
    RootOwnerConflict,
    allowed_path,
    ensure_root,
)
from tonearm.models.library import Visibility
from tonearm.platform.auth import AdminUser
from tonearm.platform.deps import DbSession, State

router = APIRouter(prefix="/api/v1/admin/library", tags=["admin"])


class ScanIn(BaseModel):
    path: str = Field(min_length=1, max_length=2048, description="A folder inside a library root")
    user_id: uuid.UUID | None = Field(
        None, description="Owner of a new root's tracks (default: you)"
    )
    visibility: Visibility | None = Field(
        None, description="Visibility of tracks added from now on (new root: private)"
    )
    full: bool = Field(False, description="Re-read every file, ignoring folder fingerprints")
    process: bool = Field(True, description="Queue HLS/waveform/artwork for new tracks")


class ScanStarted(BaseModel):
    job_id: uuid.UUID
    root_id: uuid.UUID


@router.post(
    "/scans",
    operation_id="admin-start-library-scan",
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(
        RootNotAllowed,
        FolderNotFound,
        UserNotFound,
        RootOwnerConflict,
        RootOverlaps,
        PublicNeedsArtist,
    ),
)
async def start_scan(
    body: ScanIn, admin: AdminUser, session: DbSession, state: State
) -> ScanStarted:
    """Scan a folder inside `TONEARM_LIBRARY_ROOTS` as a job (`library.scan`); follow it at
    `/api/v1/jobs/{job_id}`. The folder is recorded as a library root."""
    path = allowed_path(body.path, state.settings.library_roots)
    root = await ensure_root(session, path, body.user_id, body.visibility, default_owner=admin.id)
    job = await enqueue(
        session,
        "library.scan",
        owner_id=admin.id,
        root_id=root.id,
        full=body.full,
        process=body.process,
    )
    return ScanStarted(job_id=job.id, root_id=root.id)

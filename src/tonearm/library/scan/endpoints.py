"""Admin routes for folder scans: /api/v1/admin/library."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from tonearm.accounts import UserNotFound
from tonearm.kit.errors import responses
from tonearm.library.deps import Scans
from tonearm.library.errors import PublicNeedsArtist, RootNotAllowed
from tonearm.library.scan.roots import (
    FolderNotFound,
    RootOverlaps,
    RootOwnerConflict,
)
from tonearm.models.library import Visibility
from tonearm.platform.auth import AdminUser

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
async def start_scan(body: ScanIn, admin: AdminUser, svc: Scans) -> ScanStarted:
    """Scan a folder inside `TONEARM_LIBRARY_ROOTS` as a job (`library.scan`); follow it at
    `/api/v1/jobs/{job_id}`. The folder is recorded as a library root."""
    started = await svc.start(
        admin.id, body.path, body.user_id, body.visibility, full=body.full, process=body.process
    )
    return ScanStarted(job_id=started.job_id, root_id=started.root_id)

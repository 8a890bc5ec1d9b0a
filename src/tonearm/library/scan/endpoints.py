"""Admin routes for folder scans: /api/v1/admin/library."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from tonearm.accounts import UserNotFound
from tonearm.kit.errors import responses
from tonearm.library.deps import Scans
from tonearm.library.errors import PublicNeedsArtist, RootNotAllowed, RootNotFound
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


class RescanIn(BaseModel):
    full: bool = Field(False, description="Re-read every file, ignoring folder fingerprints")
    process: bool = Field(True, description="Queue HLS/waveform/artwork for new tracks")


class LastScan(BaseModel):
    job_id: uuid.UUID
    status: str
    progress: float
    message: str | None
    result: dict[str, Any] | None
    error: str | None
    created_at: datetime
    finished_at: datetime | None


class RootOut(BaseModel):
    id: uuid.UUID
    path: str
    owner_id: uuid.UUID
    owner_name: str | None
    visibility: Visibility
    last_scan_at: datetime | None
    tracks: int
    missing: int
    last_scan: LastScan | None


class RootList(BaseModel):
    allowed: list[str] = Field(description="TONEARM_LIBRARY_ROOTS: where a folder may be added")
    items: list[RootOut]


@router.get("/roots", operation_id="admin-library-roots")
async def list_roots(_admin: AdminUser, svc: Scans) -> RootList:
    """The folders the library scans, with their tracks and last scan (progress and results)."""
    items = []
    for r in await svc.roots():
        job = r.last_scan
        items.append(
            RootOut(
                id=r.root.id,
                path=r.root.path,
                owner_id=r.root.owner_id,
                owner_name=r.owner_name,
                visibility=r.root.visibility,
                last_scan_at=r.root.last_scan_at,
                tracks=r.tracks,
                missing=r.missing,
                last_scan=None
                if job is None
                else LastScan(
                    job_id=job.id,
                    status=job.status.value,
                    progress=job.progress,
                    message=job.message,
                    result=job.result,
                    error=job.error,
                    created_at=job.created_at,
                    finished_at=job.finished_at,
                ),
            )
        )
    return RootList(allowed=[str(p) for p in svc.library_roots], items=items)


@router.post(
    "/roots/{root_id}/scans",
    operation_id="admin-library-rescan",
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(RootNotFound),
)
async def rescan(root_id: uuid.UUID, body: RescanIn, admin: AdminUser, svc: Scans) -> ScanStarted:
    """Scan a library folder again now, as a job."""
    started = await svc.rescan(admin.id, root_id, full=body.full, process=body.process)
    return ScanStarted(job_id=started.job_id, root_id=started.root_id)

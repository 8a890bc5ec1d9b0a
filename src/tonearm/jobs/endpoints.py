"""Routes for /api/v1/jobs: the caller's own jobs, cancel, and live events (SSE)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from tonearm.jobs import sse
from tonearm.jobs.errors import JobFinished, JobNotFound, JobNotRetryable
from tonearm.jobs.runtime import JobRuntime
from tonearm.jobs.schemas import JobOut, JobPage
from tonearm.jobs.service import JobsService
from tonearm.kit.errors import responses
from tonearm.kit.events import MemoryPubSub
from tonearm.kit.pagination import InvalidCursor, PageParams, page_params
from tonearm.models.jobs import JobStatus
from tonearm.platform.auth import AdminUser, CurrentUser, InsufficientRole, StreamUser
from tonearm.platform.deps import DbSession, State

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


async def jobs_service(session: DbSession, state: State) -> JobsService:
    return JobsService(session, state.get(JobRuntime).pubsub)


Jobs = Annotated[JobsService, Depends(jobs_service)]


@router.get("", operation_id="jobs-list", responses=responses(InvalidCursor))
async def list_jobs(
    user: CurrentUser,
    svc: Jobs,
    page: Annotated[PageParams, Depends(page_params)],
    status: Annotated[JobStatus | None, Query(description="Only jobs in this state")] = None,
) -> JobPage:
    """The caller's jobs, newest first."""
    rows, nxt = await svc.list(user.id, page, status)
    return JobPage(items=[JobOut.model_validate(j) for j in rows], next_cursor=nxt)


@router.get(
    "/events",
    operation_id="jobs-events-all",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "A `state` event for each job named in `job_id` and each unfinished "
            "job, then every event of every job of the caller as it happens (`progress`, "
            "`retrying`, `done`, `failed`, `cancelled`; each carries the job's `id`). The "
            "stream stays open; a comment line every 15 s keeps it alive.",
        },
    },
)
async def all_job_events(
    user: StreamUser,
    state: State,
    job_id: Annotated[
        list[uuid.UUID],
        Query(max_length=500, description="Jobs to report even if they have finished"),
    ] = [],  # noqa: B006 - FastAPI copies the default
) -> StreamingResponse:
    """Server-Sent Events for all of the caller's jobs in one stream (the upload page)."""
    pubsub = state.get(JobRuntime).pubsub
    recheck = 2.0 if isinstance(pubsub, MemoryPubSub) else None
    return StreamingResponse(
        sse.owner_events(state.db, pubsub, user.id, job_id, recheck=recheck),
        media_type="text/event-stream",
        headers=sse.HEADERS,
    )


@router.get("/{job_id}", operation_id="jobs-get", responses=responses(JobNotFound))
async def get_job(job_id: uuid.UUID, user: CurrentUser, svc: Jobs) -> JobOut:
    return JobOut.model_validate(await svc.get(job_id, user.id))


@router.post(
    "/{job_id}/cancel",
    operation_id="jobs-cancel",
    responses=responses(JobNotFound, JobFinished),
)
async def cancel_job(job_id: uuid.UUID, user: CurrentUser, svc: Jobs) -> JobOut:
    """Queued: cancelled at once. Running: `cancel_requested` is set and the runner stops
    the handler within about a second; watch the events for `cancelled`."""
    return JobOut.model_validate(await svc.cancel(job_id, user.id))


@router.get(
    "/{job_id}/events",
    operation_id="jobs-events",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "`state`, then `progress` (and `retrying`) events, ending with "
            "`done`, `failed` or `cancelled`; a comment line every 15 s keeps it alive.",
        },
        **responses(JobNotFound),
    },
)
async def job_events(
    job_id: uuid.UUID, user: StreamUser, svc: Jobs, state: State
) -> StreamingResponse:
    """Server-Sent Events for one job; the stream closes once the job has finished."""
    await svc.get(job_id, user.id)  # 404 before the stream starts
    pubsub = state.get(JobRuntime).pubsub
    # In memory, events from a sibling `serve` worker never arrive: re-read the row too.
    recheck = 2.0 if isinstance(pubsub, MemoryPubSub) else None
    return StreamingResponse(
        sse.job_events(state.db, pubsub, job_id, user.id, recheck=recheck),
        media_type="text/event-stream",
        headers=sse.HEADERS,
    )


# --- every user's jobs (the admin area) ------------------------------------------------------

admin_router = APIRouter(prefix="/api/v1/admin/jobs", tags=["admin"])


class AdminJobOut(JobOut):
    owner_id: uuid.UUID | None


class AdminJobPage(BaseModel):
    items: list[AdminJobOut]
    next_cursor: str | None


class JobKindCount(BaseModel):
    kind: str
    status: JobStatus
    count: int


class JobCounts(BaseModel):
    items: list[JobKindCount]


@admin_router.get(
    "", operation_id="admin-jobs-list", responses=responses(InvalidCursor, InsufficientRole)
)
async def admin_list_jobs(
    _admin: AdminUser,
    svc: Jobs,
    page: Annotated[PageParams, Depends(page_params)],
    kind: Annotated[str | None, Query(max_length=100)] = None,
    status: JobStatus | None = None,
    owner_id: uuid.UUID | None = None,
) -> AdminJobPage:
    """Every user's jobs (and the system's), newest first, by kind, state and owner."""
    rows, nxt = await svc.list_all(page, kind=kind, status=status, owner_id=owner_id)
    return AdminJobPage(items=[AdminJobOut.model_validate(j) for j in rows], next_cursor=nxt)


@admin_router.get(
    "/counts", operation_id="admin-jobs-counts", responses=responses(InsufficientRole)
)
async def admin_job_counts(_admin: AdminUser, svc: Jobs) -> JobCounts:
    """How many jobs of each kind are in each state (the kinds the filter offers)."""
    rows = await svc.repo.counts()
    return JobCounts(
        items=[JobKindCount(kind=k, status=st, count=n) for k, st, n in sorted(rows, key=str)]
    )


@admin_router.post(
    "/{job_id}/retry",
    operation_id="admin-jobs-retry",
    responses=responses(JobNotFound, JobNotRetryable, InsufficientRole),
)
async def admin_retry_job(job_id: uuid.UUID, _admin: AdminUser, svc: Jobs) -> AdminJobOut:
    """Run a failed or cancelled job again from the start."""
    return AdminJobOut.model_validate(await svc.retry(job_id))


@admin_router.post(
    "/{job_id}/cancel",
    operation_id="admin-jobs-cancel",
    responses=responses(JobNotFound, JobFinished, InsufficientRole),
)
async def admin_cancel_job(job_id: uuid.UUID, _admin: AdminUser, svc: Jobs) -> AdminJobOut:
    """Cancel any user's job (as the owner's cancel does)."""
    return AdminJobOut.model_validate(await svc.cancel(job_id, None))

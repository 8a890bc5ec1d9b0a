"""API shapes for jobs, and the event payloads published while they run."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tonearm.models.jobs import Job, JobStatus

FINAL_EVENT = {
    JobStatus.succeeded: "done",
    JobStatus.failed: "failed",
    JobStatus.cancelled: "cancelled",
}


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    status: JobStatus
    progress: float = Field(ge=0, le=1)
    message: str | None
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    max_attempts: int
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime


class JobPage(BaseModel):
    items: list[JobOut]
    next_cursor: str | None


def job_event(job: Job, event_type: str | None = None) -> dict[str, Any]:
    """The event for a job's current row: `done`/`failed`/`cancelled` once finished,
    otherwise `progress` (or the given type, e.g. `state` or `retrying`)."""
    data = JobOut.model_validate(job).model_dump(mode="json")
    data["type"] = event_type or FINAL_EVENT.get(job.status, "progress")
    return data

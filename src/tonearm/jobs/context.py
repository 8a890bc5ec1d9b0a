"""What a handler gets: `JobContext` (progress, cancellation, CPU pool, units of work) and the
process-level `JobEnv` the runners share."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import structlog
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.jobs.errors import JobCancelled, LeaseLost
from tonearm.kit.db import Database, utcnow
from tonearm.kit.events import PubSub
from tonearm.kit.procpool import ProcessPool
from tonearm.models.jobs import Job, JobStatus

T = TypeVar("T")


@dataclass
class JobConfig:
    """Timings. Mutable on purpose: tests shorten them on a running app."""

    backoff_base: float = 2.0  # seconds before the first retry; doubles each attempt
    backoff_cap: float = 300.0
    heartbeat_interval: float = 10.0
    stale_after: float = 60.0  # a running job silent this long belongs to a dead process
    watch_interval: float = 1.0  # how often a running job looks for a cancel request
    poll_interval: float = 1.0  # local runner: fallback poll for due jobs
    progress_interval: float = 0.25  # persist/publish progress at most this often


@dataclass
class JobEnv:
    db: Database
    pubsub: PubSub
    pool: ProcessPool
    worker_id: str
    config: JobConfig = field(default_factory=JobConfig)
    # The process's AppState (settings, storage, ...) for handlers that need more than the DB.
    state: Any = None


def job_channel(job_id: uuid.UUID | str) -> str:
    return f"job:{job_id}"


def owner_channel(owner_id: uuid.UUID | str) -> str:
    """Every event of every job one user owns (the upload page follows all of them at once)."""
    return f"jobs-of:{owner_id}"


async def publish_job_event(
    pubsub: PubSub, job_id: uuid.UUID, owner_id: uuid.UUID | None, payload: dict[str, Any]
) -> None:
    """A job's event, on its own channel and on its owner's."""
    await pubsub.publish(job_channel(job_id), payload)
    if owner_id is not None:
        await pubsub.publish(owner_channel(owner_id), payload)


class JobContext:
    """Handed to every handler as its first argument."""

    def __init__(self, env: JobEnv, job: Job) -> None:
        self.env = env
        self.job_id: uuid.UUID = job.id
        self.owner_id: uuid.UUID | None = job.owner_id
        self.kind: str = job.kind
        self.attempt: int = job.attempts
        self.max_attempts: int = job.max_attempts
        self.progress_value: float = job.progress
        self.message: str | None = job.message
        self.log = structlog.get_logger("tonearm.jobs").bind(job_id=str(job.id), kind=job.kind)
        self._cancelled = False
        self.lease_lost = False
        self._task: asyncio.Task[Any] | None = None
        self._last_persist = float("-inf")

    # --- cancellation ----------------------------------------------------------------------
    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def check_cancelled(self) -> None:
        """Raise JobCancelled if the job was cancelled (progress() calls this for you)."""
        if self._cancelled:
            raise JobCancelled()

    def request_cancel(self) -> None:
        """Mark cancelled and interrupt the handler task (it sees CancelledError)."""
        if not self._cancelled:
            self._cancelled = True
            if self._task is not None and not self._task.done():
                self._task.cancel()

    def lose_lease(self) -> None:
        self.lease_lost = True
        if self._task is not None and not self._task.done():
            self._task.cancel()

    # --- progress --------------------------------------------------------------------------
    async def progress(self, fraction: float, message: str | None = None) -> None:
        """Report progress in 0..1 (persisted and published at most every
        `progress_interval` seconds, always at 1.0). Raises JobCancelled once cancelled."""
        self.check_cancelled()
        self.progress_value = min(1.0, max(0.0, float(fraction)))
        if message is not None:
            self.message = message[:500]
        now = time.monotonic()
        if now - self._last_persist < self.env.config.progress_interval and fraction < 1.0:
            return
        self._last_persist = now
        async with self.env.db.session() as s:
            res = await s.execute(
                update(Job)
                .where(
                    Job.id == self.job_id,
                    Job.locked_by == self.env.worker_id,
                    Job.status == JobStatus.running,
                )
                .values(
                    progress=self.progress_value,
                    message=self.message,
                    heartbeat_at=utcnow(),
                    updated_at=utcnow(),
                )
                .execution_options(synchronize_session=False)
            )
            if res.rowcount != 1:  # type: ignore[attr-defined]
                self.lease_lost = True
                raise LeaseLost(str(self.job_id))
            cancel = await s.scalar(select(Job.cancel_requested).where(Job.id == self.job_id))
        if cancel:
            self._cancelled = True
            raise JobCancelled()
        await publish_job_event(
            self.env.pubsub,
            self.job_id,
            self.owner_id,
            {
                "type": "progress",
                "id": str(self.job_id),
                "kind": self.kind,
                "status": JobStatus.running.value,
                "progress": self.progress_value,
                "message": self.message,
            },
        )

    # --- resources -------------------------------------------------------------------------
    async def run_cpu(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a picklable top-level function in the process pool."""
        self.check_cancelled()
        return await self.env.pool.run(fn, *args)

    def session(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A unit of work: commits at the end of the `async with` (then after-commit hooks)."""
        return self.env.db.session()

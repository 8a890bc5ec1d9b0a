"""Enqueueing and the job operations the API offers. Never commits: the caller's unit of work
does, and only then is the job handed to a runner."""

from __future__ import annotations

import builtins
import uuid
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.jobs import dispatch, registry
from tonearm.jobs.context import publish_job_event
from tonearm.jobs.errors import JobFinished, JobNotFound, JobNotRetryable
from tonearm.jobs.repository import JobRepository
from tonearm.kit.db import after_commit, utcnow
from tonearm.kit.events import PubSub
from tonearm.kit.pagination import PageParams
from tonearm.models.jobs import Job, JobStatus

log = structlog.get_logger(__name__)


async def enqueue(
    session: AsyncSession,
    kind: str,
    *,
    owner_id: uuid.UUID | None = None,
    run_after: datetime | None = None,
    **kwargs: Any,
) -> Job:
    """Insert a queued job in the caller's transaction; it is dispatched once that commits
    (not before `run_after`, when given: a job that waits out a quota).

    Raises UnknownJobKind / InvalidJobArgs (ValueError) for a kind nobody handles or
    arguments the handler does not accept or JSON cannot hold."""
    spec = registry.get(kind)
    args = spec.dump_args(kwargs)
    now = utcnow()
    row = Job(
        id=uuid.uuid4(),
        kind=kind,
        owner_id=owner_id,
        status=JobStatus.queued,
        progress=0.0,
        args=args,
        attempts=0,
        max_attempts=spec.max_attempts,
        run_after=max(run_after, now) if run_after else now,
        cancel_requested=False,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    job_id, run_at = row.id, row.run_after

    async def _dispatch() -> None:
        dispatcher = dispatch.for_session(session)
        if dispatcher is None:
            log.debug("job_enqueued_without_runner", job_id=str(job_id), kind=kind)
            return
        delay = (run_at - utcnow()).total_seconds()
        await dispatcher.dispatch(job_id, kind, delay=max(0.0, delay))

    after_commit(session, _dispatch)
    return row


class JobsService:
    def __init__(self, session: AsyncSession, pubsub: PubSub | None = None) -> None:
        self.s = session
        self.repo = JobRepository(session)
        self.pubsub = pubsub

    async def get(self, job_id: uuid.UUID, owner_id: uuid.UUID) -> Job:
        job = await self.repo.get_owned(job_id, owner_id)
        if job is None:
            raise JobNotFound()
        return job

    async def list(
        self, owner_id: uuid.UUID, params: PageParams, status: JobStatus | None = None
    ) -> tuple[list[Job], str | None]:
        return await self.repo.list_owned(owner_id, params, status)

    async def get_any(self, job_id: uuid.UUID) -> Job:
        """Any owner's job (the admin area)."""
        job = await self.repo.get(job_id)
        if job is None:
            raise JobNotFound()
        return job

    async def cancel(self, job_id: uuid.UUID, owner_id: uuid.UUID | None) -> Job:
        """queued -> cancelled now; running -> cancel_requested (the runner stops it).
        `owner_id` None: any owner's (an admin)."""
        job = await (self.get(job_id, owner_id) if owner_id else self.get_any(job_id))
        owner_id = job.owner_id
        if job.status.finished:
            raise JobFinished()
        if job.status is JobStatus.queued and await self.repo.cancel_queued(job_id):
            job = await self._reload(job_id)
            payload = _final_event(job)
            if self.pubsub is not None:
                pubsub = self.pubsub
                after_commit(self.s, lambda: publish_job_event(pubsub, job_id, owner_id, payload))
            return job
        if await self.repo.request_cancel(job_id):
            job = await self._reload(job_id)
            dispatcher = dispatch.for_session(self.s)
            if dispatcher is not None:
                d = dispatcher
                after_commit(self.s, lambda: d.request_cancel(job_id))
            return job
        # It finished (or was re-queued for a retry) between our read and our write.
        job = await self._reload(job_id)
        if job.status.finished:
            raise JobFinished()
        if job.status is JobStatus.queued and await self.repo.cancel_queued(job_id):
            return await self._reload(job_id)
        raise JobFinished()

    async def retry(self, job_id: uuid.UUID) -> Job:
        """A failed or cancelled job (any owner's), run again from the start."""
        job = await self.get_any(job_id)
        if not await self.repo.requeue(job_id):
            raise JobNotRetryable()
        job = await self._reload(job_id)
        kind, owner_id, payload = job.kind, job.owner_id, _state_event(job)
        session = self.s

        async def _dispatch() -> None:
            dispatcher = dispatch.for_session(session)
            if dispatcher is not None:
                await dispatcher.dispatch(job_id, kind)

        after_commit(session, _dispatch)
        if self.pubsub is not None:
            pubsub = self.pubsub
            after_commit(session, lambda: publish_job_event(pubsub, job_id, owner_id, payload))
        return job

    async def list_all(
        self, params: PageParams, **filters: Any
    ) -> tuple[builtins.list[Job], str | None]:
        return await self.repo.list_all(params, **filters)

    async def _reload(self, job_id: uuid.UUID) -> Job:
        job = await self.repo.get(job_id)
        assert job is not None
        return job


def _state_event(job: Job) -> dict[str, Any]:
    from tonearm.jobs.schemas import job_event

    return job_event(job, "state")


def _final_event(job: Job) -> dict[str, Any]:
    from tonearm.jobs.schemas import job_event

    return job_event(job)

"""Job queries. Reads on behalf of a user are always scoped to that owner here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import utcnow
from tonearm.kit.pagination import PageParams, keyset, split_page
from tonearm.models.jobs import FINISHED, Job, JobStatus, SchedulerTick


def _claimable(now: datetime, stale_before: datetime) -> Any:
    return or_(
        and_(Job.status == JobStatus.queued, Job.run_after <= now),
        and_(
            Job.status == JobStatus.running,
            or_(Job.heartbeat_at < stale_before, Job.heartbeat_at.is_(None)),
        ),
    )


class JobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    # --- owner-scoped reads ----------------------------------------------------------------
    async def get_owned(self, job_id: uuid.UUID, owner_id: uuid.UUID) -> Job | None:
        return await self.s.scalar(select(Job).where(Job.id == job_id, Job.owner_id == owner_id))

    async def list_owned(
        self, owner_id: uuid.UUID, params: PageParams, status: JobStatus | None = None
    ) -> tuple[list[Job], str | None]:
        stmt = select(Job).where(Job.owner_id == owner_id)
        if status is not None:
            stmt = stmt.where(Job.status == status)
        stmt = keyset(stmt, Job.created_at, Job.id, params)
        rows = (await self.s.scalars(stmt)).all()
        return split_page(rows, params, lambda j: (j.created_at, j.id))

    async def watched(
        self, owner_id: uuid.UUID, ids: Sequence[uuid.UUID], unfinished_limit: int
    ) -> list[Job]:
        """The owner's jobs among `ids` (finished or not), and the owner's newest unfinished
        jobs up to `unfinished_limit`: what a stream of all the owner's jobs starts from."""
        named = (
            (
                await self.s.scalars(select(Job).where(Job.owner_id == owner_id, Job.id.in_(ids)))
            ).all()
            if ids
            else []
        )
        open_rows = (
            await self.s.scalars(
                select(Job)
                .where(Job.owner_id == owner_id, Job.status.not_in(FINISHED))
                .order_by(Job.created_at.desc())
                .limit(unfinished_limit)
            )
        ).all()
        seen: dict[uuid.UUID, Job] = {j.id: j for j in named}
        for j in open_rows:
            seen.setdefault(j.id, j)
        return sorted(seen.values(), key=lambda j: (j.created_at, j.id))

    async def get_many_owned(self, owner_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> list[Job]:
        if not ids:
            return []
        stmt = select(Job).where(Job.owner_id == owner_id, Job.id.in_(ids))
        return list((await self.s.scalars(stmt)).all())

    # --- every owner's (the admin area) ----------------------------------------------------
    async def list_all(
        self,
        params: PageParams,
        *,
        kind: str | None = None,
        status: JobStatus | None = None,
        owner_id: uuid.UUID | None = None,
    ) -> tuple[list[Job], str | None]:
        stmt = select(Job)
        if kind is not None:
            stmt = stmt.where(Job.kind == kind)
        if status is not None:
            stmt = stmt.where(Job.status == status)
        if owner_id is not None:
            stmt = stmt.where(Job.owner_id == owner_id)
        stmt = keyset(stmt, Job.created_at, Job.id, params)
        rows = (await self.s.scalars(stmt)).all()
        return split_page(rows, params, lambda j: (j.created_at, j.id))

    async def requeue(self, job_id: uuid.UUID) -> bool:
        """A failed or cancelled job, queued again from the start (its attempts too)."""
        now = utcnow()
        res = await self.s.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_([JobStatus.failed, JobStatus.cancelled]))
            .values(
                status=JobStatus.queued,
                progress=0.0,
                message=None,
                result=None,
                error=None,
                attempts=0,
                cancel_requested=False,
                run_after=now,
                started_at=None,
                finished_at=None,
                locked_by=None,
                heartbeat_at=None,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return res.rowcount == 1  # type: ignore[attr-defined]

    # --- runner-side -----------------------------------------------------------------------
    async def get(self, job_id: uuid.UUID) -> Job | None:
        return await self.s.get(Job, job_id, populate_existing=True)

    async def claimable_ids(self, limit: int, stale_after: timedelta) -> Sequence[uuid.UUID]:
        now = utcnow()
        stmt = (
            select(Job.id)
            .where(_claimable(now, now - stale_after))
            .order_by(Job.run_after, Job.id)
            .limit(limit)
        )
        return (await self.s.scalars(stmt)).all()

    async def claim(self, job_id: uuid.UUID, worker_id: str, stale_after: timedelta) -> bool:
        """Compare-and-set queued (due) or stale running -> running for this worker. Exactly
        one concurrent caller sees True: the UPDATE re-checks the status under the row lock
        (PostgreSQL) or the database write lock (SQLite)."""
        now = utcnow()
        res = await self.s.execute(
            update(Job)
            .where(Job.id == job_id, _claimable(now, now - stale_after))
            .values(
                status=JobStatus.running,
                locked_by=worker_id,
                heartbeat_at=now,
                started_at=now,
                attempts=Job.attempts + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return res.rowcount == 1  # type: ignore[attr-defined]

    async def update_leased(self, job_id: uuid.UUID, worker_id: str, **values: Any) -> bool:
        """Write `values` only while we still hold the job's lease."""
        values.setdefault("updated_at", utcnow())
        res = await self.s.execute(
            update(Job)
            .where(
                Job.id == job_id,
                Job.locked_by == worker_id,
                Job.status == JobStatus.running,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return res.rowcount == 1  # type: ignore[attr-defined]

    async def cancel_queued(self, job_id: uuid.UUID) -> bool:
        now = utcnow()
        res = await self.s.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.queued)
            .values(
                status=JobStatus.cancelled,
                cancel_requested=True,
                finished_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        return res.rowcount == 1  # type: ignore[attr-defined]

    async def request_cancel(self, job_id: uuid.UUID) -> bool:
        res = await self.s.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.running)
            .values(cancel_requested=True, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        return res.rowcount == 1  # type: ignore[attr-defined]

    async def lost(self, queued_older_than: timedelta, stale_after: timedelta) -> list[Job]:
        """Queued jobs long overdue (a lost broker message) and stale running jobs."""
        now = utcnow()
        stmt = select(Job).where(
            or_(
                and_(Job.status == JobStatus.queued, Job.run_after < now - queued_older_than),
                and_(Job.status == JobStatus.running, Job.heartbeat_at < now - stale_after),
            )
        )
        return list((await self.s.scalars(stmt.limit(1000))).all())

    # --- housekeeping and metrics ----------------------------------------------------------
    async def purge_finished(self, older_than: timedelta) -> int:
        res = await self.s.execute(
            delete(Job).where(
                Job.status.in_(list(FINISHED)), Job.finished_at < utcnow() - older_than
            )
        )
        return int(res.rowcount or 0)  # type: ignore[attr-defined]

    async def purge_ticks(self, older_than: timedelta) -> int:
        res = await self.s.execute(
            delete(SchedulerTick).where(SchedulerTick.due_at < utcnow() - older_than)
        )
        return int(res.rowcount or 0)  # type: ignore[attr-defined]

    async def counts(self) -> list[tuple[str, JobStatus, int]]:
        stmt = select(Job.kind, Job.status, func.count()).group_by(Job.kind, Job.status)
        return [(k, st, int(n)) for k, st, n in (await self.s.execute(stmt)).all()]

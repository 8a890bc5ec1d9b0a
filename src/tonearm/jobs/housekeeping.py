"""Platform housekeeping jobs: purge expired platform records, re-dispatch jobs a broker lost,
sweep what crashed writes left. A domain purges its own records and stored objects with its
own periodic job (accounts: `accounts.purge_expired`, library: `library.sweep_orphans`)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from tonearm.jobs import dispatch
from tonearm.jobs.context import JobContext
from tonearm.jobs.registry import job
from tonearm.jobs.repository import JobRepository
from tonearm.jobs.scheduler import periodic
from tonearm.kit.db import utcnow
from tonearm.kit.paths import sweep_stale
from tonearm.models.jobs import JobStatus
from tonearm.models.platform import IdempotencyRecord

IDEMPOTENCY_TTL = timedelta(hours=24)
FINISHED_JOBS_TTL = timedelta(days=30)
TICKS_TTL = timedelta(days=7)


@periodic("platform.purge_expired", every=timedelta(hours=1))
@job("platform.purge_expired", retries=2)
async def purge_expired(ctx: JobContext) -> dict[str, Any]:
    """Delete idempotency records older than 24 h, finished jobs older than 30 days, old
    scheduler ticks. Idempotent."""
    from sqlalchemy import delete

    async with ctx.session() as s:
        res = await s.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.created_at < utcnow() - IDEMPOTENCY_TTL
            )
        )
        idempotency = int(res.rowcount or 0)  # type: ignore[attr-defined]
    await ctx.progress(0.25)
    async with ctx.session() as s:
        jobs = await JobRepository(s).purge_finished(FINISHED_JOBS_TTL)
        ticks = await JobRepository(s).purge_ticks(TICKS_TTL)
    return {
        "idempotency_records": idempotency,
        "jobs": jobs,
        "scheduler_ticks": ticks,
    }


@periodic("platform.redispatch", every=timedelta(minutes=10))
@job("platform.redispatch")
async def redispatch(ctx: JobContext) -> dict[str, Any]:
    """Hand lost jobs to the runner again: queued ones long overdue (a broker lost the
    message) and running ones whose worker died. A duplicate message is harmless: the claim
    lets only one delivery run a job. (The local runner finds these by itself; this matters
    for Celery, where nothing polls the database.)"""
    async with ctx.session() as s:
        lost = await JobRepository(s).lost(
            queued_older_than=timedelta(minutes=10),
            stale_after=timedelta(seconds=ctx.env.config.stale_after),
        )
    dispatcher = dispatch.for_database(ctx.env.db)
    sent = 0
    if dispatcher is not None:
        for row in lost:
            if row.id == ctx.job_id:
                continue
            await dispatcher.dispatch(row.id, row.kind)
            sent += 1
    return {
        "queued": sum(1 for r in lost if r.status is JobStatus.queued),
        "running": sum(1 for r in lost if r.status is JobStatus.running),
        "dispatched": sent,
    }


@periodic("platform.sweep_temp", every=timedelta(hours=1), at_start=True)
@job("platform.sweep_temp", retries=1)
async def sweep_temp(ctx: JobContext) -> dict[str, Any]:
    """Delete temporary files (`data/tmp`: upload parts, job scratch folders, transcodes) and
    the storage back end's interrupted writes, once unmodified for the sweep grace: a crash
    (kill -9) leaves them, and nothing else ever would remove them. Idempotent."""
    settings = ctx.env.state.settings
    grace = float(settings.sweep_grace_seconds)
    files = await asyncio.to_thread(sweep_stale, settings.data_dir / "tmp", grace)
    partial = await ctx.env.state.storage.sweep_partial(timedelta(seconds=grace))
    return {"temp_files": files, "partial_writes": partial}

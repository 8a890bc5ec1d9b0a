"""Running one job: the code path shared by the local runner and the Celery task.

    claim (compare-and-set) -> handler with a watcher (heartbeat + cancel requests)
        -> succeeded | queued again with backoff | failed | cancelled

Every write after the claim is conditional on still holding the lease (`locked_by` is us and
the row is `running`), so a runner that lost its job to another (after a long stall) can never
overwrite the newer attempt's outcome."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from datetime import timedelta
from typing import Any

import orjson
import structlog
from sqlalchemy import select

from tonearm.jobs import dispatch, registry
from tonearm.jobs.context import JobContext, JobEnv, publish_job_event
from tonearm.jobs.errors import JobCancelled, LeaseLost, PermanentJobError, UnknownJobKind
from tonearm.jobs.repository import JobRepository
from tonearm.jobs.schemas import job_event
from tonearm.kit import metrics
from tonearm.kit.db import after_commit, utcnow
from tonearm.models.jobs import Job, JobStatus

log = structlog.get_logger(__name__)

MAX_ERROR = 4000


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with jitter: base * 2**(attempt-1), capped, times 0.5..1."""
    raw = min(cap, base * (2 ** max(0, attempt - 1)))
    return raw * random.uniform(0.5, 1.0)


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text[:MAX_ERROR]


async def claim(env: JobEnv, job_id: uuid.UUID) -> Job | None:
    """Take the job if it is due (or stale); the row as claimed, or None if someone else has it."""
    stale = timedelta(seconds=env.config.stale_after)
    async with env.db.session() as s:
        repo = JobRepository(s)
        if not await repo.claim(job_id, env.worker_id, stale):
            return None
        return await repo.get(job_id)


async def execute(job_id: uuid.UUID, env: JobEnv) -> JobStatus | None:
    """Claim and run one job. Returns its status afterwards, or None if it was not ours."""
    job = await claim(env, job_id)
    if job is None:
        log.debug("job_not_claimed", job_id=str(job_id))
        return None
    return await run_claimed(job, env)


async def _publish_after(env: JobEnv, s: Any, job_id: uuid.UUID, event_type: str | None) -> None:
    row = await s.get(Job, job_id, populate_existing=True)
    if row is None:
        return
    payload = job_event(row, event_type)
    after_commit(s, lambda: publish_job_event(env.pubsub, job_id, row.owner_id, payload))


async def _finish(
    env: JobEnv, job: Job, status: JobStatus, event_type: str | None = None, **values: Any
) -> bool:
    now = utcnow()
    if status.finished:
        values.update(finished_at=now, locked_by=None, heartbeat_at=None)
    async with env.db.session() as s:
        ok = await JobRepository(s).update_leased(job.id, env.worker_id, status=status, **values)
        if ok:
            await _publish_after(env, s, job.id, event_type)
    if ok:
        metrics.JOB_EVENTS.labels(job.kind, status.value).inc()
    else:
        log.warning("job_lease_lost", job_id=str(job.id), kind=job.kind, wanted=status.value)
    return ok


async def _watch(env: JobEnv, ctx: JobContext) -> None:
    """Heartbeat the lease and notice cancel requests while the handler runs."""
    cfg = env.config
    last_beat = time.monotonic()
    while True:
        await asyncio.sleep(min(cfg.watch_interval, cfg.heartbeat_interval))
        try:
            async with env.db.session() as s:
                repo = JobRepository(s)
                if time.monotonic() - last_beat >= cfg.heartbeat_interval:
                    if not await repo.update_leased(
                        ctx.job_id, env.worker_id, heartbeat_at=utcnow()
                    ):
                        ctx.lose_lease()
                        return
                    last_beat = time.monotonic()
                row = (
                    await s.execute(
                        select(Job.status, Job.locked_by, Job.cancel_requested).where(
                            Job.id == ctx.job_id
                        )
                    )
                ).one_or_none()
        except Exception:
            log.warning("job_watch_failed", job_id=str(ctx.job_id), exc_info=True)
            continue
        if row is None or row.status != JobStatus.running or row.locked_by != env.worker_id:
            ctx.lose_lease()
            return
        if row.cancel_requested:
            ctx.request_cancel()
            return


async def _call(spec: registry.JobSpec, ctx: JobContext, kwargs: dict[str, Any]) -> Any:
    if spec.timeout is None:
        return await spec.fn(ctx, **kwargs)
    async with asyncio.timeout(spec.timeout):
        return await spec.fn(ctx, **kwargs)


def _json_result(result: Any) -> dict[str, Any] | None:
    if result is None:
        return None
    if not isinstance(result, dict):
        raise PermanentJobError(f"handler returned {type(result).__name__}, not a dict")
    try:
        data: dict[str, Any] = orjson.loads(orjson.dumps(result))
    except (TypeError, orjson.JSONEncodeError) as exc:
        raise PermanentJobError("handler result is not JSON-serialisable") from exc
    return data


async def run_claimed(job: Job, env: JobEnv, ctx_hook: Any = None) -> JobStatus | None:
    """Run a job this worker has claimed, to one of: succeeded, failed, cancelled, queued
    (retry). Returns None when the lease was lost. `ctx_hook(ctx)` lets the local runner
    reach the context (for in-process cancellation)."""
    bound = log.bind(job_id=str(job.id), kind=job.kind, attempt=job.attempts)
    try:
        spec = registry.get(job.kind)
        kwargs = spec.load_args(job.args or {})
    except (UnknownJobKind, ValueError) as exc:
        bound.error("job_unrunnable", error=str(exc))
        await _finish(env, job, JobStatus.failed, error=_describe(exc))
        return JobStatus.failed
    if job.attempts > job.max_attempts:
        error = f"abandoned after {job.max_attempts} attempt(s): the worker running it was lost"
        await _finish(env, job, JobStatus.failed, error=error)
        return JobStatus.failed
    if job.cancel_requested:
        await _finish(env, job, JobStatus.cancelled)
        return JobStatus.cancelled

    ctx = JobContext(env, job)
    if ctx_hook is not None:
        ctx_hook(ctx)
    metrics.JOB_EVENTS.labels(job.kind, JobStatus.running.value).inc()
    await publish_job_event(env.pubsub, job.id, job.owner_id, job_event(job, "progress"))
    bound.info("job_started")

    task: asyncio.Task[Any] = asyncio.create_task(_call(spec, ctx, kwargs))
    ctx._task = task
    watcher = asyncio.create_task(_watch(env, ctx))
    try:
        try:
            result = await task
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await watcher
        data = _json_result(result)
    except JobCancelled:
        return await _cancelled(env, job, ctx, bound)
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            # The runner is shutting down: hand the job back so it runs again at once.
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
            await _release(env, job)
            raise
        if ctx.lease_lost:
            bound.warning("job_lease_lost")
            return None
        if ctx.cancelled:
            return await _cancelled(env, job, ctx, bound)
        return await _failed(env, job, spec, asyncio.CancelledError("handler cancelled"), bound)
    except LeaseLost:
        bound.warning("job_lease_lost")
        return None
    except Exception as exc:
        if ctx.lease_lost:
            return None
        return await _failed(env, job, spec, exc, bound)

    await _finish(
        env,
        job,
        JobStatus.succeeded,
        progress=1.0,
        result=data,
        error=None,
        message=ctx.message,
    )
    bound.info("job_succeeded")
    return JobStatus.succeeded


async def _cancelled(env: JobEnv, job: Job, ctx: JobContext, bound: Any) -> JobStatus | None:
    ok = await _finish(
        env, job, JobStatus.cancelled, progress=ctx.progress_value, message=ctx.message
    )
    bound.info("job_cancelled")
    return JobStatus.cancelled if ok else None


async def _failed(
    env: JobEnv, job: Job, spec: registry.JobSpec, exc: BaseException, bound: Any
) -> JobStatus | None:
    error = _describe(exc)
    permanent = isinstance(exc, PermanentJobError)
    if not permanent and job.attempts < job.max_attempts:
        delay = backoff_delay(job.attempts, env.config.backoff_base, env.config.backoff_cap)
        bound.warning("job_retrying", error=error, delay=round(delay, 3), exc_info=exc)
        ok = await _finish(
            env,
            job,
            JobStatus.queued,
            "retrying",
            error=error,
            run_after=utcnow() + timedelta(seconds=delay),
            locked_by=None,
            heartbeat_at=None,
        )
        if not ok:
            return None
        metrics.JOB_EVENTS.labels(job.kind, "retrying").inc()
        dispatcher = dispatch.for_database(env.db)
        if dispatcher is not None:
            try:
                await dispatcher.dispatch(job.id, job.kind, delay=delay)
            except Exception:
                log.warning("job_redispatch_failed", job_id=str(job.id), exc_info=True)
        return JobStatus.queued
    bound.error("job_failed", error=error, exc_info=exc)
    ok = await _finish(env, job, JobStatus.failed, error=error)
    return JobStatus.failed if ok else None


async def _release(env: JobEnv, job: Job) -> None:
    """Give a job back (shutdown): queued, due now, this attempt not counted."""
    try:
        async with env.db.session() as s:
            await JobRepository(s).update_leased(
                job.id,
                env.worker_id,
                status=JobStatus.queued,
                locked_by=None,
                heartbeat_at=None,
                run_after=utcnow(),
                attempts=Job.attempts - 1,
            )
    except Exception:
        log.warning("job_release_failed", job_id=str(job.id), exc_info=True)

"""Wires the jobs machinery into a running app, per configuration:

    pub/sub    in memory, or Redis when TONEARM_REDIS_URL is set
    runner     LocalRunner (in-process workers), or CeleryRunner when TONEARM_BROKER_URL is set
               (then `serve` only dispatches; `tonearm worker` processes run the jobs)
    scheduler  embedded when TONEARM_SCHEDULER_ENABLED (default), safe with several processes

and registers start/stop hooks, readiness probes and the job-count metric sampler in
`state.lifecycle`. The parts are kept as one typed component: `state.get(JobRuntime)`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tonearm.jobs.context import JobConfig, JobEnv
from tonearm.jobs.registry import load_handlers
from tonearm.jobs.repository import JobRepository
from tonearm.jobs.runners import CeleryRunner, LocalRunner, worker_id
from tonearm.jobs.scheduler import Scheduler
from tonearm.kit import metrics
from tonearm.kit.events import PubSub, make_pubsub
from tonearm.kit.procpool import ProcessPool

if TYPE_CHECKING:
    from tonearm.config import Settings
    from tonearm.platform.state import AppState


def pubsub_url(settings: Settings) -> str | None:
    """Redis for events when configured; with a Redis broker and no TONEARM_REDIS_URL, the
    broker's Redis, so progress from Celery workers still reaches the web processes."""
    if settings.redis_url:
        return settings.redis_url
    broker = settings.broker_url or ""
    return broker if broker.startswith(("redis://", "rediss://")) else None


def make_runner(env: JobEnv, state: AppState) -> LocalRunner | CeleryRunner:
    settings = state.settings
    if settings.broker_url:
        from tonearm.jobs.celery_app import create_celery

        return CeleryRunner(env, create_celery(settings))
    return LocalRunner(env, workers=settings.job_workers)


@dataclass(frozen=True)
class JobRuntime:
    runner: LocalRunner | CeleryRunner
    pubsub: PubSub
    scheduler: Scheduler | None
    env: JobEnv


def install(state: AppState) -> JobRuntime:
    """Build this process's runner, pub/sub and scheduler; register their hooks."""
    settings = state.settings
    load_handlers()
    pubsub = make_pubsub(pubsub_url(settings))
    pool = ProcessPool(settings.process_pool_size)
    stale = settings.job_stale_after_seconds
    config = JobConfig(stale_after=stale, heartbeat_interval=min(10.0, stale / 4))
    env = JobEnv(
        db=state.db,
        pubsub=pubsub,
        pool=pool,
        worker_id=worker_id("serve"),
        state=state,
        config=config,
    )
    runner = make_runner(env, state)
    scheduler = Scheduler(state.db) if settings.scheduler_enabled else None

    runtime = state.provide(JobRuntime(runner, pubsub, scheduler, env))
    life = state.lifecycle
    life.starters.append(runner.start)
    # Stoppers run in reverse: scheduler, runner, then the pool and pub/sub they use.
    life.stoppers.extend([pubsub.close, pool.shutdown, runner.stop])
    if scheduler is not None:
        life.starters.append(scheduler.start)
        life.stoppers.append(scheduler.stop)

    if isinstance(runner, CeleryRunner):
        life.readiness["broker"] = runner.ping
    else:

        async def runner_alive() -> bool:
            return runner.healthy

        life.readiness["jobs"] = runner_alive
    if pubsub_url(settings):
        life.readiness["pubsub"] = pubsub.ping

    seen: set[tuple[str, str]] = set()

    async def sample_job_counts() -> None:
        async with state.db.session() as s:
            counts = await JobRepository(s).counts()
        now = {(kind, status.value): n for kind, status, n in counts}
        for kind, status in seen - now.keys():
            metrics.JOBS.labels(kind, status).set(0)
        for (kind, status), n in now.items():
            metrics.JOBS.labels(kind, status).set(n)
        seen.update(now)

    life.metric_samplers.append(sample_job_counts)

    async def job_info() -> dict[str, Any]:
        async with state.db.session() as s:
            counts = await JobRepository(s).counts()
        by_status: dict[str, int] = {}
        for _, status, n in counts:
            by_status[status.value] = by_status.get(status.value, 0) + n
        return {
            "runner": "celery" if isinstance(runner, CeleryRunner) else "in-process",
            "scheduler": scheduler is not None,
            "queued": by_status.get("queued", 0),
            "running": by_status.get("running", 0),
            "failed": by_status.get("failed", 0),
            "by_status": by_status,
        }

    life.info["jobs"] = job_info
    return runtime

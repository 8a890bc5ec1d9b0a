"""Wires the jobs machinery into a running app, per configuration:

    pub/sub    in memory, or Redis when TONEARM_REDIS_URL is set
    runner     LocalRunner (in-process workers), or CeleryRunner when TONEARM_BROKER_URL is set
               (then `serve` only dispatches; `tonearm worker` processes run the jobs)
    scheduler  embedded when TONEARM_SCHEDULER_ENABLED (default), safe with several processes

and registers starters/stoppers, readiness probes and the job-count metric sampler in
`state.extras`. `state.extras["jobs"]` is the runner, `["pubsub"]` the pub/sub,
`["scheduler"]` the scheduler (or None) and `["job_env"]` the shared JobEnv."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tonearm.jobs.context import JobEnv
from tonearm.jobs.registry import load_handlers
from tonearm.jobs.repository import JobRepository
from tonearm.jobs.runners import CeleryRunner, LocalRunner, worker_id
from tonearm.jobs.scheduler import Scheduler
from tonearm.kit import metrics
from tonearm.kit.events import make_pubsub
from tonearm.kit.procpool import ProcessPool

if TYPE_CHECKING:
    from tonearm.config import Settings
    from tonearm.state import AppState


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


def install(state: AppState) -> None:
    """Register starters/stoppers/readiness probes/metric samplers in state.extras."""
    settings = state.settings
    load_handlers()
    pubsub = make_pubsub(pubsub_url(settings))
    pool = ProcessPool(settings.process_pool_size)
    env = JobEnv(db=state.db, pubsub=pubsub, pool=pool, worker_id=worker_id("serve"), state=state)
    runner = make_runner(env, state)
    scheduler = Scheduler(state.db) if settings.scheduler_enabled else None

    extras = state.extras
    extras["jobs"] = runner
    extras["pubsub"] = pubsub
    extras["scheduler"] = scheduler
    extras["job_env"] = env

    starters: list[Any] = extras.setdefault("starters", [])
    stoppers: list[Any] = extras.setdefault("stoppers", [])
    starters.append(runner.start)
    # Stoppers run in reverse: scheduler, runner, then the pool and pub/sub they use.
    stoppers.extend([pubsub.close, pool.shutdown, runner.stop])
    if scheduler is not None:
        starters.append(scheduler.start)
        stoppers.append(scheduler.stop)

    readiness: dict[str, Any] = extras.setdefault("readiness", {})
    if isinstance(runner, CeleryRunner):
        readiness["broker"] = runner.ping
    else:

        async def runner_alive() -> bool:
            return runner.healthy

        readiness["jobs"] = runner_alive
    if pubsub_url(settings):
        readiness["pubsub"] = pubsub.ping

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

    extras.setdefault("metric_samplers", []).append(sample_job_counts)

"""`tonearm worker` (a Celery worker) and `tonearm scheduler` (the scheduler on its own)."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import structlog

from tonearm.config import get_settings

log = structlog.get_logger(__name__)


def run_worker(concurrency: int = 2, loglevel: str = "INFO", queue: str | None = None) -> None:
    """Start a Celery worker consuming the default and the CPU queue."""
    from tonearm.jobs.celery_app import DEFAULT_QUEUE, create_celery
    from tonearm.jobs.registry import load_handlers

    settings = get_settings()
    if not settings.broker_url:
        raise SystemExit("tonearm worker needs TONEARM_BROKER_URL (e.g. redis://localhost:6379/0)")
    load_handlers()
    q = queue or DEFAULT_QUEUE
    app = create_celery(settings, queue=q)
    # The task looks the per-process runtime up through this module's app cache.
    from tonearm.jobs import celery_app

    celery_app._apps[settings.broker_url] = app
    app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency}",
            f"--loglevel={loglevel}",
            f"--queues={q},{q}.cpu",
            "--hostname=tonearm@%h",
        ]
    )


async def scheduler_main(stop: asyncio.Event | None = None) -> None:
    """Run the scheduler until `stop` is set (or SIGINT/SIGTERM)."""
    from tonearm.jobs.context import JobEnv
    from tonearm.jobs.registry import load_handlers
    from tonearm.jobs.runners import CeleryRunner, worker_id
    from tonearm.jobs.runtime import make_runner, pubsub_url
    from tonearm.jobs.scheduler import Scheduler
    from tonearm.kit.events import make_pubsub
    from tonearm.kit.logging import configure_logging
    from tonearm.kit.procpool import ProcessPool
    from tonearm.platform.state import build_state

    settings = get_settings()
    configure_logging(settings.log_level, settings.json_logs)
    load_handlers()
    state = build_state(settings)
    env = JobEnv(
        db=state.db,
        pubsub=make_pubsub(pubsub_url(settings)),
        pool=ProcessPool(settings.process_pool_size),
        worker_id=worker_id("scheduler"),
    )
    runner = make_runner(env, state)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # non-Unix
            loop.add_signal_handler(sig, stop.set)
    # With Celery, the scheduler dispatches to the workers. Without, it only inserts rows and
    # the local runners inside `serve` pick them up on their next poll; it runs nothing itself.
    if isinstance(runner, CeleryRunner):
        await runner.start()
    scheduler = Scheduler(state.db)
    await scheduler.start()
    log.info("scheduler_running", tasks=[t.name for t in scheduler.tasks])
    try:
        await stop.wait()
    finally:
        await scheduler.stop()
        if isinstance(runner, CeleryRunner):
            await runner.stop()
        await env.pubsub.close()
        await state.close()


def run_scheduler() -> None:
    asyncio.run(scheduler_main())

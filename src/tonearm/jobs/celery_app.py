"""The Celery side of the jobs runner (scale-out mode, `TONEARM_BROKER_URL`).

One task, `tonearm.run_job(job_id)`, loads the row and runs `executor.execute()`: the same claim,
handler, progress, retry and cancel code as the local runner. Celery only carries job ids; the
database stays the source of truth, so a duplicated or redelivered message is harmless (the
claim's compare-and-set lets exactly one delivery run the job).

Each worker process builds its own Database, pub/sub and event loop on `worker_process_init`
(after the prefork, never before: connections must not cross a fork) and keeps them for every
task it runs. Use the prefork (default) or solo pool.

    celery -A tonearm.worker worker      # or: tonearm worker

This package names no domain: the composition root (`tonearm.worker`, or the CLI) calls
`configure(setup)` with what gives a new state the domains' components and handlers.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog
from celery import Celery, signals

from tonearm.config import Settings, get_settings

log = structlog.get_logger(__name__)

DEFAULT_QUEUE = "tonearm"

# Called on each worker process's new AppState (the domains' components and job modules).
_setup: Callable[[Any], object] | None = None


def configure(setup: Callable[[Any], object]) -> None:
    global _setup
    _setup = setup


def create_celery(settings: Settings, *, queue: str = DEFAULT_QUEUE) -> Celery:
    app = Celery("tonearm", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        result_backend=None,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=queue,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,  # our structlog handler writes to the real stderr
        enable_utc=True,
    )

    @app.task(name="tonearm.run_job", bind=True, ignore_result=True)
    def run_job(self: Any, job_id: str) -> str | None:
        rt = worker_runtime()
        delivered_on = (self.request.delivery_info or {}).get("routing_key") or queue
        rt.runner.queue = delivered_on.removesuffix(".cpu")
        from tonearm.jobs.executor import execute

        status = rt.loop.run_until_complete(execute(uuid.UUID(job_id), rt.env))
        return status.value if status is not None else None

    return app


# --- the worker process's runtime --------------------------------------------------------


@dataclass
class WorkerRuntime:
    loop: asyncio.AbstractEventLoop
    state: Any  # AppState
    env: Any  # JobEnv
    runner: Any  # CeleryRunner (for retries and jobs enqueued by jobs)

    def close(self) -> None:
        async def shutdown() -> None:
            await self.runner.stop()
            await self.env.pool.shutdown()
            await self.env.pubsub.close()
            await self.state.close()

        try:
            self.loop.run_until_complete(shutdown())
        finally:
            self.loop.close()


_runtime: WorkerRuntime | None = None
_runtime_lock = threading.Lock()


def build_runtime(settings: Settings) -> WorkerRuntime:
    from tonearm.jobs.context import JobEnv
    from tonearm.jobs.registry import load_handlers
    from tonearm.jobs.runners import CeleryRunner, worker_id
    from tonearm.jobs.runtime import pubsub_url
    from tonearm.kit.events import make_pubsub
    from tonearm.kit.logging import configure_logging
    from tonearm.kit.procpool import ProcessPool
    from tonearm.platform.state import build_state

    configure_logging(settings.log_level, settings.json_logs)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    state = build_state(settings)
    if _setup is not None:
        _setup(state)
    env = JobEnv(
        db=state.db,
        pubsub=make_pubsub(pubsub_url(settings)),
        # A prefork child already is a dedicated worker process: CPU work runs in a thread.
        pool=ProcessPool(settings.process_pool_size, mode="thread"),
        worker_id=worker_id("celery"),
        state=state,
    )
    load_handlers()
    runner = CeleryRunner(env, _app_for(settings))
    loop.run_until_complete(runner.start())
    return WorkerRuntime(loop=loop, state=state, env=env, runner=runner)


def worker_runtime() -> WorkerRuntime:
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            _runtime = build_runtime(get_settings())
        return _runtime


@signals.worker_process_init.connect
def _on_process_init(**_: Any) -> None:
    worker_runtime()


@signals.worker_process_shutdown.connect
def _on_process_shutdown(**_: Any) -> None:
    global _runtime
    with _runtime_lock:
        rt, _runtime = _runtime, None
    if rt is not None:
        try:
            rt.close()
        except Exception:
            log.warning("worker_runtime_close_failed", exc_info=True)


# --- the module-level app (`celery -A tonearm.worker` reaches it through tonearm.worker) ----

_apps: dict[str | None, Celery] = {}


def _app_for(settings: Settings) -> Celery:
    key = settings.broker_url
    if key not in _apps:
        _apps[key] = create_celery(settings)
    return _apps[key]


def __getattr__(name: str) -> Any:
    # Built on first access, from the environment, so importing this module has no effects.
    if name in ("app", "celery"):
        return _app_for(get_settings())
    raise AttributeError(name)

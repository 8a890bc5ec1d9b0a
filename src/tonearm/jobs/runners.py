"""Runners: where jobs execute.

LocalRunner  asyncio workers inside this process (embedded mode). Claims due rows from the
             database (so several processes can share one queue safely), wakes at once on a
             local dispatch and polls every `poll_interval` seconds for the rest (jobs queued
             by other processes, retries coming due, stale jobs of dead processes).
CeleryRunner dispatches to Celery workers, which run `executor.execute()` (the same path).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import structlog

from tonearm.jobs import dispatch, registry
from tonearm.jobs.context import JobContext, JobEnv
from tonearm.jobs.executor import claim, run_claimed
from tonearm.jobs.repository import JobRepository

if TYPE_CHECKING:
    from celery import Celery

log = structlog.get_logger(__name__)


def worker_id(prefix: str = "local") -> str:
    return f"{prefix}:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class LocalRunner:
    def __init__(self, env: JobEnv, *, workers: int = 4) -> None:
        self.env = env
        self.workers = max(1, workers)
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._running: dict[uuid.UUID, asyncio.Task[Any]] = {}
        self._contexts: dict[uuid.UUID, JobContext] = {}
        self._stopping = False

    # --- Dispatcher ------------------------------------------------------------------------
    async def dispatch(self, job_id: uuid.UUID, kind: str, *, delay: float = 0.0) -> None:
        if delay > 0:
            asyncio.get_running_loop().call_later(delay, self._wake.set)
        else:
            self._wake.set()

    async def request_cancel(self, job_id: uuid.UUID) -> None:
        ctx = self._contexts.get(job_id)
        if ctx is not None:
            ctx.request_cancel()

    # --- lifecycle -------------------------------------------------------------------------
    @property
    def healthy(self) -> bool:
        return self._loop_task is not None and not self._loop_task.done()

    @property
    def active(self) -> int:
        return len(self._running)

    async def start(self) -> None:
        if self._loop_task is None:
            self._stopping = False
            dispatch.register(self.env.db, self)
            self._loop_task = asyncio.create_task(self._loop(), name="jobs-local-runner")
            log.info("job_runner_started", mode="local", workers=self.workers)

    async def stop(self) -> None:
        """Stop claiming, cancel running jobs (they are handed back as queued), wait."""
        self._stopping = True
        dispatch.unregister(self.env.db, self)
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task
            self._loop_task = None
        tasks = list(self._running.values())
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    # --- the loop --------------------------------------------------------------------------
    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await self._fill()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job_runner_poll_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.env.config.poll_interval)

    async def _fill(self) -> None:
        free = self.workers - len(self._running)
        if free <= 0:
            return
        stale = timedelta(seconds=self.env.config.stale_after)
        async with self.env.db.session() as s:
            ids = await JobRepository(s).claimable_ids(free * 2, stale)
        for job_id in ids:
            if free <= 0 or self._stopping:
                break
            if job_id in self._running:
                continue
            job = await claim(self.env, job_id)
            if job is None:
                continue  # another runner won it
            free -= 1
            task = asyncio.create_task(self._run(job), name=f"job-{job_id}")
            self._running[job_id] = task

    async def _run(self, job: Any) -> None:
        job_id = job.id
        try:
            await run_claimed(
                job, self.env, ctx_hook=lambda c: self._contexts.__setitem__(job_id, c)
            )
        except asyncio.CancelledError:
            pass
        except Exception:
            log.exception("job_runner_crashed", job_id=str(job_id))
        finally:
            self._running.pop(job_id, None)
            self._contexts.pop(job_id, None)
            if not self._stopping:
                self._wake.set()  # a slot is free


class CeleryRunner:
    """Sends jobs to Celery workers; runs nothing in this process."""

    def __init__(self, env: JobEnv, celery: Celery, *, queue: str = "tonearm") -> None:
        self.env = env
        self.celery = celery
        self.queue = queue

    def queue_for(self, kind: str) -> str:
        try:
            cpu = registry.get(kind).cpu
        except ValueError:
            cpu = False
        return f"{self.queue}.cpu" if cpu else self.queue

    def send(self, job_id: uuid.UUID, kind: str, delay: float = 0.0) -> None:
        """Synchronous send (for callers outside an event loop)."""
        self.celery.send_task(
            "tonearm.run_job",
            args=[str(job_id)],
            queue=self.queue_for(kind),
            countdown=delay if delay > 0 else None,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2},
        )

    async def dispatch(self, job_id: uuid.UUID, kind: str, *, delay: float = 0.0) -> None:
        # kombu's publish is blocking network I/O: keep it off the event loop.
        await asyncio.to_thread(self.send, job_id, kind, delay)

    async def request_cancel(self, job_id: uuid.UUID) -> None:
        return None  # the worker's watcher sees cancel_requested within watch_interval

    @property
    def healthy(self) -> bool:
        return True

    async def start(self) -> None:
        dispatch.register(self.env.db, self)
        log.info("job_runner_started", mode="celery", queue=self.queue)

    async def stop(self) -> None:
        dispatch.unregister(self.env.db, self)

    async def ping(self) -> bool:
        def check() -> bool:
            with self.celery.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            return True

        return await asyncio.to_thread(check)

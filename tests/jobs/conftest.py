from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import fields
from typing import Any

import pytest
from sqlalchemy import select

from tests.jobs import handlers  # noqa: F401  (registers the test job kinds)
from tests.jobs.factories import auth, register  # noqa: F401  (their old import path)
from tonearm.jobs import dispatch
from tonearm.jobs.context import JobConfig
from tonearm.jobs.runners import LocalRunner
from tonearm.jobs.runtime import JobRuntime
from tonearm.kit.db import Database
from tonearm.models.jobs import FINISHED, Job, JobStatus
from tonearm.platform.state import AppState

FAST = JobConfig(
    backoff_base=0.02,
    backoff_cap=0.1,
    heartbeat_interval=0.2,
    stale_after=60.0,
    watch_interval=0.05,
    poll_interval=0.1,
    progress_interval=0.0,
)


@pytest.fixture
def fast_jobs(state: AppState) -> Iterator[JobConfig]:
    """Shorten the running app's job timings for one test."""
    cfg: JobConfig = state.get(JobRuntime).env.config
    saved = {f.name: getattr(cfg, f.name) for f in fields(cfg)}
    for f in fields(FAST):
        setattr(cfg, f.name, getattr(FAST, f.name))
    yield cfg
    for name, value in saved.items():
        setattr(cfg, name, value)


@pytest.fixture
async def paused_runner(state: AppState, fast_jobs: JobConfig) -> AsyncIterator[LocalRunner]:
    """The app's local runner, not running (so the test controls who claims what, and may
    start it); stopped again after the test."""
    runner: LocalRunner = state.get(JobRuntime).runner
    await runner.stop()
    try:
        yield runner
    finally:
        await runner.stop()


async def load(db: Database, job_id: uuid.UUID) -> Job | None:
    async with db.session() as s:
        return await s.scalar(select(Job).where(Job.id == job_id))


async def wait_for(
    db: Database,
    job_id: uuid.UUID,
    statuses: set[JobStatus] | frozenset[JobStatus] = FINISHED,
    timeout: float = 15.0,
    pred: Any = None,
) -> Job:
    deadline = time.monotonic() + timeout
    last: Job | None = None
    while time.monotonic() < deadline:
        last = await load(db, job_id)
        if last is not None and last.status in statuses and (pred is None or pred(last)):
            return last
        await asyncio.sleep(0.02)
    hint = ""
    if dispatch.for_database(db) is None:
        hint = " (no job runner is running: does the test ask for the job_runner fixture?)"
    raise AssertionError(
        f"job {job_id} did not reach {sorted(statuses)}: "
        f"{last.status if last else 'missing'} {last.error if last else ''}{hint}"
    )

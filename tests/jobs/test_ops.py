"""Readiness and metrics contributed by the jobs runtime."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_settings
from tests.jobs.conftest import wait_for
from tonearm.jobs import runtime
from tonearm.jobs.context import JobConfig
from tonearm.jobs.runners import CeleryRunner, LocalRunner
from tonearm.jobs.runtime import JobRuntime
from tonearm.jobs.service import enqueue
from tonearm.kit.events import MemoryPubSub, RedisPubSub
from tonearm.platform.state import AppState, build_state


@pytest.mark.usefixtures("job_runner")
async def test_ready_reports_the_runner(client: httpx.AsyncClient, state: AppState) -> None:
    r = await client.get("/ready")
    assert r.status_code == 200, r.text
    assert r.json()["checks"]["jobs"] == "ok"


@pytest.mark.usefixtures("job_runner")
async def test_metrics_count_jobs_by_kind_and_state(
    client: httpx.AsyncClient, state: AppState, fast_jobs: JobConfig
) -> None:
    async with state.db.session() as s:
        job = await enqueue(s, "tests.noop")
    await wait_for(state.db, job.id)
    body = (await client.get("/metrics")).text
    assert 'tonearm_jobs{kind="tests.noop",state="succeeded"} 1.0' in body
    assert 'tonearm_job_transitions_total{kind="tests.noop",state="succeeded"}' in body


async def test_broker_url_selects_celery_runner(data_dir: Path, database_url: str) -> None:
    """With a broker, `serve` dispatches to Celery and runs nothing in-process."""
    settings = make_settings(
        data_dir, database_url, broker_url="redis://127.0.0.1:1/0", redis_url=None
    )
    st = build_state(settings)
    try:
        runtime.install(st)
        assert isinstance(st.get(JobRuntime).runner, CeleryRunner)
        assert isinstance(st.get(JobRuntime).pubsub, RedisPubSub)  # the broker's Redis
        assert {"broker", "pubsub"} <= set(st.lifecycle.readiness)
        assert "jobs" not in st.lifecycle.readiness
        # Nothing listens on port 1: the broker probe fails instead of hanging.
        with pytest.raises(Exception):
            await asyncio.wait_for(st.lifecycle.readiness["broker"](), 10)
        await st.get(JobRuntime).pubsub.close()
    finally:
        await st.close()


async def test_local_mode_without_redis(data_dir: Path, database_url: str) -> None:
    st = build_state(make_settings(data_dir, database_url, redis_url=None, scheduler_enabled=False))
    try:
        runtime.install(st)
        assert isinstance(st.get(JobRuntime).runner, LocalRunner)
        assert isinstance(st.get(JobRuntime).pubsub, MemoryPubSub)
        assert st.get(JobRuntime).scheduler is None
        assert len(st.lifecycle.starters) == 1
        # (build_state shares the session's data dir: the global keyring stays the same.)
    finally:
        await st.close()

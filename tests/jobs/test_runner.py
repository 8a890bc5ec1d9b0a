"""The local runner and the shared executor: success, progress, retries, cancel, recovery."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from tests.jobs.conftest import load, wait_for
from tests.jobs.handlers import gate, seen
from tonearm.jobs import dispatch
from tonearm.jobs.context import JobConfig, JobEnv, job_channel
from tonearm.jobs.executor import backoff_delay, claim, execute
from tonearm.jobs.runners import LocalRunner, worker_id
from tonearm.jobs.runtime import JobRuntime
from tonearm.jobs.service import JobsService, enqueue
from tonearm.kit.db import utcnow
from tonearm.kit.events import MemoryPubSub
from tonearm.kit.procpool import ProcessPool
from tonearm.models.jobs import Job, JobStatus
from tonearm.platform.state import AppState


async def _enqueue(state: AppState, kind: str, **kwargs: Any) -> uuid.UUID:
    async with state.db.session() as s:
        job = await enqueue(s, kind, **kwargs)
    return job.id


async def _collect(sub: Any, until: set[str], timeout: float = 15.0) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout):
        async for msg in sub:
            events.append(msg)
            if msg["type"] in until:
                return events
    return events


@pytest.mark.usefixtures("job_runner")
async def test_success_reports_progress_and_result(state: AppState, fast_jobs: JobConfig) -> None:
    pubsub = state.get(JobRuntime).pubsub
    async with state.db.session() as s:
        job = await enqueue(s, "platform.selftest", steps=4, delay=0.01, fail_times=0)
        # Subscribe before the commit dispatches it: we see every event.
        sub = pubsub.subscribe(job_channel(job.id))
        await sub.__aenter__()
    try:
        events = await _collect(sub, {"done", "failed"})
    finally:
        await sub.close()
    types = [e["type"] for e in events]
    assert types[-1] == "done", types
    progress = [e["progress"] for e in events if e["type"] == "progress"]
    assert progress == sorted(progress)
    assert any(0 < p < 1 for p in progress)
    assert events[-1]["result"]["steps"] == 4
    row = await wait_for(state.db, job.id)
    assert row.status is JobStatus.succeeded
    assert row.progress == 1.0
    assert row.attempts == 1
    assert row.result == {"steps": 4, "attempt": 1, "pid": os.getpid()}
    assert row.message == "step 4/4"
    assert row.started_at is not None and row.finished_at is not None
    assert row.locked_by is None


@pytest.mark.usefixtures("job_runner")
async def test_retries_with_backoff_until_success(state: AppState, fast_jobs: JobConfig) -> None:
    pubsub = state.get(JobRuntime).pubsub
    async with state.db.session() as s:
        job = await enqueue(s, "platform.selftest", steps=1, delay=0, fail_times=2)
        sub = pubsub.subscribe(job_channel(job.id))
        await sub.__aenter__()
    try:
        events = await _collect(sub, {"done", "failed"})
    finally:
        await sub.close()
    assert [e["type"] for e in events].count("retrying") == 2
    row = await wait_for(state.db, job.id)
    assert row.status is JobStatus.succeeded, row.error
    assert row.attempts == 3
    assert row.result is not None and row.result["attempt"] == 3
    assert row.error is None


@pytest.mark.usefixtures("job_runner")
async def test_retries_until_failure(state: AppState, fast_jobs: JobConfig) -> None:
    job_id = await _enqueue(state, "platform.selftest", steps=1, delay=0, fail_times=99)
    row = await wait_for(state.db, job_id)
    assert row.status is JobStatus.failed
    assert row.attempts == row.max_attempts == 4  # retries=3
    assert row.error is not None and "failing on purpose (attempt 4)" in row.error


@pytest.mark.usefixtures("job_runner")
async def test_permanent_error_skips_retries(state: AppState, fast_jobs: JobConfig) -> None:
    job_id = await _enqueue(state, "tests.permanent")
    row = await wait_for(state.db, job_id)
    assert row.status is JobStatus.failed
    assert row.attempts == 1
    assert row.error == "PermanentJobError: no point retrying"


def test_backoff_grows_and_is_capped() -> None:
    for attempt, full in [(1, 2.0), (2, 4.0), (3, 8.0), (10, 60.0)]:
        for _ in range(20):
            d = backoff_delay(attempt, 2.0, 60.0)
            assert full * 0.5 <= d <= full


@pytest.mark.usefixtures("job_runner")
async def test_typed_arguments_round_trip(state: AppState, fast_jobs: JobConfig) -> None:
    track = uuid.uuid4()
    job_id = await _enqueue(state, "tests.typed", track_id=track, tags=["a", "b"])
    row = await wait_for(state.db, job_id)
    assert row.status is JobStatus.succeeded, row.error
    assert row.args == {"track_id": str(track), "tags": ["a", "b"]}
    assert seen[job_id] == {"track_id": track, "tags": ["a", "b"]}


@pytest.mark.usefixtures("job_runner")
async def test_cpu_work_runs_in_the_process_pool(state: AppState, fast_jobs: JobConfig) -> None:
    job_id = await _enqueue(state, "platform.selftest", steps=1, delay=0, cpu=True, cpu_rounds=1000)
    row = await wait_for(state.db, job_id, timeout=60)
    assert row.status is JobStatus.succeeded, row.error
    assert row.result is not None
    cpu = row.result["cpu"]
    assert cpu["pid"] != os.getpid()
    assert len(cpu["digest"]) == 64


@pytest.mark.usefixtures("job_runner")
async def test_cancel_running_job_interrupts_the_task(
    state: AppState, fast_jobs: JobConfig
) -> None:
    job_id = await _enqueue(state, "tests.blocking")
    await wait_for(state.db, job_id, {JobStatus.running}, pred=lambda j: job_id in seen)
    async with state.db.session() as s:
        job = await JobsService(s).cancel(job_id, owner_id=None)  # type: ignore[arg-type]
    assert job.cancel_requested
    row = await wait_for(state.db, job_id)
    assert row.status is JobStatus.cancelled
    assert seen[job_id]["cleaned_up"] is True
    assert row.locked_by is None


@pytest.mark.usefixtures("job_runner")
async def test_cancel_seen_at_progress_call_by_another_process(
    state: AppState, fast_jobs: JobConfig
) -> None:
    """Only the database flag is set (as a cancel from another process would): the job's
    watcher or its next progress call notices it."""
    job_id = await _enqueue(state, "tests.cooperative")
    await wait_for(state.db, job_id, {JobStatus.running}, pred=lambda j: j.progress > 0)
    async with state.db.session() as s:
        await s.execute(update(Job).where(Job.id == job_id).values(cancel_requested=True))
    row = await wait_for(state.db, job_id)
    assert row.status is JobStatus.cancelled
    steps = seen[job_id]["steps"]
    await asyncio.sleep(0.1)
    assert seen[job_id]["steps"] == steps  # really stopped


async def test_cancel_queued_job(state: AppState, paused_runner: LocalRunner) -> None:
    job_id = await _enqueue(state, "tests.noop")
    async with state.db.session() as s:
        job = await JobsService(s).cancel(job_id, owner_id=None)  # type: ignore[arg-type]
    assert job.status is JobStatus.cancelled
    await paused_runner.start()
    await asyncio.sleep(0.3)
    row = await load(state.db, job_id)
    assert row is not None and row.status is JobStatus.cancelled and row.attempts == 0


@pytest.mark.usefixtures("job_runner")
async def test_stale_running_job_is_recovered(state: AppState, fast_jobs: JobConfig) -> None:
    """A job left `running` by a dead process (old heartbeat) is claimed and run again."""
    old = utcnow() - timedelta(hours=1)
    stale = Job(
        id=uuid.uuid4(),
        kind="tests.noop",
        args={"value": 7},
        status=JobStatus.running,
        attempts=1,
        max_attempts=2,
        locked_by="local:dead-host:1:abc",
        heartbeat_at=old,
        started_at=old,
        created_at=old,
        run_after=old,
    )
    fresh = Job(
        id=uuid.uuid4(),
        kind="tests.noop",
        args={},
        status=JobStatus.running,
        attempts=1,
        max_attempts=2,
        locked_by="local:live-host:1:abc",
        heartbeat_at=utcnow() + timedelta(hours=1),
        created_at=old,
        run_after=old,
    )
    async with state.db.session() as s:
        s.add_all([stale, fresh])
    row = await wait_for(state.db, stale.id)
    assert row.status is JobStatus.succeeded
    assert row.attempts == 2
    assert row.result == {"value": 7}
    live = await load(state.db, fresh.id)
    assert live is not None and live.status is JobStatus.running  # its owner is alive


@pytest.mark.usefixtures("job_runner")
async def test_stale_job_out_of_attempts_fails(state: AppState, fast_jobs: JobConfig) -> None:
    old = utcnow() - timedelta(hours=1)
    job = Job(
        id=uuid.uuid4(),
        kind="tests.noop",
        args={},
        status=JobStatus.running,
        attempts=1,
        max_attempts=1,
        locked_by="dead",
        heartbeat_at=old,
        run_after=old,
    )
    async with state.db.session() as s:
        s.add(job)
    row = await wait_for(state.db, job.id)
    assert row.status is JobStatus.failed
    assert row.error is not None and "abandoned" in row.error


async def test_concurrent_claims_one_winner(state: AppState, paused_runner: LocalRunner) -> None:
    job_id = await _enqueue(state, "tests.noop")
    envs = [
        JobEnv(state.db, MemoryPubSub(), ProcessPool(1), worker_id("t"), JobConfig())
        for _ in range(4)
    ]
    claimed = await asyncio.gather(*(claim(e, job_id) for e in envs))
    winners = [(e, j) for e, j in zip(envs, claimed, strict=True) if j is not None]
    assert len(winners) == 1
    env, job = winners[0]
    assert job.locked_by == env.worker_id and job.attempts == 1
    # The losers cannot run it either.
    assert await execute(job_id, envs[0] if envs[0] is not env else envs[1]) is None


async def test_shutdown_hands_running_jobs_back(
    state: AppState, paused_runner: LocalRunner
) -> None:
    env = JobEnv(state.db, MemoryPubSub(), ProcessPool(1), worker_id("t"), paused_runner.env.config)
    other = LocalRunner(env, workers=1)
    await other.start()
    try:
        job_id = await _enqueue(state, "tests.gated")
        await wait_for(state.db, job_id, {JobStatus.running})
    finally:
        await other.stop()
    row = await load(state.db, job_id)
    assert row is not None
    assert row.status is JobStatus.queued
    assert row.attempts == 0 and row.locked_by is None
    # The app's runner (restarted) finishes it.
    gate(job_id).set()
    await paused_runner.start()
    row = await wait_for(state.db, job_id)
    assert row.status is JobStatus.succeeded and row.attempts == 1


@pytest.mark.usefixtures("job_runner")
async def test_lost_lease_does_not_overwrite(state: AppState, fast_jobs: JobConfig) -> None:
    """If another runner took the job over, the first one's outcome is discarded."""
    job_id = await _enqueue(state, "tests.gated")
    await wait_for(state.db, job_id, {JobStatus.running}, pred=lambda j: j.progress >= 0.5)
    async with state.db.session() as s:
        await s.execute(update(Job).where(Job.id == job_id).values(locked_by="someone-else"))
    gate(job_id).set()
    await asyncio.sleep(0.5)
    row = await load(state.db, job_id)
    assert row is not None
    assert row.status is JobStatus.running and row.locked_by == "someone-else"


@pytest.mark.usefixtures("job_runner")
async def test_dispatcher_registered_for_app_database(state: AppState) -> None:
    assert dispatch.for_database(state.db) is state.get(JobRuntime).runner


async def test_without_the_job_runner_fixture_jobs_stay_queued(state: AppState) -> None:
    """The suite's default (tests/conftest.py): the app's runner is stopped, so what a test
    enqueues without asking for `job_runner` is left queued, its row in place."""
    assert not state.get(JobRuntime).runner.healthy
    assert dispatch.for_database(state.db) is None
    job_id = await _enqueue(state, "tests.noop")
    await asyncio.sleep(0.3)
    row = await load(state.db, job_id)
    assert row is not None and row.status is JobStatus.queued and row.attempts == 0


@pytest.mark.parametrize("mode", ["process", "thread"])
async def test_process_pool_modes(mode: str) -> None:
    from tonearm.jobs.selftest import burn_cpu

    pool = ProcessPool(1, mode=mode)  # type: ignore[arg-type]
    try:
        out = await pool.run(burn_cpu, 10)
        assert (out["pid"] != os.getpid()) is (mode == "process")
    finally:
        await pool.shutdown()
    assert not pool.started

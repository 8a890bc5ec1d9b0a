"""The scheduler: due-time arithmetic, one enqueue per tick across instances, housekeeping."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.jobs.conftest import wait_for
from tonearm.config import Settings
from tonearm.jobs.context import JobConfig
from tonearm.jobs.registry import load_handlers
from tonearm.jobs.scheduler import PeriodicTask, Scheduler, periodic, periodic_tasks
from tonearm.jobs.service import enqueue
from tonearm.kit.db import Database, utcnow
from tonearm.models.jobs import Job, JobStatus, SchedulerTick
from tonearm.models.platform import IdempotencyRecord
from tonearm.platform.state import AppState


def test_every_is_aligned_to_the_epoch() -> None:
    t = PeriodicTask("x", "tests.noop", every=timedelta(minutes=15))
    now = datetime(2026, 3, 1, 10, 7, 30, tzinfo=UTC)
    assert t.next_after(now) == datetime(2026, 3, 1, 10, 15, tzinfo=UTC)
    assert t.last_at_or_before(now) == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    exact = datetime(2026, 3, 1, 10, 15, tzinfo=UTC)
    assert t.next_after(exact) == datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    assert t.last_at_or_before(exact) == exact


def test_cron() -> None:
    t = PeriodicTask("x", "tests.noop", cron="*/5 * * * *")
    now = datetime(2026, 3, 1, 10, 7, 30, tzinfo=UTC)
    assert t.next_after(now) == datetime(2026, 3, 1, 10, 10, tzinfo=UTC)
    assert t.last_at_or_before(now) == datetime(2026, 3, 1, 10, 5, tzinfo=UTC)
    exact = datetime(2026, 3, 1, 10, 10, tzinfo=UTC)
    assert t.last_at_or_before(exact) == exact


def test_invalid_definitions() -> None:
    with pytest.raises(ValueError):
        PeriodicTask("x", "k")
    with pytest.raises(ValueError):
        PeriodicTask("x", "k", every=timedelta(seconds=1), cron="* * * * *")
    with pytest.raises(ValueError):
        PeriodicTask("x", "k", cron="not a cron")
    with pytest.raises(TypeError):

        @periodic("x", every=timedelta(hours=1))
        async def not_a_job() -> None:
            return None


def test_housekeeping_is_registered() -> None:
    load_handlers()
    tasks = {t.name: t for t in periodic_tasks()}
    assert tasks["platform.purge_expired"].every == timedelta(hours=1)
    assert tasks["platform.purge_expired"].kind == "platform.purge_expired"


@pytest.fixture
async def two_databases(settings: Settings, state: AppState) -> AsyncIterator[list[Database]]:
    """Two engines on the same database: two scheduler 'processes'."""
    dbs = [Database(settings.effective_database_url) for _ in range(2)]
    try:
        yield dbs
    finally:
        for db in dbs:
            await db.dispose()


async def _jobs_of(state: AppState, kind_value: int) -> list[Job]:
    async with state.db.session() as s:
        rows = await s.scalars(select(Job).where(Job.kind == "tests.noop"))
        return [j for j in rows if j.args.get("value") == kind_value]


async def test_same_tick_fired_once_by_concurrent_instances(
    state: AppState, two_databases: list[Database], fast_jobs: JobConfig
) -> None:
    task = PeriodicTask(
        "tests.tick", "tests.noop", every=timedelta(minutes=1), kwargs={"value": 41}
    )
    schedulers = [Scheduler(db, [task]) for db in two_databases]
    due = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    for _ in range(3):
        won = await asyncio.gather(*(s.fire(task, due) for s in schedulers))
        assert sorted(won) == [False, True] or won == [False, False]
    assert len(await _jobs_of(state, 41)) == 1


async def test_two_running_schedulers_enqueue_once_per_tick(
    state: AppState, two_databases: list[Database], fast_jobs: JobConfig
) -> None:
    period = timedelta(milliseconds=200)
    task = PeriodicTask("tests.fast", "tests.noop", every=period, kwargs={"value": 42})
    schedulers = [Scheduler(db, [task], max_sleep=0.05) for db in two_databases]
    for s in schedulers:
        await s.start()
    try:
        await asyncio.sleep(1.5)
    finally:
        for s in schedulers:
            await s.stop()

    async with state.db.session() as session:
        ticks = (
            await session.scalars(select(SchedulerTick).where(SchedulerTick.name == "tests.fast"))
        ).all()
    jobs = await _jobs_of(state, 42)
    due_times = sorted(t.due_at for t in ticks)
    assert len(due_times) >= 4
    assert len(set(due_times)) == len(due_times)
    assert len(jobs) == len(ticks)  # exactly one job per tick
    assert {t.job_id for t in ticks} == {j.id for j in jobs}
    # Consecutive ticks, none skipped.
    for a, b in itertools.pairwise(due_times):
        assert b - a == period
    won = [set(s.fired) for s in schedulers]
    assert not (won[0] & won[1])
    assert len(won[0] | won[1]) == len(ticks)


@pytest.mark.usefixtures("job_runner")
async def test_purge_expired(state: AppState, fast_jobs: JobConfig) -> None:
    old = utcnow() - timedelta(days=2)
    ancient = utcnow() - timedelta(days=40)
    ancient_job, recent_job = uuid.uuid4(), uuid.uuid4()
    async with state.db.session() as s:
        s.add_all(
            [
                IdempotencyRecord(
                    key_hash="a" * 64, method="POST", path="/x", request_hash="h", created_at=old
                ),
                IdempotencyRecord(key_hash="b" * 64, method="POST", path="/x", request_hash="h"),
                Job(
                    id=ancient_job,
                    kind="tests.noop",
                    status=JobStatus.succeeded,
                    created_at=ancient,
                    finished_at=ancient,
                ),
                Job(
                    id=recent_job,
                    kind="tests.noop",
                    status=JobStatus.failed,
                    created_at=old,
                    finished_at=old,
                ),
                SchedulerTick(name="old", due_at=ancient),
            ]
        )
    async with state.db.session() as s:
        job = await enqueue(s, "platform.purge_expired")
    row = await wait_for(state.db, job.id)
    assert row.status is JobStatus.succeeded, row.error
    assert row.result is not None
    assert row.result["idempotency_records"] == 1
    assert row.result["jobs"] == 1
    assert row.result["scheduler_ticks"] == 1
    async with state.db.session() as s:
        keys = (await s.scalars(select(IdempotencyRecord.key_hash))).all()
        left = set((await s.scalars(select(Job.id))).all())
    assert keys == ["b" * 64]
    assert ancient_job not in left
    assert {recent_job, job.id} <= left

"""Integration: a real Celery worker subprocess (prefork) on Redis runs jobs dispatched by the
CeleryRunner, through the same executor as the local runner (progress events, retries with
countdown, cancel, CPU work)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.conftest import TEST_DB_URL, WORKER, make_settings, worker_redis_url
from tests.jobs.conftest import wait_for
from tonearm.config import normalise_db_url
from tonearm.jobs.celery_app import create_celery
from tonearm.jobs.context import JobEnv, job_channel
from tonearm.jobs.runners import CeleryRunner, worker_id
from tonearm.jobs.service import enqueue
from tonearm.kit.db import Database
from tonearm.kit.events import RedisPubSub
from tonearm.kit.procpool import ProcessPool
from tonearm.models.jobs import Job, JobStatus
from tonearm.platform.migrate import upgrade

pytestmark = [pytest.mark.slow, pytest.mark.redis]

# This xdist worker's own Redis database (the broker's queues are named per test run too).
REDIS_URL = worker_redis_url(os.environ.get("TONEARM_TEST_REDIS_URL") or "redis://127.0.0.1:6379/0")


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="module")
def celery_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own, so the app's local runner never competes for these jobs."""
    if TEST_DB_URL:
        from tests.pgutil import create_database, drop_database

        url, name = create_database(normalise_db_url(TEST_DB_URL), WORKER)
        try:
            upgrade(url)
            yield url
        finally:
            drop_database(normalise_db_url(TEST_DB_URL), name)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('celery') / 'jobs.db'}"
        upgrade(url)
        yield url


@pytest.fixture(scope="module")
def worker(celery_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not _redis_answers():
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    data_dir: Path = tmp_path_factory.mktemp("celery-data")
    queue = f"tonearm-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "TONEARM_BROKER_URL": REDIS_URL,
        "TONEARM_REDIS_URL": REDIS_URL,
        "TONEARM_DATABASE_URL": celery_db,
        "TONEARM_DATA_DIR": str(data_dir),
        "TONEARM_SECRET_KEY": "test-secret-" + "x" * 40,
        "TONEARM_ENV": "test",
        "TONEARM_LOG_LEVEL": "WARNING",
    }
    log = (data_dir / "worker.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tonearm.worker",
            "worker",
            f"--queues={queue},{queue}.cpu",
            "--concurrency=1",
            "--pool=prefork",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: we can stop it and its children
    )
    try:
        yield {"queue": queue, "data_dir": data_dir, "proc": proc}
    finally:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            if proc.poll() is not None:
                break
            os.killpg(proc.pid, sig)
            try:
                proc.wait(wait)
            except subprocess.TimeoutExpired:
                continue
        log.close()
        r = redis.Redis.from_url(REDIS_URL)
        r.delete(queue, f"{queue}.cpu", f"_kombu.binding.{queue}", f"_kombu.binding.{queue}.cpu")
        r.close()


@pytest.fixture
async def runner(worker: dict[str, Any], celery_db: str) -> AsyncIterator[CeleryRunner]:
    settings = make_settings(
        worker["data_dir"], celery_db, broker_url=REDIS_URL, redis_url=REDIS_URL
    )
    db = Database(settings.effective_database_url)
    env = JobEnv(db, RedisPubSub(REDIS_URL), ProcessPool(1), worker_id("test"))
    r = CeleryRunner(env, create_celery(settings, queue=worker["queue"]), queue=worker["queue"])
    await r.start()
    try:
        yield r
    finally:
        await r.stop()
        await env.pubsub.close()
        await db.dispose()


def _worker_log(worker: dict[str, Any]) -> str:
    return (worker["data_dir"] / "worker.log").read_text()[-3000:]


async def test_celery_worker_runs_job_with_retry_and_cpu(
    runner: CeleryRunner, worker: dict[str, Any]
) -> None:
    assert await runner.ping()
    db = runner.env.db
    async with db.session() as s:
        job = await enqueue(s, "platform.selftest", steps=3, delay=0.05, fail_times=1, cpu=True)
        sub = runner.env.pubsub.subscribe(job_channel(job.id))
        await sub.__aenter__()
    try:
        try:
            row = await wait_for(db, job.id, timeout=90)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- worker log ---\n{_worker_log(worker)}") from exc
        events = []
        while (msg := await sub.get(timeout=1)) is not None:
            events.append(msg["type"])
    finally:
        await sub.close()
    assert row.status is JobStatus.succeeded, row.error
    assert row.attempts == 2  # failed once, retried via apply_async(countdown=...)
    assert row.result is not None
    assert row.result["pid"] != os.getpid()
    assert len(row.result["cpu"]["digest"]) == 64
    # Progress and the outcome crossed processes through Redis.
    assert "retrying" in events and "progress" in events and events[-1] == "done"


async def test_celery_job_cancelled_from_another_process(
    runner: CeleryRunner, worker: dict[str, Any]
) -> None:
    from sqlalchemy import update

    db = runner.env.db
    async with db.session() as s:
        job = await enqueue(s, "platform.selftest", steps=400, delay=0.05)
    await wait_for(db, job.id, {JobStatus.running}, timeout=90, pred=lambda j: j.progress > 0)
    async with db.session() as s:
        await s.execute(update(Job).where(Job.id == job.id).values(cancel_requested=True))
    row = await wait_for(db, job.id, timeout=30)
    assert row.status is JobStatus.cancelled
    assert 0 < row.progress < 1
    await asyncio.sleep(0)

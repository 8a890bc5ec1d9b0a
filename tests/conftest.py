"""Shared fixtures: the real app over ASGI on a migrated database (SQLite, or PostgreSQL when
TONEARM_TEST_DATABASE_URL is set), tables emptied after each test.

Under pytest-xdist every worker is a session of its own: its own data folder (pytest's
per-worker basetemp), its own database built by the Alembic migrations (a SQLite file in that
folder, or a PostgreSQL database it creates and drops) and its own Redis database number
(worker gwN uses the configured number + 1 + N; Redis has 16 by default), so rate-limit
counters and their resets never cross workers. (Pub/sub channels are server-wide, but they
are named by job id.)"""

from __future__ import annotations

import contextlib
import functools
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from tonearm.accounts.authcache import AuthCache
from tonearm.app import create_app
from tonearm.config import Settings, normalise_db_url
from tonearm.jobs.runners import LocalRunner
from tonearm.jobs.runtime import JobRuntime
from tonearm.kit.db import Base, Database
from tonearm.platform.migrate import upgrade
from tonearm.platform.state import AppState

# "gw0", "gw1", ... under pytest-xdist; "" in a plain run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def worker_redis_url(url: str) -> str:
    """`url` with this worker's own database number (unchanged outside xdist)."""
    if not WORKER:
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + 1 + int(WORKER.removeprefix('gw'))}"))


TEST_DB_URL = os.environ.get("TONEARM_TEST_DATABASE_URL")
_redis = os.environ.get("TONEARM_TEST_REDIS_URL")
TEST_REDIS_URL = worker_redis_url(_redis) if _redis else None


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tonearm-data")


@pytest.fixture(scope="session")
def database_url(data_dir: Path) -> Iterator[str]:
    if TEST_DB_URL:
        from tests.pgutil import create_database, drop_database

        url, name = create_database(normalise_db_url(TEST_DB_URL), WORKER)
        try:
            upgrade(url)
            yield url
        finally:
            drop_database(normalise_db_url(TEST_DB_URL), name)
    else:
        url = f"sqlite+aiosqlite:///{data_dir / 'test.db'}"
        upgrade(url)
        yield url


def make_settings(data_dir: Path, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "data_dir": data_dir,
        "database_url": database_url,
        "redis_url": TEST_REDIS_URL,
        "secret_key": "test-secret-" + "x" * 40,
        "base_url": "http://testserver",
        "log_level": "WARNING",
        "web_dist": data_dir / "no-web",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def settings(data_dir: Path, database_url: str) -> Settings:
    return make_settings(data_dir, database_url)


@contextlib.asynccontextmanager
async def running(application: Any, *, jobs: bool = False) -> AsyncIterator[Any]:
    """Start an app as it runs in production, then stop its scheduler (its ticks would write
    jobs between tests; the scheduler tests run their own) and, unless `jobs`, its job runner
    (jobs a test enqueues then stay queued: their rows exist, nothing runs them). Every test
    that builds an app of its own starts it here, or its start-up tick leaks into the next."""
    async with LifespanManager(application, startup_timeout=60, shutdown_timeout=60):
        st: AppState = application.state.tonearm
        if not jobs:
            await st.get(JobRuntime).runner.stop()
        scheduler = st.get(JobRuntime).scheduler
        if scheduler is not None:
            await scheduler.stop()
        await empty_tables(st.db)  # a tick the scheduler made up at start-up
        yield application


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Any]:
    """The app as it runs in production, except that its job runner and scheduler are
    stopped once it has started (see `running`); tests that need jobs run ask for the
    `job_runner` fixture."""
    async with running(create_app(settings)) as application:
        yield application


@pytest.fixture(scope="session")
def state(app: Any) -> AppState:
    return app.state.tonearm  # type: ignore[no-any-return]


@pytest.fixture
async def job_runner(state: AppState) -> AsyncIterator[LocalRunner]:
    """The app's local job runner, running for this test: uploads get processed (HLS,
    waveform, artwork), scans and job endpoints see their jobs through. Stopped again after
    the test (a job still running is handed back as queued, then the rows are emptied), so
    nothing a test started runs on into the next one."""
    runner: LocalRunner = state.get(JobRuntime).runner
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()


def client_for(app: Any, ip: str = "127.0.0.1") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=(ip, 40000)),
        base_url="http://testserver",
        headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"},
    )


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app, f"10.9.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}") as c:
        yield c


@functools.cache
def _tables() -> tuple[list[str], Any]:
    """Every table, children before parents, and one query naming those that hold rows."""
    names = [t.name for t in reversed(Base.metadata.sorted_tables)]
    probe = " UNION ALL ".join(f"SELECT '{n}' WHERE EXISTS (SELECT 1 FROM {n})" for n in names)
    return names, text(probe)


async def tables_with_rows(conn: AsyncConnection) -> list[str]:
    names, probe = _tables()
    found = {row[0] for row in await conn.execute(probe)}
    return [n for n in names if n in found]


async def empty_tables(db: Database) -> list[str]:
    """Delete the rows of the tables that have any (one round trip finds them), children
    first. Faster than emptying all of them: on PostgreSQL a TRUNCATE of every table cost
    ~80 ms a test, the probe and a few DELETEs ~3 ms. DELETE (not TRUNCATE) also keeps
    SQLite's FTS indexes in step through their triggers."""
    async with db.engine.begin() as conn:
        names = await tables_with_rows(conn)
        for name in names:
            await conn.execute(text(f"DELETE FROM {name}"))
    return names


@pytest.fixture(autouse=True)
async def _isolate(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Each test that can reach the worker's database starts on empty tables and fresh
    rate-limit counters, and leaves none of its rows behind."""
    if "database_url" not in request.fixturenames:
        yield
        return
    state: AppState = request.getfixturevalue("state")
    leftovers = await empty_tables(state.db)
    if leftovers:
        # Written after the previous test's cleanup (a background task, another engine).
        pytest.fail(f"the test would have seen rows it did not write, in: {', '.join(leftovers)}")
    yield
    await state.limiter.reset()
    state.get(AuthCache).clear()
    await empty_tables(state.db)


def pytest_report_header(config: pytest.Config) -> str:
    db = make_url(normalise_db_url(TEST_DB_URL)).drivername if TEST_DB_URL else "sqlite"
    redis = _redis or "no"
    return f"tonearm: database={db} redis={redis} (each xdist worker: own database and data dir)"

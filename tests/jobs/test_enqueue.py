"""enqueue(): validated, inserted in the caller's transaction, dispatched only after commit."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from tonearm.config import Settings
from tonearm.jobs import dispatch
from tonearm.jobs.errors import InvalidJobArgs, UnknownJobKind
from tonearm.jobs.service import enqueue
from tonearm.kit.db import Database
from tonearm.models.jobs import Job, JobStatus


class SpyDispatcher:
    def __init__(self) -> None:
        self.dispatched: list[tuple[uuid.UUID, str, float]] = []

    async def dispatch(self, job_id: uuid.UUID, kind: str, *, delay: float = 0.0) -> None:
        self.dispatched.append((job_id, kind, delay))

    async def request_cancel(self, job_id: uuid.UUID) -> None:
        return None


@pytest.fixture
async def spied(settings: Settings, state: Any) -> AsyncIterator[tuple[Database, SpyDispatcher]]:
    """A second Database on the same URL with a spy as its runner."""
    db = Database(settings.effective_database_url)
    spy = SpyDispatcher()
    dispatch.register(db, spy)
    try:
        yield db, spy
    finally:
        dispatch.unregister(db)
        await db.dispose()


async def _count(db: Database, job_id: uuid.UUID) -> int:
    async with db.session() as s:
        return int(await s.scalar(select(func.count()).where(Job.id == job_id)) or 0)


async def test_dispatched_only_after_commit(spied: tuple[Database, SpyDispatcher]) -> None:
    db, spy = spied
    async with db.session() as s:
        job = await enqueue(s, "tests.noop", value=1)
        assert job.status is JobStatus.queued
        assert job.max_attempts == 1
        assert spy.dispatched == []  # not before the commit
    assert spy.dispatched == [(job.id, "tests.noop", 0.0)]
    assert await _count(db, job.id) == 1


async def test_rolled_back_job_never_runs(spied: tuple[Database, SpyDispatcher]) -> None:
    db, spy = spied

    class Boom(Exception):
        pass

    job_id = None
    with pytest.raises(Boom):
        async with db.session() as s:
            job = await enqueue(s, "tests.noop")
            job_id = job.id
            raise Boom()
    assert job_id is not None
    assert spy.dispatched == []
    assert await _count(db, job_id) == 0


async def test_validation(spied: tuple[Database, SpyDispatcher]) -> None:
    db, spy = spied
    async with db.session() as s:
        with pytest.raises(UnknownJobKind):
            await enqueue(s, "no.such.kind")
        with pytest.raises(InvalidJobArgs):
            await enqueue(s, "tests.noop", bogus=1)  # not a parameter
        with pytest.raises(InvalidJobArgs):
            await enqueue(s, "tests.noop", value="not a number")
        with pytest.raises(InvalidJobArgs):
            await enqueue(s, "tests.typed", tags=["x"])  # track_id missing
        with pytest.raises(InvalidJobArgs):
            await enqueue(s, "platform.selftest", **{"steps": object()})
        assert isinstance(UnknownJobKind("x"), ValueError)
    assert spy.dispatched == []


def test_registry_rejects_bad_handlers() -> None:
    from tonearm.jobs.registry import job

    with pytest.raises(TypeError):

        @job("tests.sync")
        def sync(ctx: Any) -> None:  # type: ignore[type-var]
            return None

    with pytest.raises(TypeError):

        @job("tests.positional")
        async def positional(ctx: Any, *items: int) -> None:
            return None

    with pytest.raises(ValueError, match="already registered"):

        @job("tests.noop")
        async def another(ctx: Any) -> None:
            return None

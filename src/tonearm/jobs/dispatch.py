"""Who runs a committed job: the runner registered for the session's database.

`enqueue()` only has the caller's session. The runner that serves that database (local or
Celery) registers itself here when it starts, keyed by the engine, so an enqueue from a request,
a job or the scheduler reaches the right runner without passing it around. With no runner
registered (a one-off script) the row simply waits for a local runner's poll."""

from __future__ import annotations

import uuid
import weakref
from typing import Protocol

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import Database


class Dispatcher(Protocol):
    async def dispatch(self, job_id: uuid.UUID, kind: str, *, delay: float = 0.0) -> None:
        """Make a committed, queued job run (after `delay` seconds)."""

    async def request_cancel(self, job_id: uuid.UUID) -> None:
        """Best effort: stop a running job now if this process runs it."""


_by_engine: weakref.WeakKeyDictionary[Engine, Dispatcher] = weakref.WeakKeyDictionary()


def register(db: Database, dispatcher: Dispatcher) -> None:
    _by_engine[db.engine.sync_engine] = dispatcher


def unregister(db: Database, dispatcher: Dispatcher | None = None) -> None:
    engine = db.engine.sync_engine
    if dispatcher is None or _by_engine.get(engine) is dispatcher:
        _by_engine.pop(engine, None)


def for_session(session: AsyncSession) -> Dispatcher | None:
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    return _by_engine.get(engine)


def for_database(db: Database) -> Dispatcher | None:
    return _by_engine.get(db.engine.sync_engine)

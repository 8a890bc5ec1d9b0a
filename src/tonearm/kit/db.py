"""Async SQLAlchemy engine, declarative base and the unit-of-work helpers.

The request (or the job) owns the transaction: `session_scope()` commits at the end and then
runs the callbacks registered with `after_commit()` (job enqueues, pub/sub). A rolled-back
transaction drops its callbacks, so nothing queued inside it ever runs.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import stat
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import structlog
from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

log = structlog.get_logger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on both back ends (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --- engine ----------------------------------------------------------------------------------


SQLITE_MMAP_BYTES = 1 << 30


def _owner_only(cur: Any) -> None:
    """Make the database file 0600 like the keys (it holds password hashes and tokens).
    Done before WAL mode is set: SQLite gives the -wal and -shm files the main file's mode;
    those of an older install are fixed as well."""
    cur.execute("PRAGMA database_list")
    for _seq, name, file in cur.fetchall():
        if name != "main" or not file:
            continue  # in memory
        for path in (file, f"{file}-wal", f"{file}-shm"):
            try:
                if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
                    os.chmod(path, 0o600)
            except FileNotFoundError:
                pass


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    _owner_only(cur)
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    # Read the file through a memory map instead of read() calls into a small private cache:
    # index look-ups on a large library (search, browse) touch pages all over the file, and
    # copying each one in was most of a search's database time at a million tracks. Address
    # space only; the pages are the OS page cache's.
    cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cur.close()


def _reader_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")  # `read` is for reads; a write would be a bug
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cur.close()


# The synchronous twin of each SQLite file engine, for `read`.
_READERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _reader(url: str) -> Engine:
    sync_url = url.replace("+aiosqlite", "", 1)
    reader = create_engine(sync_url, connect_args={"timeout": 10, "check_same_thread": False})
    event.listen(reader, "connect", _reader_pragmas)
    return reader


def reader_of(engine: AsyncEngine) -> Engine:
    """The engine `read` runs on for sessions of `engine`: its SQLite twin, or itself."""
    return _READERS.get(engine.sync_engine, engine.sync_engine)


T = TypeVar("T")


async def read(session: AsyncSession, fn: Callable[[Connection], T]) -> T:
    """`fn(connection)` for read-only work of several statements (search). On a SQLite file,
    in a worker thread on a read-only connection of its own, so all its statements cost one
    thread hop: through aiosqlite each statement costs four (cursor, execute, fetch, close),
    ~10x the statement itself for the small look-ups of a search. It sees what is committed,
    not this session's own pending writes. On PostgreSQL (and SQLite in memory), on the
    session's connection (`run_sync`)."""
    bind = session.bind
    reader = _READERS.get(bind.sync_engine) if isinstance(bind, AsyncEngine) else None
    if reader is None:
        conn = await session.connection()
        return await conn.run_sync(fn)

    def run() -> T:
        with reader.connect() as conn:
            return fn(conn)

    return await asyncio.to_thread(run)


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 10}
        if ":memory:" in url:
            kwargs["poolclass"] = NullPool
    else:
        kwargs["pool_size"] = pool_size
        kwargs["max_overflow"] = pool_size
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if ":memory:" not in url:
            _READERS[engine.sync_engine] = _reader(url)
        # aiosqlite's default "deferred" BEGIN takes the write lock lazily, which turns
        # read-then-write transactions into SQLITE_BUSY under load. BEGIN IMMEDIATE on every
        # transaction would serialise readers too, so we keep deferred and rely on busy_timeout.
    return engine


class Database:
    """One engine and its session factory, created at start-up and disposed at shutdown."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo, pool_size=pool_size)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        reader = _READERS.pop(self.engine.sync_engine, None)
        if reader is not None:
            reader.dispose()
        await self.engine.dispose()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commit on success, rollback on error, then after-commit hooks."""
        async with self.sessionmaker() as session, session_scope(session):
            yield session


AfterCommit = Callable[[], Awaitable[None] | None]


async def insert_or_ignore(session: AsyncSession, model: type[Any], values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING on either back end; True when the row went in."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    done = await session.execute(insert(model).values(**values).on_conflict_do_nothing())
    return bool(done.rowcount)  # type: ignore[attr-defined]


async def insert_many_or_ignore(
    session: AsyncSession, model: type[Any], rows: list[dict[str, Any]]
) -> None:
    """`insert_or_ignore` for many rows (one statement, batched by the driver)."""
    from sqlalchemy.dialects import postgresql, sqlite

    if not rows:
        return
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(insert(model).on_conflict_do_nothing(), rows)


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run `callback` once the current transaction has committed (never if it rolls back)."""
    session.info.setdefault("after_commit", []).append(callback)


def after_rollback(session: AsyncSession, callback: AfterCommit) -> None:
    """Run `callback` if the current unit of work rolls back (undo side effects such as
    files already written to storage)."""
    session.info.setdefault("after_rollback", []).append(callback)


async def _run_callbacks(session: AsyncSession, name: str) -> None:
    callbacks: list[AfterCommit] = session.info.pop(name, [])
    for cb in callbacks:
        try:
            result = cb()
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception(f"{name}_failed", callback=getattr(cb, "__name__", repr(cb)))


@asynccontextmanager
async def session_scope(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    try:
        yield session
        if session.in_transaction() or session.new or session.dirty or session.deleted:
            await session.commit()  # a request that never touched the database skips it
    except BaseException as exc:
        if getattr(exc, "commit_transaction", False):
            # A domain error whose side effects must stick (revoked token family, counted
            # OTP attempt): commit, run the hooks, then let the error propagate.
            await session.commit()
            session.info.pop("after_rollback", None)
            await run_after_commit(session)
            raise
        session.info.pop("after_commit", None)
        try:
            await session.rollback()
        finally:
            await _run_callbacks(session, "after_rollback")
        raise
    session.info.pop("after_rollback", None)
    await run_after_commit(session)


async def run_after_commit(session: AsyncSession) -> None:
    await _run_callbacks(session, "after_commit")

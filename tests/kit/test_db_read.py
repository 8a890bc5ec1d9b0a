"""`kit.db.read`: a read-only batch of statements, on SQLite on a connection of its own in a
worker thread (committed data only, writes refused), on PostgreSQL on the session's own."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from tonearm.kit.db import read
from tonearm.platform.state import AppState


async def test_read_sees_what_is_committed_and_never_writes(state: AppState) -> None:
    sqlite = state.db.dialect == "sqlite"
    async with state.db.session() as s:
        await s.execute(text("CREATE TABLE read_probe (n INTEGER)"))
        await s.execute(text("INSERT INTO read_probe VALUES (1)"))

    def probe(conn: Connection) -> tuple[list[int], str]:
        rows = [n for (n,) in conn.execute(text("SELECT n FROM read_probe ORDER BY n"))]
        return rows, threading.current_thread().name

    async with state.db.session() as s:
        await s.execute(text("INSERT INTO read_probe VALUES (2)"))  # not committed yet
        rows, thread = await read(s, probe)
        # SQLite: the committed row only, from a worker thread; PostgreSQL: this transaction.
        assert rows == ([1] if sqlite else [1, 2])
        assert (thread != threading.current_thread().name) is sqlite
        await s.rollback()

    if sqlite:
        async with state.db.session() as s:
            with pytest.raises(OperationalError, match="readonly"):
                await read(s, lambda c: c.execute(text("INSERT INTO read_probe VALUES (3)")))

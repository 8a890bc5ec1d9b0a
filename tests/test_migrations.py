"""The migrations go up, down and up again on the database under test, and the search
columns they rebuild keep matching what is already stored."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command

from tests.conftest import TEST_DB_URL
from tonearm.config import normalise_db_url
from tonearm.kit.migrate import alembic_config, upgrade


@pytest.fixture
def fresh_url(tmp_path: Path) -> Iterator[str]:
    if TEST_DB_URL:
        from tests.pgutil import create_database, drop_database

        url, name = create_database(normalise_db_url(TEST_DB_URL))
        try:
            yield url
        finally:
            drop_database(normalise_db_url(TEST_DB_URL), name)
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"


def _sql(url: str, statement: str, *args: object) -> list[tuple[object, ...]]:
    if url.startswith("sqlite"):
        con = sqlite3.connect(url.split("///", 1)[1])
        try:
            rows = con.execute(statement.replace("$1", "?").replace("$2", "?"), args).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    import asyncpg
    from sqlalchemy.engine import make_url

    async def run() -> list[tuple[object, ...]]:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        conn = await asyncpg.connect(dsn)
        try:
            return [tuple(r) for r in await conn.fetch(statement, *args)]
        finally:
            await conn.close()

    return asyncio.run(run())


def _matches(url: str, query: str) -> list[tuple[object, ...]]:
    if url.startswith("sqlite"):
        return _sql(
            url,
            "SELECT a.name FROM artists_fts f JOIN artists a ON a.rowid = f.rowid"
            " WHERE artists_fts MATCH $1",
            f'"{query}"*',
        )
    return _sql(
        url,
        "SELECT name FROM artists WHERE search_vector @@ to_tsquery('simple', $1)",
        query if len(query) <= 3 else f"{query}:*",
    )


def test_up_down_up_keeps_search_working(fresh_url: str) -> None:
    upgrade(fresh_url, "0003")
    artist = uuid.uuid4()
    _sql(
        fresh_url,
        "INSERT INTO artists (id, name, sort_name, name_key, search_text, created_at, updated_at)"
        " VALUES ($1, 'Björk', 'bjork', 'bjork', 'bjork', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        artist if TEST_DB_URL else artist.hex,
    )
    upgrade(fresh_url)
    # A short term is a lexeme of its own now (PostgreSQL), a prefix match in FTS5.
    assert _matches(fresh_url, "bj") == [("Björk",)]
    assert _matches(fresh_url, "bjor") == [("Björk",)]
    assert _matches(fresh_url, "jo") == []

    command.downgrade(alembic_config(fresh_url), "0003")
    assert _matches(fresh_url, "bjor") == [("Björk",)]  # the column was rebuilt, not lost
    command.downgrade(alembic_config(fresh_url), "base")
    upgrade(fresh_url)
    assert _sql(fresh_url, "SELECT count(*) FROM artists") == [(0,)]

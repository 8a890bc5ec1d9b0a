"""The schema on the database under test: migrations go up, down and up again and the search
columns they rebuild keep matching what is stored; `tonearm db vacuum` leaves search whole."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

import tonearm.models  # noqa: F401  (registers every table)
from tests.conftest import TEST_DB_URL
from tonearm.cli import app
from tonearm.config import get_settings, normalise_db_url
from tonearm.kit.db import Base
from tonearm.kit.text import fold
from tonearm.platform.migrate import alembic_config, upgrade


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
            rows = con.execute(re.sub(r"\$(\d)", r"?\1", statement), args).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    import asyncpg

    from tests.pgutil import asyncpg_dsn

    async def run() -> list[tuple[object, ...]]:
        conn = await asyncpg.connect(asyncpg_dsn(url))
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


def test_vacuum_rebuilds_a_search_index_that_went_out_of_step(
    fresh_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upgrade(fresh_url)
    for name in ("Björk", "Bonobo", "Burial"):
        _sql(
            fresh_url,
            "INSERT INTO artists (id, name, sort_name, name_key, search_text, created_at,"
            " updated_at) VALUES ($1, $2, $2, $2, $3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            uuid.uuid4() if TEST_DB_URL else uuid.uuid4().hex,
            fold(name),
            fold(name),
        )
    _sql(fresh_url, "DELETE FROM artists WHERE name = 'bonobo'")
    if not TEST_DB_URL:  # FTS5: an index emptied behind the rows' back
        _sql(fresh_url, "INSERT INTO artists_fts(artists_fts) VALUES ('delete-all')")
        assert _matches(fresh_url, "bur") == []

    monkeypatch.setenv("TONEARM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TONEARM_DATABASE_URL", fresh_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "vacuum"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert _matches(fresh_url, "bur") == [("burial",)]
    assert sorted(_matches(fresh_url, "b")) == [("bjork",), ("burial",)]


@pytest.fixture
def migrated_url(fresh_url: str) -> str:
    upgrade(fresh_url)
    return fresh_url


async def test_the_models_match_the_migrations(migrated_url: str) -> None:
    """Autogenerate against the migrated database finds nothing to add or drop (the search
    tables, columns and indexes the migrations keep by hand are left out)."""

    def hand_made(
        obj: object, name: str | None, type_: str, reflected: bool, other: object
    ) -> bool:
        if not name:
            return True
        if type_ == "table":
            return not (name.endswith("_fts") or "_fts_" in name)
        if type_ == "column":
            return name != "search_vector"
        return not (type_ == "index" and ("search" in name or "fts" in name))

    def compare(conn: Connection) -> list[object]:
        ctx = MigrationContext.configure(conn, opts={"include_object": hand_made})
        return list(compare_metadata(ctx, Base.metadata))

    engine = create_async_engine(migrated_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(compare)
    finally:
        await engine.dispose()
    assert diff == []

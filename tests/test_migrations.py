"""The migration history: one head, generated ids behind a date prefix (only the first five
keep the hand numbers databases already carry), and the models match what the migrations
build, on the database under test."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

import tonearm.models  # noqa: F401  (registers every table)
from tests.conftest import TEST_DB_URL
from tonearm.config import normalise_db_url
from tonearm.kit.db import Base
from tonearm.platform.migrate import alembic_config, upgrade

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"
LEGACY = {"0001", "0002", "0003", "0004", "0005"}


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(""))


def test_there_is_exactly_one_head() -> None:
    assert len(_scripts().get_heads()) == 1


def test_new_revisions_have_generated_ids_and_a_date_prefix() -> None:
    for rev in _scripts().walk_revisions():
        name = Path(rev.path).name
        assert re.fullmatch(rf"\d{{4}}_\d{{2}}_\d{{2}}_{re.escape(rev.revision)}_\w+\.py", name), (
            name
        )
        if rev.revision not in LEGACY:
            assert re.fullmatch(r"[0-9a-f]{12}", rev.revision), (name, rev.revision)


@pytest.fixture
def migrated_url(tmp_path: Path) -> Iterator[str]:
    if TEST_DB_URL:
        from tests.pgutil import create_database, drop_database

        url, name = create_database(normalise_db_url(TEST_DB_URL))
        try:
            upgrade(url)
            yield url
        finally:
            drop_database(normalise_db_url(TEST_DB_URL), name)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
        upgrade(url)
        yield url


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

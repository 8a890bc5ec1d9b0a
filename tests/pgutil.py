"""A throwaway PostgreSQL database per test run (and per xdist worker), so parallel runs never
collide."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
from sqlalchemy.engine import make_url


def asyncpg_dsn(url: str, database: str | None = None) -> str:
    """A SQLAlchemy URL (any driver) as a DSN asyncpg takes."""
    u = make_url(url).set(drivername="postgresql")
    if database:
        u = u.set(database=database)
    return u.render_as_string(hide_password=False)


def create_database(base_url: str, tag: str = "") -> tuple[str, str]:
    """A new, empty database next to `base_url`'s; `tag` (e.g. the xdist worker) goes in its
    name so a leftover one says where it came from. (url, name)."""
    name = f"tonearm_test_{tag + '_' if tag else ''}{uuid.uuid4().hex[:10]}"

    async def run() -> None:
        conn = await asyncpg.connect(asyncpg_dsn(base_url))
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(run())
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    return url, name


def drop_database(base_url: str, name: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(asyncpg_dsn(base_url))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(run())

"""`tonearm db vacuum`: compact the database, then let each domain rebuild what it derives
from its rows (the library's search index)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncEngine


async def vacuum(
    engine: AsyncEngine, after: Sequence[Callable[[AsyncEngine], Awaitable[None]]]
) -> None:
    """VACUUM (ANALYZE) on PostgreSQL, VACUUM on SQLite; then every `after` hook in order.
    Safe while the server runs."""
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await auto.exec_driver_sql(
            "VACUUM" if auto.dialect.name == "sqlite" else "VACUUM (ANALYZE)"
        )
    for hook in after:
        await hook(engine)

"""Keeping the search index in step: merged after a large scan, rebuilt after VACUUM."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

SEARCH_TABLES = ("tracks", "albums", "artists")

# The PostgreSQL vocabulary recounted from the rows (as migration 9e3b5c71d2a8 fills it).
_RECOUNT_POSTGRESQL = (
    "LOCK TABLE tracks IN SHARE MODE",  # writers wait; readers and searches go on
    "DELETE FROM tracks_fts_vocab",
    "INSERT INTO tracks_fts_vocab (word, uses) SELECT w, count(*) FROM tracks,"
    " unnest(tsvector_to_array(to_tsvector('simple', tracks.search_text))) AS w GROUP BY w",
)


async def _fts_commands(auto: Any, commands: tuple[str, ...]) -> None:
    """Run FTS5 special commands on each search index, in one write transaction."""
    await auto.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        for table in SEARCH_TABLES:
            fts = f"{table}_fts"  # our own table names, not input
            for command in commands:  # ours too
                await auto.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('{command}')")  # noqa: S608
    except BaseException:
        await auto.exec_driver_sql("ROLLBACK")
        raise
    await auto.exec_driver_sql("COMMIT")


async def merge_index(engine: AsyncEngine) -> None:
    """Merge each FTS5 index into one segment (SQLite), or move each GIN index's pending
    list into the index (PostgreSQL). A scan writes its tracks in many transactions, each
    leaving an FTS5 segment behind, and every term look-up reads every segment: at a million
    tracks the typo tier's probes took 12 ms on the index a first scan leaves, 0.2 ms merged.
    Writers wait meanwhile (about 2.5 s at a million tracks); readers go on. Every GIN look-up
    reads the whole pending list (see migration d7a2f4c9e1b6)."""
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        if conn.dialect.name == "sqlite":
            await _fts_commands(auto, ("optimize",))
        elif conn.dialect.name == "postgresql":
            for table in SEARCH_TABLES:
                await auto.exec_driver_sql(f"SELECT gin_clean_pending_list('ix_{table}_search')")


async def rebuild_index(engine: AsyncEngine) -> None:
    """Bring the search index back in step with the rows, after `tonearm db vacuum`.

    On SQLite the FTS5 tables are external-content indexes keyed by the tables' implicit
    rowids, which VACUUM is allowed to renumber (tables without an INTEGER PRIMARY KEY), so
    they are rebuilt from the rows in one transaction and merged into one segment each; the
    rebuild also repairs an index that went out of step any other way, and with it the typo
    tier's vocabulary (an fts5vocab view of the tracks' index). PostgreSQL's GIN indexes
    follow the rows by themselves; its vocabulary table is recounted from the rows in one
    transaction. Safe while the server runs; writers wait for the rebuild."""
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        if auto.dialect.name == "postgresql":
            await auto.exec_driver_sql("BEGIN")
            try:
                for statement in _RECOUNT_POSTGRESQL:
                    await auto.exec_driver_sql(statement)
            except BaseException:
                await auto.exec_driver_sql("ROLLBACK")
                raise
            await auto.exec_driver_sql("COMMIT")
            await auto.exec_driver_sql("ANALYZE tracks_fts_vocab")
            return
        if auto.dialect.name != "sqlite":
            return
        # Rebuilt, then one segment: a term look-up (every query, ~400 of them for a typo)
        # reads each segment's B-tree; a rebuild leaves several.
        await _fts_commands(auto, ("rebuild", "optimize"))
        await auto.exec_driver_sql("PRAGMA optimize")

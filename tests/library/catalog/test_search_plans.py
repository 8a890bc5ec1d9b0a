"""Query plans that must not depend on luck: what SQLite's planner does with the statistics a
big library gives it (written into sqlite_stat1, as ANALYZE would leave them)."""

from __future__ import annotations

import sqlite3
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from tests.accounts.factories import bearer, register
from tonearm.kit.db import reader_of

# A million tracks of one owner, half of them public, none naming an album artist: what
# ANALYZE wrote (bench/search.py's library), with the old full index on tracks.album_artist_id
# (every row holds the one value NULL).
STATS = [
    ("tracks", "sqlite_autoindex_tracks_1", "1000000 1"),
    ("tracks", "ix_tracks_owner_created", "1000000 1000000 4292"),
    ("tracks", "ix_tracks_visibility_created", "1000000 500000 2146"),
    ("tracks", "ix_tracks_owner_audio_digest", "1000000 1000000 1000000"),
    ("tracks", "sqlite_autoindex_tracks_2", "1000000 1000000 1"),  # (owner_id, content_hash)
    ("tracks", "sqlite_autoindex_tracks_3", "1000000 1000000 1000000"),  # (root_id, path)
    ("tracks", "ix_tracks_album_listing", "1000000 11 6 6 6"),
    ("tracks", "ix_tracks_listing", "1000000 1 1 1 1"),
    ("tracks", "ix_tracks_title_key", "1000000 2"),
    ("tracks", "ix_tracks_album_artist_id", "1000000 1000000"),
    ("track_artists", "ix_track_artists_artist_track", "1200000 40 1"),
    ("artists", "sqlite_autoindex_artists_2", "25000 1"),
]


async def test_an_artist_search_never_scans_every_track(
    client: httpx.AsyncClient, state: Any, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's planner")
    h = bearer(await register(client))
    statements: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, stmt: str, params: Any, ctx: Any, many: bool) -> None:
        if "artists_prefix" in stmt:
            statements.append((stmt, params))

    engine = reader_of(state.db.engine)  # where search's statements run
    event.listen(engine, "before_cursor_execute", grab)
    try:
        r = await client.get("/api/v1/search", params={"q": "haji"}, headers=h)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    assert r.status_code == 200, r.text
    stmt, params = statements[0]

    con = sqlite3.connect(make_url(database_url).database or "")
    try:
        con.execute("ANALYZE")  # makes sqlite_stat1
        con.execute("DELETE FROM sqlite_stat1")
        # An index over the rows that have an album artist has none to describe: ANALYZE
        # writes no row for it.
        full = {
            name
            for name, sql in con.execute("SELECT name, sql FROM sqlite_master WHERE type='index'")
            if sql is None or " WHERE " not in sql.upper()
        }
        con.executemany(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)",
            [s for s in STATS if s[1] in full],
        )
        con.commit()
        con.execute("ANALYZE sqlite_schema")  # load them into this connection's planner
        plan = [row[3] for row in con.execute(f"EXPLAIN QUERY PLAN {stmt}", params)]
    finally:
        con.execute("DELETE FROM sqlite_stat1")
        con.commit()
        con.close()
    assert "SCAN tracks" not in plan, plan
    assert any("ix_tracks_album_artist_id" in step for step in plan), plan
    # The counts read indexes only, never the tracks' or credits' rows (c5d8e1f27a30).
    assert any("COVERING INDEX ix_track_artists_artist_track" in step for step in plan), plan
    assert any("COVERING INDEX ix_tracks_listing" in step for step in plan), plan

"""A scan that changed many tracks leaves the search index merged (`search.index.merge_index`):
on SQLite into one segment (every FTS5 term look-up reads every segment, and the typo tier
makes hundreds of them); on PostgreSQL with no GIN pending list (every look-up reads all of
it)."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio
from tests.library.factories import upload
from tonearm.library.scan import scanner
from tonearm.library.scan.roots import ensure_root
from tonearm.library.scan.scanner import Scanner, ScanOptions
from tonearm.platform.state import AppState


def _varint(data: bytes, i: int) -> tuple[int, int]:
    """SQLite's varint at data[i]: (value, next index)."""
    value = 0
    for n in range(9):
        b = data[i + n]
        if n == 8:
            return (value << 8) | b, i + 9
        value = (value << 7) | (b & 0x7F)
        if b < 0x80:
            return value, i + n + 1
    raise AssertionError("unreachable")


async def _segments(state: AppState) -> int:
    """On PostgreSQL, the pages of the tracks index's pending list (what flushing it moved),
    and 1 when it had none: the same test reads both.

    On SQLite, The tracks index's segment count, from its structure record (fts5_index.c: a 4-byte
    cookie, then the number of levels and the number of segments as varints)."""
    async with state.db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            flush = text("SELECT gin_clean_pending_list('ix_tracks_search')")
            pending = (await conn.execute(flush)).scalar_one()
            await conn.commit()
            return 1 + int(pending)
        block = (
            await conn.execute(text("SELECT block FROM tracks_fts_data WHERE id = 10"))
        ).scalar_one()
    i = 4
    if block[4:8] == b"\xff\x00\x00\x01":  # the v2 structure of contentless-delete tables
        i = 8
    _levels, i = _varint(block, i)
    return _varint(block, i)[0]


async def test_a_large_scan_merges_the_search_index(
    client: httpx.AsyncClient, state: AppState, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = bearer(await register(client))
    for n in range(3):  # one upload, one transaction, one more segment
        song = make_audio(tmp_path / "up" / f"{n}.mp3", "mp3", seconds=0.5, seed=n,
                          tags={"title": f"Uploaded {n}", "artists": ["Merger"]})  # fmt: skip
        assert (await upload(client, h, song)).status_code == 201
    music = tmp_path / "music"
    for n in range(2):
        make_audio(music / f"{n}.flac", "flac", seconds=0.5, seed=10 + n,
                   tags={"title": f"Scanned {n}", "artists": ["Merger"]})  # fmt: skip
    me = (await client.get("/api/v1/me", headers=h)).json()
    async with state.db.session() as s:
        root_id = (await ensure_root(s, music.resolve(), uuid.UUID(me["id"]))).id
    opts = ScanOptions(pool="thread", workers=1, process=False)

    monkeypatch.setattr(scanner, "MERGE_AFTER", 3)  # more than this scan changes
    await Scanner(state.db, root_id, opts).run()
    before = await _segments(state)
    assert before > 1

    make_audio(music / "2.flac", "flac", seconds=0.5, seed=12,
               tags={"title": "Scanned 2", "artists": ["Merger"]})  # fmt: skip
    monkeypatch.setattr(scanner, "MERGE_AFTER", 1)
    report = await Scanner(state.db, root_id, opts).run()
    assert report.added == 1
    assert await _segments(state) == 1
    r = await client.get("/api/v1/search", params={"q": "scaned"}, headers=h)  # the typo tier
    assert sorted(t["title"] for t in r.json()["tracks"]) == ["Scanned 0", "Scanned 1", "Scanned 2"]


async def test_postgresql_keeps_the_search_pending_lists_short(state: AppState) -> None:
    if state.db.engine.dialect.name != "postgresql":
        pytest.skip("a GIN index setting")
    async with state.db.engine.connect() as conn:
        names = "'ix_tracks_search', 'ix_albums_search', 'ix_artists_search'"
        query = f"SELECT relname, reloptions FROM pg_class WHERE relname IN ({names})"
        options = (await conn.execute(text(query))).all()
    assert {name: opts for name, opts in options} == {
        f"ix_{t}_search": ["gin_pending_list_limit=256"] for t in ("tracks", "albums", "artists")
    }

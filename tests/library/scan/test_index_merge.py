"""A scan that changed many tracks leaves the SQLite search index merged into one segment
(`search.index.merge_index`): every FTS5 term look-up reads every segment, and the
typo tier makes hundreds of them."""

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
    """The tracks index's segment count, from its structure record (fts5_index.c: a 4-byte
    cookie, then the number of levels and the number of segments as varints)."""
    async with state.db.engine.connect() as conn:
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
    if state.db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's GIN indexes have no segments to merge")
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

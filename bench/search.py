"""Search latency at scale: p50/p95 of the library search (the same code the API runs) over
100k tracks, and 1M when BENCH_SEARCH_MILLION=1 (or BENCH_SEARCH_SIZES=100000,1000000).
Beside it, the peer: the bare FTS5 MATCH query on the same SQLite file (sqlite3 module), which
is the floor for what the service can do. Goal (issue 4): p95 < 20 ms.

Rows are generated directly in SQL (migrated schema, FTS triggers live) so the data set builds
in seconds; they are cached under /tmp/tonearm-bench-search between runs.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from tonearm.kit.db import Database
from tonearm.kit.migrate import upgrade
from tonearm.kit.text import fold
from tonearm.library.search import Searcher

CACHE = Path(os.environ.get("BENCH_SEARCH_DIR", "/tmp/tonearm-bench-search"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "300"))
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ra",
    "su",
    "ti",
    "vo",
    "ze",
    "ba",
    "do",
    "fe",
    "gu",
    "ha",
    "ji",
    "ru",
    "sa",
    "to",
    "ul",
    "ve",
    "wa",
    "xi",
    "yo",
    "zu",
    "an",
    "el",
    "in",
    "or",
    "ur",
    "qa",
]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def build(path: Path, n: int) -> None:
    if path.exists():
        return
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    upgrade(f"sqlite+aiosqlite:///{tmp}")
    rng = random.Random(n)
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    owner = uuid.uuid4().hex
    con.execute(
        "INSERT INTO users (id, email, username, username_key, role, is_active, created_at,"
        " updated_at) VALUES (?, 'b@e.x', 'bench', 'bench', 'listener', 1, datetime(),"
        " datetime())",
        (owner,),
    )
    artists = [
        (uuid.uuid4().hex, " ".join(word(rng) for _ in range(2)).title()) for _ in range(n // 20)
    ]
    con.executemany(
        "INSERT INTO artists (id, name, sort_name, name_key, search_text, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, datetime(), datetime())",
        [(a, name, fold(name), f"{fold(name)}-{a[:6]}", fold(name)) for a, name in artists],
    )
    albums = []
    for _ in range(n // 10):
        aid, aname = rng.choice(artists)
        title = " ".join(word(rng) for _ in range(rng.randint(1, 3))).title()
        albums.append((uuid.uuid4().hex, title, aid, aname))
    con.executemany(
        "INSERT INTO albums (id, title, title_key, artist_id, search_text, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, datetime(), datetime())",
        [(al, t, f"{fold(t)}-{al[:6]}", aid, fold(f"{t} {an}")) for al, t, aid, an in albums],
    )
    batch: list[tuple[object, ...]] = []
    credits: list[tuple[object, ...]] = []
    for i in range(n):
        al, atitle, aid, aname = rng.choice(albums)
        title = " ".join(word(rng) for _ in range(rng.randint(1, 4))).title()
        tid = uuid.uuid4().hex
        batch.append(
            (
                tid,
                owner,
                "public" if i % 2 else "private",
                "ready",
                title,
                fold(title),
                aname,
                al,
                rng.randint(1, 12),
                180.0,
                "mp3",
                "mp3",
                uuid.uuid4().hex,
                1000,
                fold(f"{title} {aname} {atitle}"),
                "[]",
                "",
            )
        )
        credits.append((tid, aid, 0, "main"))
        if len(batch) >= 20000:
            _flush(con, batch, credits)
    _flush(con, batch, credits)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    tmp.rename(path)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)


def _flush(con: sqlite3.Connection, batch: list, credits: list) -> None:  # type: ignore[type-arg]
    con.executemany(
        "INSERT INTO tracks (id, owner_id, visibility, status, title, title_key, artist_name,"
        " album_id, track_number, duration, codec, container, content_hash, size, search_text,"
        " genres, genre_key, explicit, play_count, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,NULL,0,datetime(),datetime())",
        batch,
    )
    con.executemany(
        "INSERT INTO track_artists (track_id, artist_id, position, role) VALUES (?,?,?,?)", credits
    )
    batch.clear()
    credits.clear()


def queries(rng: random.Random) -> list[str]:
    out = []
    for _ in range(QUERIES):
        w = word(rng)
        k = rng.random()
        if k < 0.5:
            out.append(w[: rng.randint(2, len(w))])  # typing a prefix
        elif k < 0.8:
            out.append(w)
        else:
            out.append(f"{w} {word(rng)[:2]}")
    return out


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] * 1000


async def service_latency(path: Path, qs: list[str]) -> list[float]:
    db = Database(f"sqlite+aiosqlite:///{path}")
    owner = sqlite3.connect(path).execute("SELECT id FROM users").fetchone()[0]
    viewer = uuid.UUID(owner)
    times = []
    async with db.sessionmaker() as s:
        searcher = Searcher(s)
        for q in qs[:10]:
            await searcher.tracks(viewer, q, 10)
        for q in qs:
            t = time.perf_counter()
            await searcher.tracks(viewer, q, 10)
            await searcher.albums(viewer, q, 10)
            await searcher.artists(viewer, q, 10)
            times.append(time.perf_counter() - t)
    await db.dispose()
    return times


def peer_latency(path: Path, qs: list[str]) -> list[float]:
    con = sqlite3.connect(path)
    times = []
    for q in qs:
        terms = " ".join(f'"{t}"*' for t in fold(q).split())
        t = time.perf_counter()
        for table in ("tracks", "albums", "artists"):
            con.execute(
                f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ? LIMIT 200", (terms,)
            ).fetchall()
        times.append(time.perf_counter() - t)
    con.close()
    return times


def main() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    sizes = [int(x) for x in os.environ.get("BENCH_SEARCH_SIZES", "100000").split(",")]
    if os.environ.get("BENCH_SEARCH_MILLION") == "1" and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    for n in sizes:
        path = CACHE / f"search-{n}.db"
        t = time.perf_counter()
        build(path, n)
        built = time.perf_counter() - t
        qs = queries(random.Random(7))
        ours = asyncio.run(service_latency(path, qs))
        peer = peer_latency(path, qs)
        label = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
        print(f"search.{label}.build {built:.1f} s")
        print(f"search.{label}.p50 {pct(ours, 50):.2f} ms  (tracks+albums+artists, sqlite)")
        print(f"search.{label}.p95 {pct(ours, 95):.2f} ms  (goal < 20)")
        print(
            f"search.{label}.peer_fts5_p50 {pct(peer, 50):.2f} ms"
            "  (bare FTS5 MATCH of 200 candidates x3 tables, same file)"
        )
        print(f"search.{label}.peer_fts5_p95 {pct(peer, 95):.2f} ms")


if __name__ == "__main__":
    main()

"""Search latency at scale: p50/p95 of `GET /api/v1/search` over 100k tracks, and 1M when
BENCH_SEARCH_MILLION=1 (or BENCH_SEARCH_SIZES=100000,1000000). Goal (issue 4): p95 < 20 ms;
issue 10 (typo-tolerant search): p95 < 10 ms at 1M tracks, typos included.

Two query sets: `queries` (typed prefixes, whole words, two words: what the exact tiers
answer) and `typo` (a title's longest word with one letter missing, extra, changed or two
swapped, alone or beside another word of the title: what reaches the fuzzy tier unless the
misspelling happens to be a word of the index too). For the typo set the script also prints
how often the track the typo was made from is among the results (`found`).

Two figures per size:
- `service`: everything the endpoint does (tracks, albums and artists with their counts,
  loves, signed artwork URLs, the JSON body) in-process, as the owner of every track;
- `http`: the real server (`tonearm serve`, one worker) over HTTP with keep-alive, as a
  signed-in listener who sees the public half, one request at a time, from Python (httpx:
  its own 2-3 ms per request are in the figure);
- `wrk` (when wrk is installed): the same requests from wrk, one connection, for 10 s: the
  server's latency without the Python client's.
Beside them, the peer: the bare FTS5 MATCH query on the same SQLite file (sqlite3 module),
the floor for what any search over this data can cost.

When PostgreSQL answers at BENCH_PG_URL (default: the local test server), the same rows are
copied into a database of their own and the `http` figure is taken again on PostgreSQL, for
the sizes in BENCH_SEARCH_PG_SIZES (default 100000). Set BENCH_PG_URL= to skip it.

Rows are generated directly in SQL (migrated schema, FTS triggers live) so the data set builds
in seconds; they are cached under /tmp/tonearm-bench-search between runs.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from _server import serve

from tonearm.kit.db import Database
from tonearm.kit.storage.local import LocalStorage
from tonearm.kit.text import fold
from tonearm.library.catalog.service import LibraryService
from tonearm.library.search.index import merge_index
from tonearm.platform.migrate import upgrade

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


def misspell(rng: random.Random, w: str) -> str:
    i = rng.randrange(1, len(w) - 1)  # not the first letter: people rarely get that wrong
    kind = rng.randrange(4)
    if kind == 0:
        return w[:i] + w[i + 1 :]
    if kind == 1:
        return w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if kind == 2:
        return w[:i] + letter + w[i + 1 :]
    return w[:i] + letter + w[i:]


def typo_queries(path: Path, n: int, rng: random.Random) -> list[tuple[str, str]]:
    """(query, title) pairs: a public track's title with its longest word misspelt."""
    con = sqlite3.connect(path)
    out: list[tuple[str, str]] = []
    while len(out) < QUERIES:
        row = con.execute(
            "SELECT title FROM tracks WHERE rowid = ? AND visibility = 'public'",
            (rng.randint(1, n),),
        ).fetchone()
        if row is None:
            continue
        words = fold(row[0]).split()
        longest = max(words, key=len)
        if len(longest) < 5:
            continue
        q = misspell(rng, longest)
        others = [w for w in words if w != longest]
        if others and rng.random() < 0.5:
            q = f"{q} {rng.choice(others)}"
        out.append((q, row[0]))
    con.close()
    return out


async def merged(url: str) -> None:
    db = Database(url)
    try:
        await merge_index(db.engine)
    finally:
        await db.dispose()


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] * 1000


async def service_latency(
    path: Path, qs: list[str], scratch: Path, expect: list[str] | None = None
) -> tuple[list[float], float]:
    """Per-query times, and the share of queries whose `expect` title was found."""
    db = Database(f"sqlite+aiosqlite:///{path}")
    owner = sqlite3.connect(path).execute("SELECT id FROM users WHERE username = 'bench'")
    viewer = uuid.UUID(owner.fetchone()[0])
    storage = LocalStorage(scratch, secret="bench-" * 6)
    times = []
    found = 0
    async with db.sessionmaker() as s:
        svc = LibraryService(s, storage)
        for q in qs[:10]:
            await svc.search(viewer, q, 10)
        gc.collect()
        gc.freeze()  # as the server does once it has started (see app.lifespan)
        for i, q in enumerate(qs):
            t = time.perf_counter()
            res = await svc.search(viewer, q, 10)
            res.model_dump_json()
            times.append(time.perf_counter() - t)
            if expect is not None:
                found += expect[i] in {x.title for x in res.tracks}
    await db.dispose()
    gc.unfreeze()
    return times, found / len(qs)


def http_latency(path: Path, qs: list[str]) -> tuple[list[float], dict[str, float] | None]:
    with serve(workers=1, TONEARM_DATABASE_URL=f"sqlite+aiosqlite:///{path}") as (base, _):
        return _timed_requests(base, qs)


def _timed_requests(base: str, qs: list[str]) -> tuple[list[float], dict[str, float] | None]:
    """httpx's times per request, and wrk's p50 and p95 (ms) when wrk is installed."""
    times = []
    with httpx.Client(base_url=base, timeout=30) as client:
        client.headers["Authorization"] = f"Bearer {_listener(client)}"
        for q in qs[:10]:
            client.get("/api/v1/search", params={"q": q}).raise_for_status()
        for q in qs:
            t = time.perf_counter()
            client.get("/api/v1/search", params={"q": q}).raise_for_status()
            times.append(time.perf_counter() - t)
        wrk = _wrk_latency(base, client.headers["Authorization"], qs)
    return times, wrk


_WRK_SCRIPT = """
local paths = {%s}
local i = 0
wrk.headers["Authorization"] = "%s"
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("p50 %%.3f\\n", latency:percentile(50) / 1000))
  io.write(string.format("p95 %%.3f\\n", latency:percentile(95) / 1000))
  io.write(string.format("errors %%d\\n", summary.errors.status + summary.errors.connect))
end
"""


def _listener(client: httpx.Client) -> str:
    name = f"bench{uuid.uuid4().hex[:8]}"
    r = client.post(
        "/api/v1/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": "bench-pass-1"},
    )
    r.raise_for_status()
    return str(r.json()["access_token"])


def _wrk_latency(base: str, authorization: str, qs: list[str]) -> dict[str, float] | None:
    if shutil.which("wrk") is None:
        return None
    paths = ",".join(f'"/api/v1/search?q={quote(q)}"' for q in qs)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(_WRK_SCRIPT % (paths, authorization))
        script.flush()
        out = subprocess.run(
            ["wrk", "-t1", "-c1", "-d10s", "-s", script.name, base],
            capture_output=True, text=True, check=True, timeout=60,
        ).stdout  # fmt: skip
    figures = dict(line.split() for line in out.splitlines() if line[:3] in ("p50", "p95", "err"))
    if int(figures.get("errors", "1")) != 0:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    return {k: float(v) for k, v in figures.items() if k != "errors"}


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


PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
PG_TABLES = ("users", "artists", "albums", "tracks", "track_artists")


async def pg_build(sqlite_path: Path, n: int) -> str | None:
    """A PostgreSQL copy of the SQLite data set (same rows), or None when PostgreSQL is not
    there. Cached: a database that already holds n tracks is reused."""
    import asyncpg
    from sqlalchemy.engine import make_url

    if not PG_URL:
        return None
    admin_dsn = make_url(PG_URL).set(drivername="postgresql")
    name = f"tonearm_bench_search_{n}"
    try:
        admin = await asyncio.wait_for(
            asyncpg.connect(admin_dsn.render_as_string(hide_password=False)), 3
        )
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return None
    dsn = admin_dsn.set(database=name).render_as_string(hide_password=False)
    url = admin_dsn.set(drivername="postgresql+asyncpg", database=name)
    url_text = url.render_as_string(hide_password=False)
    try:
        if await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            conn = await asyncpg.connect(dsn)
            try:
                if await conn.fetchval("SELECT count(*) FROM tracks") == n:
                    await asyncio.to_thread(upgrade, url_text)  # a newer schema, if any
                    return url_text
            finally:
                await conn.close()
            await admin.execute(f'DROP DATABASE "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    await asyncio.to_thread(upgrade, url_text)
    src = sqlite3.connect(sqlite_path)
    conn = await asyncpg.connect(dsn)
    try:
        for table in PG_TABLES:
            types = {
                r["column_name"]: r["data_type"]
                for r in await conn.fetch(
                    "SELECT column_name, data_type FROM information_schema.columns"
                    " WHERE table_name = $1 AND is_generated = 'NEVER'",
                    table,
                )
            }
            cur = src.execute(f"SELECT * FROM {table}")
            cols = [d[0] for d in cur.description if d[0] in types]
            convert = [_pg_value(types[c]) for c in cols]
            index = [d[0] for d in cur.description].index
            picks = [index(c) for c in cols]
            while batch := cur.fetchmany(20000):
                records = [
                    tuple(f(row[i]) for f, i in zip(convert, picks, strict=True)) for row in batch
                ]
                await conn.copy_records_to_table(table, records=records, columns=cols)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
        src.close()
    return url_text


def _pg_value(data_type: str) -> Any:
    import datetime as dt

    if data_type == "uuid":
        return lambda v: uuid.UUID(v) if v is not None else None
    if data_type.startswith("timestamp"):
        return lambda v: (
            dt.datetime.fromisoformat(v).replace(tzinfo=dt.UTC) if v is not None else None
        )
    if data_type == "boolean":
        return lambda v: bool(v) if v is not None else None
    return lambda v: v


def _print_wrk(prefix: str, wrk: dict[str, float] | None) -> None:
    if wrk is None:
        print(f"{prefix}wrk skipped (no wrk on PATH)")
        return
    print(f"{prefix}wrk.p50 {wrk['p50']:.2f} ms  (wrk, one connection: no Python client)")
    print(f"{prefix}wrk.p95 {wrk['p95']:.2f} ms  (goal < 10)")


def main() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    sizes = [int(x) for x in os.environ.get("BENCH_SEARCH_SIZES", "100000").split(",")]
    if os.environ.get("BENCH_SEARCH_MILLION") == "1" and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    for n in sizes:
        path = CACHE / f"search-{n}.db"
        t = time.perf_counter()
        build(path, n)
        upgrade(f"sqlite+aiosqlite:///{path}")  # a cached file gets a newer schema, if any
        asyncio.run(merged(f"sqlite+aiosqlite:///{path}"))  # as a scan of these rows leaves it
        built = time.perf_counter() - t
        typos = typo_queries(path, n, random.Random(11))
        sets = {"": queries(random.Random(7)), "typo.": [q for q, _ in typos]}
        label = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
        print(f"search.{label}.build {built:.1f} s")
        for kind, qs in sets.items():
            expect = [title for _, title in typos] if kind else None
            with tempfile.TemporaryDirectory() as scratch:
                ours, found = asyncio.run(service_latency(path, qs, Path(scratch), expect))
            http, wrk = http_latency(path, qs)
            for name, values in (("service", ours), ("http", http)):
                print(f"search.{label}.{kind}{name}.p50 {pct(values, 50):.2f} ms")
                print(f"search.{label}.{kind}{name}.p95 {pct(values, 95):.2f} ms  (goal < 10)")
            _print_wrk(f"search.{label}.{kind}", wrk)
            if kind:
                print(f"search.{label}.{kind}found {found:.0%}  (misspelt track among the results)")
        peer = peer_latency(path, sets[""])
        print(
            f"search.{label}.peer_fts5_p50 {pct(peer, 50):.2f} ms"
            "  (bare FTS5 MATCH of 200 candidates x3 tables, same file)"
        )
        print(f"search.{label}.peer_fts5_p95 {pct(peer, 95):.2f} ms")
        if str(n) in os.environ.get("BENCH_SEARCH_PG_SIZES", "100000").split(","):
            t = time.perf_counter()
            pg = asyncio.run(pg_build(path, n))
            if pg is None:
                print(f"search.{label}.postgres skipped (no server at BENCH_PG_URL)")
                continue
            asyncio.run(merged(pg))  # as a scan of these rows leaves it: no GIN pending list
            print(f"search.{label}.postgres.build {time.perf_counter() - t:.1f} s")
            with serve(workers=1, TONEARM_DATABASE_URL=pg) as (base, _):
                for kind, qs in sets.items():
                    http, wrk = _timed_requests(base, qs)
                    print(f"search.{label}.postgres.{kind}http.p50 {pct(http, 50):.2f} ms")
                    print(
                        f"search.{label}.postgres.{kind}http.p95 {pct(http, 95):.2f} ms"
                        "  (goal < 10)"
                    )
                    _print_wrk(f"search.{label}.postgres.{kind}", wrk)


if __name__ == "__main__":
    main()

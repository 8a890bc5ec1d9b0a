"""Importing a 10,000-entry M3U8 through the API (issue 11): parse and match, goal < 3 s.

The library: the search benchmark's generated database (`search.build`) at 20,000 tracks, of
which the signed-in listener may see the public 10,000. The file: one `#EXTINF` line and one
Windows path per visible track, in a shuffled order, a tenth of them with a typo in the title
and a tenth naming a song the library does not have. Timed over HTTP against `tonearm serve`
(one worker): `POST /api/v1/playlists/import?preview=true` (parse and match, nothing saved)
and the same file saved (`preview=false`: parse, match and write 10,000 items).

The same-machine reference: parsing the same file alone in-process (`formats.parse`), the
floor under any import of it.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
import uuid

import httpx
from _server import serve
from search import CACHE, build

from tonearm.playlists.formats import parse

LIBRARY = int(os.environ.get("BENCH_IMPORT_LIBRARY", "20000"))
ENTRIES = int(os.environ.get("BENCH_IMPORT_ENTRIES", "10000"))


def playlist(path: str) -> bytes:
    rng = random.Random(3)
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT t.title, t.artist_name, a.title, t.duration FROM tracks t"
        " JOIN albums a ON a.id = t.album_id WHERE t.visibility = 'public'"
    ).fetchall()
    con.close()
    rng.shuffle(rows)
    lines = ["#EXTM3U", "#PLAYLIST:Bench import"]
    for i in range(ENTRIES):
        title, artist, album, duration = rows[i % len(rows)]
        if i % 10 == 1:
            title = title[:-1] if len(title) > 6 else title
        elif i % 10 == 2:
            title, artist = f"Unknown Song {i}", f"Nobody {i}"
        lines.append(f"#EXTINF:{int(duration)},{artist} - {title}")
        lines.append(f"C:\\Users\\me\\Music\\{artist}\\{album}\\{i:05d} {title}.mp3")
    return ("\r\n".join(lines) + "\r\n").encode()


def main() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    db = CACHE / f"tracks-{LIBRARY}.db"
    build(db, LIBRARY)
    body = playlist(str(db))
    started = time.perf_counter()
    parsed = parse(body, "bench.m3u8")
    parse_s = time.perf_counter() - started
    print(f"file: {len(parsed[0].entries):,} entries, {len(body) / 2**20:.1f} MiB")
    with (
        serve(workers=1, TONEARM_DATABASE_URL=f"sqlite+aiosqlite:///{db}") as (base, _),
        httpx.Client(base_url=base, timeout=120) as client,
    ):
        name = f"bench{uuid.uuid4().hex[:8]}"
        r = client.post(
            "/api/v1/auth/register",
            json={"email": f"{name}@example.com", "username": name, "password": "bench-pass-1"},
        )
        r.raise_for_status()
        client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        files = {"file": ("bench.m3u8", body, "audio/x-mpegurl")}
        timings: dict[str, float] = {}
        for label, preview in (("preview (parse + match)", "true"), ("save", "false")):
            started = time.perf_counter()
            r = client.post("/api/v1/playlists/import", params={"preview": preview}, files=files)
            timings[label] = time.perf_counter() - started
            r.raise_for_status()
            if preview == "true":
                counts = r.json()["playlists"][0]["counts"]
                print(f"buckets: {counts}")
    for label, seconds in timings.items():
        print(f"import {label}: {seconds:.2f} s   goal < 3 s")
    print(f"reference, parsing the file alone in-process: {parse_s:.2f} s")


if __name__ == "__main__":
    main()

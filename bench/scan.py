"""Folder scan speed: a first scan and a no-change rescan of 10,000 tagged files, against
mutagen alone reading the same tags in one process (the physical limit of tag reading).

The files are synthesized once into /tmp/tonearm-bench-scan-<N>/ and reused: five short
bodies (3 MP3, 2 FLAC) encoded with PyAV, copied and re-tagged with mutagen (distinct title,
artist, album, track number), ten tracks per album folder, five albums per artist.

Prints `name value unit` lines:
    scan.files                   files in the tree
    scan.mutagen_alone_rate      files/s: mutagen.File + the same fields, one process
    scan.initial_rate            tracks/s: first scan into a fresh SQLite DB, processing off
    scan.ratio_vs_mutagen        initial_rate / mutagen_alone_rate (goal >= 0.7)
    scan.initial_seconds         wall time of that first scan (goal at 100k files: < 60 s)
    scan.initial_rate_threads    tracks/s: the same scan reading tags in threads, not processes
    scan.rescan_seconds          a rescan with nothing changed (goal < 2 s)

Both sides run BENCH_RUNS times (default 3), back to back in each round, and the median
counts (each line also gives the lowest and highest). Env: BENCH_FILES (default 10000),
BENCH_WORKERS (default: as the scan_workers setting, one fewer than cores; "1,2" runs a
first scan with each in every round), BENCH_THREADS=0 skips the thread-pool run,
The scan.cpu_* lines and scan.ratio_idle_estimate_* come from CPU time (see _cpu_figures).
BENCH_PROFILE=1 prints a cProfile of the main process during the first scan (BENCH_SORT=tottime
to sort by own time).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tonearm.config import default_scan_workers  # noqa: E402

FILES = int(os.environ.get("BENCH_FILES", "10000"))
WORKERS = [int(w) for w in os.environ.get("BENCH_WORKERS", str(default_scan_workers())).split(",")]
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PER_ALBUM = 10
ALBUMS_PER_ARTIST = 5
BODIES = (("mp3", 1), ("mp3", 2), ("mp3", 3), ("flac", 4), ("flac", 5))


def tree(n: int) -> Path:
    """The cached file tree for `n` files (built on first use)."""
    base = Path(tempfile.gettempdir()) / f"tonearm-bench-scan-{n}"
    done = base / ".complete"
    if done.exists():
        return base / "music"
    from tests.audio_fixtures import tag_file, write_signal

    shutil.rmtree(base, ignore_errors=True)
    bodies = base / "bodies"
    bodies.mkdir(parents=True)
    raw: list[tuple[str, bytes]] = []
    for fmt, seed in BODIES:
        path = write_signal(bodies / f"{seed}.{fmt}", fmt, seconds=1.5, seed=seed)
        if fmt == "mp3":  # the muxer's own ID3 tag: start from none
            from mutagen.id3 import ID3, ID3NoHeaderError

            with contextlib.suppress(ID3NoHeaderError):
                ID3(path).delete(path)
        raw.append((fmt, path.read_bytes()))
    music = base / "music"
    for i in range(n):
        album_no, track_no = divmod(i, PER_ALBUM)
        artist_no = album_no // ALBUMS_PER_ARTIST
        fmt, body = raw[i % len(raw)]
        artist = f"Artist {artist_no:04d}"
        album = f"Album {album_no:05d}"
        folder = music / artist / f"{2000 + album_no % 25} - {album}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{track_no + 1:02d} - Song {i:05d}.{fmt}"
        path.write_bytes(body)
        tag_file(
            path,
            fmt,
            {
                "title": f"Song {i:05d}",
                "artists": [artist],
                "album": album,
                "album_artist": artist,
                "track_number": track_no + 1,
                "track_total": PER_ALBUM,
                "date": str(2000 + album_no % 25),
                "genres": ["Bench Rock"],
            },
        )
    done.write_text(str(n))
    return music


# --- the reference: mutagen alone ---------------------------------------------------------


def mutagen_alone(paths: list[str]) -> float:
    """files/s for mutagen.File plus reading the fields the scanner maps, in one process."""
    import mutagen

    fields = ("TIT2", "TPE1", "TPE2", "TALB", "TRCK", "TPOS", "TDRC", "TCON")
    vorbis = ("title", "artist", "albumartist", "album", "tracknumber", "discnumber", "date")
    start = time.perf_counter()
    sink = 0
    for path in paths:
        audio = mutagen.File(path)
        info = audio.info
        sink += int(info.length + info.bitrate + info.sample_rate + info.channels)
        tags = audio.tags
        names = fields if hasattr(tags, "getall") else vorbis
        for name in names:
            value = tags.get(name) if tags is not None else None
            sink += len(str(value)) if value else 0
    elapsed = time.perf_counter() - start
    assert sink > 0
    return len(paths) / elapsed


# --- the scanner --------------------------------------------------------------------------


async def _scan(
    url: str,
    music: Path,
    pool: Literal["process", "thread"],
    profile: bool = False,
    workers: int = WORKERS[0],
) -> tuple[Any, float]:
    from sqlalchemy import select

    from tonearm.kit.db import Database
    from tonearm.library.scan.roots import ensure_root
    from tonearm.library.scan.scanner import Scanner, ScanOptions
    from tonearm.models.accounts import Role, User

    db = Database(url)
    try:
        async with db.session() as s:
            user = await s.scalar(select(User).where(User.username_key == "bench"))
            if user is None:
                user = User(
                    id=uuid.uuid4(), username="bench", username_key="bench", role=Role.admin
                )
                s.add(user)
                await s.flush()
            root = await ensure_root(s, music, user.id)
            root_id = root.id
        scanner = Scanner(db, root_id, ScanOptions(workers=workers, pool=pool, process=False))
        start = time.perf_counter()
        if profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            report = await scanner.run()
            prof.disable()
            pstats.Stats(prof, stream=sys.stderr).sort_stats(
                os.environ.get("BENCH_SORT", "cumulative")
            ).print_stats(45)
        else:
            report = await scanner.run()
        return report, time.perf_counter() - start
    finally:
        await db.dispose()


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _span(values: list[float], fmt: str) -> str:
    return f"{format(min(values), fmt)}-{format(max(values), fmt)} over {len(values)} runs"


def _cpu_figures(paths: list[str], music: Path, writer_cpu: list[float]) -> None:
    """CPU per file, which other load on the machine moves far less than wall time: mutagen
    alone, a reader (`read_files`, in this process) and the scanning process (writer,
    database thread, pool plumbing; median over the first scans). From them, the ratio to
    mutagen alone the scan would reach with the machine to itself, for each reader count:
    the time per file is the longest of a reader's share, the writer's, and the CPU of
    both spread over the cores."""
    from tonearm.library.scan.files import read_files

    sample = paths[: min(len(paths), 3000)]
    rels = [os.path.relpath(p, music) for p in sample]
    cpu = time.process_time()
    mutagen_alone(sample)
    ref = (time.process_time() - cpu) / len(sample)
    cpu = time.process_time()
    for i in range(0, len(rels), 40):
        read_files(str(music), rels[i : i + 40])
    reader = (time.process_time() - cpu) / len(sample)
    writer = _median(writer_cpu) / len(paths)
    cores = os.cpu_count() or 1
    print(f"scan.cpu_mutagen_alone {ref * 1e6:.0f} us/file")
    print(f"scan.cpu_reader {reader * 1e6:.0f} us/file")
    print(f"scan.cpu_writer {writer * 1e6:.0f} us/file")
    for n in sorted({1, *WORKERS, cores}):
        per_file = max(reader / n, writer, (reader + writer) / min(cores, n + 1))
        print(f"scan.ratio_idle_estimate_{n}_readers {ref / per_file:.2f} ratio")


def fresh_db(tmp: Path, name: str) -> str:
    from tonearm.platform.migrate import upgrade

    url = f"sqlite+aiosqlite:///{tmp / name}"
    upgrade(url)
    return url


def main() -> None:
    from cryptography.fernet import Fernet

    from tonearm.kit import crypto

    crypto.configure([Fernet.generate_key().decode()])  # users.phone is an encrypted column
    music = tree(FILES)
    paths = sorted(str(p) for p in music.rglob("*") if p.suffix in (".mp3", ".flac"))
    print(f"scan.files {len(paths)} files")
    mutagen_alone(paths[:200])  # warm the page cache and the imports
    profile = os.environ.get("BENCH_PROFILE") == "1"
    refs: list[float] = []
    rates: dict[int, list[tuple[float, float]]] = {w: [] for w in WORKERS}  # (rate, ratio)
    seconds: dict[int, list[float]] = {w: [] for w in WORKERS}
    writer_cpu: list[float] = []  # the scanning process's CPU seconds (readers excluded)
    with tempfile.TemporaryDirectory(prefix="bench-scan-db-") as tmpdir:
        tmp = Path(tmpdir)
        url = ""
        # Back to back in each round (the same load on both sides), the median of RUNS.
        for run in range(RUNS):
            ref = mutagen_alone(paths)
            refs.append(ref)
            for workers in WORKERS:
                url = fresh_db(tmp, f"scan-{run}-{workers}.db")
                cpu = time.process_time()
                report, elapsed = asyncio.run(
                    _scan(url, music, "process", profile and run == 0, workers)
                )
                writer_cpu.append(time.process_time() - cpu)
                assert report.added == len(paths), report
                rates[workers].append((report.added / elapsed, report.added / elapsed / ref))
                seconds[workers].append(elapsed)
                print(
                    f"# round {run + 1}: mutagen {ref:.0f} files/s, {workers} reader(s) "
                    f"{report.added / elapsed:.0f} tracks/s in {elapsed:.1f} s",
                    file=sys.stderr,
                )
        print(f"scan.mutagen_alone_rate {_median(refs):.0f} files/s ({_span(refs, '.0f')})")
        for workers in WORKERS:
            suffix = "" if workers == WORKERS[0] else f"_{workers}_readers"
            rate = [r for r, _ in rates[workers]]
            ratio = [q for _, q in rates[workers]]
            span = f"{_span(rate, '.0f')}; {workers} reader(s)"
            print(f"scan.initial_rate{suffix} {_median(rate):.0f} tracks/s ({span})")
            print(f"scan.ratio_vs_mutagen{suffix} {_median(ratio):.2f} ({_span(ratio, '.2f')})")
            secs = seconds[workers]
            print(f"scan.initial_seconds{suffix} {_median(secs):.1f} s ({_span(secs, '.1f')})")
        _cpu_figures(paths, music, writer_cpu)
        if os.environ.get("BENCH_THREADS", "1") != "0":
            url2 = fresh_db(tmp, "scan-threads.db")
            report2, elapsed2 = asyncio.run(_scan(url2, music, "thread"))
            assert report2.added == len(paths), report2
            print(f"scan.initial_rate_threads {report2.added / elapsed2:.0f} tracks/s")
        rescans = []
        for _ in range(RUNS):
            rescan, rescan_elapsed = asyncio.run(_scan(url, music, "process"))
            assert rescan.added == 0 and rescan.updated == 0 and rescan.read == 0, rescan
            rescans.append(rescan_elapsed)
        print(f"scan.rescan_seconds {_median(rescans):.2f} s ({_span(rescans, '.2f')})")


if __name__ == "__main__":
    main()

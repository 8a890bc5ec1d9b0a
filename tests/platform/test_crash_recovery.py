"""kill -9: a real `tonearm serve` killed mid-upload (a slow streamed body) and mid-job (a
track being processed in its process pool) leaves, after a restart and the sweeps it runs at
start, no orphan file, no row without its files, and every job finished once; no child
process of the killed server survives it."""

from __future__ import annotations

import contextlib
import socket
import sys
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.audio_fixtures import make_audio
from tests.served import Served, served
from tonearm.kit.db import Database
from tonearm.models.jobs import Job
from tonearm.models.library import Track

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

GIVE_UP = 120.0  # seconds to wait for anything the server does (two shared cores)


def _children(ppid: int) -> set[int]:
    """Every live descendant of `ppid` (from /proc; zombies count as dead)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {ppid}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _described(pids: Iterable[int]) -> list[str]:
    out = []
    for pid in pids:
        with contextlib.suppress(OSError):
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            out.append(f"{pid}: {cmd[:200]}")
    return out


def _wait(what: str, check, give_up: float = GIVE_UP):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + give_up
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def _start_slow_upload(server: Served, token: str) -> socket.socket:
    """An upload whose body stops half-way and stays open, as a slow client's would."""
    boundary = "slowb0undary"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="files"; filename="slow.mp3"\r\n'
        "Content-Type: audio/mpeg\r\n\r\n"
    ).encode()
    s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    s.sendall(
        b"POST /api/v1/library/uploads HTTP/1.1\r\nHost: x\r\n"
        + f"Authorization: Bearer {token}\r\n".encode()
        + f"Content-Type: multipart/form-data; boundary={boundary}\r\n".encode()
        + b"Content-Length: 50000000\r\n\r\n"
        + head
        + b"\xff\xfb" * 300_000
    )
    return s


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


async def _rows(url: str) -> tuple[list[Track], list[Job]]:
    db = Database(url)
    try:
        async with db.session() as s:
            tracks = list((await s.execute(select(Track))).scalars())
            jobs = list((await s.execute(select(Job))).scalars())
            return tracks, jobs
    finally:
        await db.dispose()


def test_kill_9_mid_upload_and_mid_job_leaves_nothing_behind(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    tmp = tmp_path_factory.mktemp("crash")
    song = make_audio(tmp / "long.flac", "flac", seconds=60.0, tags={"title": "Long"})
    with served(
        tmp,
        sweep_grace_seconds="2",
        job_stale_after_seconds="3",
        process_pool_size="1",
        job_workers="1",
    ) as server:
        media, temp = server.data_dir / "media", server.data_dir / "tmp"
        with httpx.Client(base_url=server.url, timeout=60) as http:
            r = http.post(
                "/api/v1/auth/register",
                json={"email": "c@example.com", "username": "crash", "password": "x" * 12},
            )
            assert r.status_code == 201, r.text
            token = r.json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            r = http.post(
                "/api/v1/library/uploads",
                headers=auth,
                files=[("files", ("long.flac", song.read_bytes(), "audio/flac"))],
            )
            assert r.status_code == 201, r.text
            job_id = r.json()["items"][0]["job_id"]
            track_id = r.json()["items"][0]["track"]["id"]
            _wait(
                "the job to run in the pool",
                lambda: (
                    http.get(f"/api/v1/jobs/{job_id}", headers=auth).json()["status"] == "running"
                    # the fork server, its pool worker (and multiprocessing's resource tracker)
                    and len(_children(server.proc.pid)) >= 3
                ),  # type: ignore[union-attr]
            )
        slow = _start_slow_upload(server, token)
        _wait("the slow upload's temp file", lambda: _files(temp / "uploads"))
        # What a kill between an upload's storage write and its commit leaves (that window
        # is too narrow to hit): an original no row owns, and a storage write cut short.
        orphan = media / "tracks" / str(uuid.uuid4()) / str(uuid.uuid4()) / "original.mp3"
        orphan.parent.mkdir(parents=True)
        orphan.write_bytes(b"\xff\xfb" * 1000)
        partial = media / "hls" / ".tonearm-tmp-crash.part"
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(b"half")

        children = _children(server.proc.pid)  # type: ignore[union-attr]
        assert children, "the server had started no worker process"
        server.kill()
        slow.close()
        try:
            _wait("the killed server's children to die", lambda: not any(map(_alive, children)))
        except AssertionError:
            raise AssertionError(f"still running: {_described(p for p in children if _alive(p))}")

        assert _files(temp / "uploads"), "the crash left no upload temp file to sweep"
        server.start()

        def settled() -> bool:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                job = http.get(f"/api/v1/jobs/{job_id}", headers=auth).json()
            return (
                job["status"] == "succeeded"
                and not _files(temp / "uploads")
                and not orphan.exists()
                and not partial.exists()
            )

        _wait("the job to finish and the sweeps to run", settled)

        def all_done() -> tuple[list[Track], list[Job]] | None:
            tracks, jobs = _sync_rows(server)
            sweeps = [j for j in jobs if j.kind.endswith(("sweep_temp", "sweep_orphans"))]
            finished = all(j.status.value in ("succeeded", "failed", "cancelled") for j in jobs)
            return (tracks, jobs) if finished and len(sweeps) >= 4 else None  # two starts

        tracks, jobs = _wait("every job to finish", all_done)

    # Every job finished, once: the interrupted one ran again and succeeded; none is left.
    assert {j.status.value for j in jobs} == {"succeeded"}, [(j.kind, j.status) for j in jobs]
    process = [j for j in jobs if j.kind == "library.process_track"]
    assert [str(j.id) for j in process] == [job_id]
    assert process[0].attempts >= 2  # claimed before the kill, and once more after it
    # No row without its files.
    assert [str(t.id) for t in tracks] == [track_id]
    track = tracks[0]
    assert track.status.value == "ready"
    assert track.storage_key and (media / track.storage_key).is_file()
    assert track.hls_key and _files(media / track.hls_key)
    assert track.waveform_key and (media / track.waveform_key).is_file()
    # No orphan file: every stored object belongs to the track, no temp file is left.
    stored = [p.relative_to(media).as_posix() for p in _files(media) if ".tonearm" not in str(p)]
    assert stored and all(track_id in key for key in stored), stored
    assert not [p for p in _files(media) if p.name.startswith(".tonearm-tmp-")]
    assert not _files(temp / "uploads") and not _files(temp / "process")


def _sync_rows(server: Served) -> tuple[list[Track], list[Job]]:
    import asyncio

    return asyncio.run(_rows(server.database_url))

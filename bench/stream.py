"""Streaming throughput: 50 concurrent clients pulling 1 MiB ranges of a track's original file
from `tonearm serve` (GET /api/v1/tracks/{id}/audio with Range), from a separate process.
Prints MB/s and the p95 time per range. Reference on the same machine: the same ranged reads
straight from the file in one process (the ceiling set by memory/disk, no HTTP).
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _server import serve

CLIENTS = int(os.environ.get("BENCH_CLIENTS", "50"))
DURATION = float(os.environ.get("BENCH_DURATION", "10"))
RANGE = 1024 * 1024


async def _pull(url: str, headers: dict[str, str], size: int) -> tuple[int, list[float]]:
    total = 0
    times: list[float] = []
    stop = time.monotonic() + DURATION
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as c:

        async def one(seed: int) -> None:
            nonlocal total
            rng = random.Random(seed)
            while time.monotonic() < stop:
                start = rng.randrange(0, max(1, size - RANGE))
                t = time.perf_counter()
                r = await c.get(url, headers={"Range": f"bytes={start}-{start + RANGE - 1}"})
                assert r.status_code == 206, r.status_code
                total += len(r.content)
                times.append(time.perf_counter() - t)

        await asyncio.gather(*(one(i) for i in range(CLIENTS)))
    return total, times


def _driver(url: str, headers: dict[str, str], size: int) -> tuple[int, list[float]]:
    return asyncio.run(_pull(url, headers, size))


WRK_LUA = """
local size = %d
local range = %d
math.randomseed(os.time())
request = function()
  local start = math.random(0, size - range - 1)
  wrk.headers["Range"] = "bytes=" .. start .. "-" .. (start + range - 1)
  wrk.headers["Authorization"] = "Bearer %s"
  return wrk.format("GET", "%s")
end
"""


def wrk_pull(url: str, token: str, size: int) -> tuple[float, float]:
    """(MB/s, p99 ms) with wrk, a C load generator, so the client is not the bottleneck."""
    import re
    import shutil
    import subprocess

    if not shutil.which("wrk"):
        return float("nan"), float("nan")
    path = url.split("//", 1)[1].split("/", 1)[1]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_LUA % (size, RANGE, token, "/" + path))
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CLIENTS}", f"-d{int(DURATION)}s", "--latency", "-s", fh.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(fh.name)
    m = re.search(r"Transfer/sec:\s+([\d.]+)(KB|MB|GB)", out)
    factor = {"KB": 1e-3, "MB": 1.0, "GB": 1e3}
    mbps = float(m.group(1)) * factor[m.group(2)] * 1.048576 if m else float("nan")
    p = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    p99 = float(p.group(1)) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[p.group(2)] if p else float("nan")
    return mbps, p99


def direct_reads(path: Path, seconds: float = 3.0) -> float:
    size = path.stat().st_size
    rng = random.Random(1)
    total = 0
    stop = time.monotonic() + seconds
    t0 = time.perf_counter()
    with open(path, "rb") as fh:
        while time.monotonic() < stop:
            fh.seek(rng.randrange(0, max(1, size - RANGE)))
            total += len(fh.read(RANGE))
    return total / (time.perf_counter() - t0) / 1e6


def main() -> None:
    from tests.audio_fixtures import make_audio

    work = Path(tempfile.mkdtemp(prefix="tonearm-bench-stream-"))
    src = make_audio(work / "five-minutes.wav", "wav", seconds=300.0)  # ~53 MB
    size = src.stat().st_size
    with serve(workers=int(os.environ.get("BENCH_WORKERS", "2"))) as (base, _proc):
        r = httpx.post(
            f"{base}/api/v1/auth/register",
            json={"email": "s@example.com", "username": "streamer", "password": "bench pass 1"},
        )
        token = r.json()["access_token"]
        h = {"Authorization": f"Bearer {token}"}
        with open(src, "rb") as fh:
            up = httpx.post(
                f"{base}/api/v1/library/uploads",
                headers=h,
                files={"files": ("five.wav", fh, "audio/wav")},
                timeout=120,
            )
        up.raise_for_status()
        tid = up.json()["items"][0]["track"]["id"]
        url = f"{base}/api/v1/tracks/{tid}/audio"
        wrk_mbps, wrk_p99 = wrk_pull(url, token, size)
        with mp.get_context("spawn").Pool(1) as pool:
            total, times = pool.apply(_driver, (url, h, size))
    print(f"stream.ranged_throughput_wrk {wrk_mbps:.1f} MB/s  ({CLIENTS} connections, wrk)")
    print(f"stream.range_p99_wrk {wrk_p99:.1f} ms")
    mbps = total / DURATION / 1e6
    p95 = statistics.quantiles(times, n=100)[94] * 1000
    print(
        f"stream.ranged_throughput {mbps:.1f} MB/s  ({CLIENTS} clients, 1 MiB ranges, "
        f"{DURATION:.0f}s)"
    )
    print(f"stream.range_p95 {p95:.1f} ms")
    print(
        f"stream.direct_file_reads {direct_reads(src):.0f} MB/s  (reference: same ranges, "
        "no HTTP, one process)"
    )


if __name__ == "__main__":
    main()

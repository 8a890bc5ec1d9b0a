"""API throughput: `tonearm serve` under load from a separate process (wrk, or an async
httpx driver when wrk is missing). Prints req/s and p50/p95/p99 latency for an authenticated
GET /api/v1/me and for GET /health, and the idle RSS of the server.

Goal (issue 3): >= 2,000 req/s with p99 < 50 ms on a 2-core machine; idle RSS < 150 MB.
Reference on the same machine: wrk against the same server's /health is the ceiling of the
HTTP stack (uvicorn + our middleware); /me adds JWT + one database query.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import rss_mb, serve

DURATION = int(os.environ.get("BENCH_DURATION", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", "1"))

LUA = """
wrk.headers["Authorization"] = "Bearer %s"
"""


def _wrk(url: str, token: str | None) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA % token if token else "")
        script = fh.name
    out = subprocess.run(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}s",
            "--latency",
            "-s",
            script,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script)

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        v = float(m.group(1))
        return {"us": v / 1000, "ms": v, "s": v * 1000}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "rps": rps,
        "p50": ms("50"),
        "p95": float("nan"),
        "p99": ms("99"),
        "p90": ms("90"),
        "errors": float(non2xx.group(1)) if non2xx else 0.0,
    }


async def _httpx_driver(url: str, token: str | None) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    lat: list[float] = []
    errors = 0
    stop = time.monotonic() + DURATION
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(limits=limits, headers=headers, timeout=10) as c:

        async def worker() -> None:
            nonlocal errors
            while time.monotonic() < stop:
                t = time.perf_counter()
                r = await c.get(url)
                lat.append(time.perf_counter() - t)
                if r.status_code != 200:
                    errors += 1

        t0 = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
        elapsed = time.monotonic() - t0
    q = statistics.quantiles(lat, n=100)
    return {
        "rps": len(lat) / elapsed,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
        "errors": float(errors),
    }


def drive(url: str, token: str | None) -> dict[str, float]:
    if shutil.which("wrk"):
        return _wrk(url, token)
    # A separate process, so the driver does not share the server's event loop.
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(_run_httpx, (url, token))


def _run_httpx(url: str, token: str | None) -> dict[str, float]:
    return asyncio.run(_httpx_driver(url, token))


def main() -> None:
    driver = "wrk" if shutil.which("wrk") else "httpx"
    with serve(workers=WORKERS) as (base, proc):
        time.sleep(2)
        with serve(workers=1) as (_b1, p1):
            time.sleep(2)
            print(f"api.idle_rss {rss_mb(p1.pid):.1f} MB  (serve, 1 worker; goal < 150)")
        print(f"api.idle_rss_workers_{WORKERS} {rss_mb(proc.pid):.1f} MB  (supervisor+workers)")
        r = httpx.post(
            f"{base}/api/v1/auth/register",
            json={"email": "bench@example.com", "username": "bench", "password": "bench pass 1"},
        )
        r.raise_for_status()
        token = r.json()["access_token"]
        for name, url, tok in (
            ("health", f"{base}/health", None),
            ("me", f"{base}/api/v1/me", token),
        ):
            res = drive(url, tok)
            print(
                f"api.{name}.rps {res['rps']:.0f} req/s  ({driver}, {CONNECTIONS} conns, "
                f"{DURATION}s, {WORKERS} workers; goal >= 2000)"
            )
            print(f"api.{name}.p50 {res['p50']:.2f} ms")
            if res["p95"] == res["p95"]:
                print(f"api.{name}.p95 {res['p95']:.2f} ms")
            else:
                print(f"api.{name}.p90 {res['p90']:.2f} ms")
            print(f"api.{name}.p99 {res['p99']:.2f} ms  (goal < 50)")
            print(f"api.{name}.errors {res['errors']:.0f} count")


if __name__ == "__main__":
    main()

"""Idle memory: `tonearm serve` with every domain registered, beside the floor of the
third-party stack it is built on (the same libraries imported in a bare interpreter, nothing
of ours), what each domain's face adds, and the heavy libraries that now load only on use.

Issue 8's goal was < 80 MB idle with every domain registered (109.5 MB when it was filed);
the stack floor printed here is what that goal has to be measured against.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import rss_mb, serve

STACK = (
    "fastapi, sqlalchemy.ext.asyncio, sqlalchemy.orm, aiosqlite, uvicorn, structlog, "
    "pydantic_settings, jwt, httpx, limits, prometheus_client"
)
PROBE = """
import importlib, sys
def rss():
    return int([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]) / 1024
import {stack}
base = rss()
for name in sys.argv[1:]:
    importlib.import_module(name)
print(base, rss() - base)
"""


def probe(*modules: str) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(stack=STACK), *modules],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    samples = []
    for _ in range(3):
        with serve(workers=1) as (_base, proc):
            time.sleep(2)
            samples.append(rss_mb(proc.pid))
    floor, _ = probe()
    print(f"memory.idle_rss {min(samples):.1f} MB  (tonearm serve, 1 worker, every domain)")
    print(f"memory.stack_floor {floor:.1f} MB  (reference: the third-party stack alone)")
    print(f"memory.ours {min(samples) - floor:.1f} MB  (idle minus the stack floor)")
    for face in ("tonearm.accounts", "tonearm.library", "tonearm.streaming", "tonearm.listening"):
        name = face.split(".")[1]
        print(f"memory.face.{name} {probe(face)[1]:.1f} MB  (its face alone, on the stack)")
    for lib in ("av", "boto3", "PIL.Image", "croniter", "celery"):
        print(f"memory.lazy.{lib.split('.')[0]} {probe(lib)[1]:.1f} MB  (loaded only when used)")


if __name__ == "__main__":
    main()

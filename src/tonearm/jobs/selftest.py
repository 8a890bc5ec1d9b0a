"""`platform.selftest`: a diagnostic job that exercises the machinery end to end (progress,
retries, the process pool). Used by the tests and handy on a fresh deployment:
enqueue it and watch its events."""

from __future__ import annotations

import asyncio
import hashlib
import os
from typing import Any

from tonearm.jobs.context import JobContext
from tonearm.jobs.registry import job


def burn_cpu(rounds: int) -> dict[str, Any]:
    """A small, deterministic CPU-bound function (runs in the process pool)."""
    digest = b"tonearm"
    for _ in range(rounds):
        digest = hashlib.sha256(digest).digest()
    return {"digest": digest.hex(), "pid": os.getpid()}


@job("platform.selftest", retries=3)
async def selftest(
    ctx: JobContext,
    steps: int = 5,
    delay: float = 0.05,
    fail_times: int = 0,
    cpu: bool = False,
    cpu_rounds: int = 20_000,
) -> dict[str, Any]:
    """Sleep `steps` x `delay` seconds reporting progress; fail the first `fail_times`
    attempts; with `cpu`, hash in the process pool."""
    if ctx.attempt <= fail_times:
        raise RuntimeError(f"selftest failing on purpose (attempt {ctx.attempt})")
    for i in range(steps):
        await asyncio.sleep(delay)
        await ctx.progress((i + 1) / (steps + (1 if cpu else 0)), f"step {i + 1}/{steps}")
    out: dict[str, Any] = {"steps": steps, "attempt": ctx.attempt, "pid": os.getpid()}
    if cpu:
        out["cpu"] = await ctx.run_cpu(burn_cpu, cpu_rounds)
        await ctx.progress(1.0, "cpu done")
    return out

"""Job kinds used only by the tests (registered in the test process's registry)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from tonearm.jobs.context import JobContext
from tonearm.jobs.errors import PermanentJobError
from tonearm.jobs.registry import job

# Per-job gates and observations, keyed by job id.
gates: dict[uuid.UUID, asyncio.Event] = {}
seen: dict[uuid.UUID, dict[str, Any]] = {}


def gate(job_id: uuid.UUID) -> asyncio.Event:
    return gates.setdefault(job_id, asyncio.Event())


@job("tests.noop")
async def noop(ctx: JobContext, value: int = 0) -> dict[str, Any]:
    return {"value": value}


@job("tests.typed")
async def typed(ctx: JobContext, track_id: uuid.UUID, tags: list[str]) -> dict[str, Any]:
    seen[ctx.job_id] = {"track_id": track_id, "tags": tags}
    return {"type": type(track_id).__name__}


@job("tests.permanent", retries=5)
async def permanent(ctx: JobContext) -> None:
    raise PermanentJobError("no point retrying")


@job("tests.gated")
async def gated(ctx: JobContext) -> dict[str, Any]:
    """Reports progress, then waits for the test to open its gate."""
    await ctx.progress(0.5, "waiting for the gate")
    await gate(ctx.job_id).wait()
    await ctx.progress(0.9, "through")
    return {"ok": True}


@job("tests.blocking")
async def blocking(ctx: JobContext) -> None:
    """Never reports progress: only cancelling the task can stop it."""
    seen[ctx.job_id] = {"started": True}
    try:
        await asyncio.sleep(3600)
    finally:
        seen[ctx.job_id]["cleaned_up"] = True


@job("tests.cooperative")
async def cooperative(ctx: JobContext) -> None:
    """Checks for cancellation at progress calls only (no awaits the runner could cancel)."""
    seen[ctx.job_id] = {"started": True, "steps": 0}
    i = 0
    while True:
        i += 1
        seen[ctx.job_id]["steps"] = i
        await ctx.progress(min(0.99, i / 1000))
        await asyncio.sleep(0.01)

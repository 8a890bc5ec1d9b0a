"""Library factories: tracks by upload (the real endpoint), and the wait for an upload's
processing job (which runs only in tests that ask for the job_runner fixture)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *paths: Path,
    visibility: str | None = None,
    names: list[str] | None = None,
) -> httpx.Response:
    files = [
        ("files", ((names[i] if names else p.name), p.read_bytes(), "application/octet-stream"))
        for i, p in enumerate(paths)
    ]
    data = {"visibility": visibility} if visibility else None
    return await client.post("/api/v1/library/uploads", headers=headers, files=files, data=data)


async def wait_job(
    client: httpx.AsyncClient, headers: dict[str, str], job_id: str, timeout: float = 60
) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        job = (await client.get(f"/api/v1/jobs/{job_id}", headers=headers)).json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job  # type: ignore[no-any-return]
        if asyncio.get_running_loop().time() > deadline:
            hint = " (does the test ask for the job_runner fixture?)" * (job["status"] == "queued")
            raise AssertionError(f"job {job_id} still {job['status']}{hint}")
        await asyncio.sleep(0.1)

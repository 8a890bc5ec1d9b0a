from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.audio_fixtures import make_audio, make_picture


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audio")


@pytest.fixture(scope="session")
def tagged_mp3(audio_dir: Path) -> Path:
    return make_audio(
        audio_dir / "tagged.mp3",
        "mp3",
        seconds=8.0,
        tags={
            "title": "Jóga",
            "artists": ["Björk"],
            "album": "Homogenic",
            "album_artist": "Björk",
            "track_number": 3,
            "track_total": 10,
            "disc_number": 1,
            "date": "1997-09-22",
            "genres": ["Electronic", "Art Pop"],
            "isrc": "GBAAN9700003",
        },
        picture=make_picture(size=(700, 700)),
    )


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


def unique_name() -> str:
    return uuid.uuid4().hex[:8]

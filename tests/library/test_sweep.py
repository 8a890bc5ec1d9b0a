"""The library's orphan sweep: stored objects whose track has no row go (after the grace),
a track's own objects stay; on local storage (the app's) and S3 (moto)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio
from tests.kit.test_storage import moto_endpoint, s3_client  # noqa: F401 (fixture)
from tonearm.kit.storage import Storage
from tonearm.kit.storage.s3 import S3Storage
from tonearm.library.processing.sweep import sweep_orphans
from tonearm.models.library import Track
from tonearm.platform.state import AppState

HOUR = timedelta(hours=1)


def _orphan_keys(owner: uuid.UUID) -> list[str]:
    gone = uuid.uuid4()  # a track that never got its row (a crash before the commit)
    return [
        f"tracks/{owner}/{gone}/original.mp3",
        f"hls/{gone}/index.m3u8",
        f"waveforms/{gone}.json",
        f"artwork/tracks/{gone}/abc/256.jpg",
    ]


async def _plant(storage: Storage, keys: list[str]) -> None:
    for key in keys:
        await storage.put(key, b"left by a crash")


async def test_objects_no_track_owns_go_after_the_grace(
    client: httpx.AsyncClient, state: AppState, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    song = make_audio(tmp_path / "kept.mp3", "mp3", seconds=1.0, tags={"title": "Kept"})
    r = await client.post(
        "/api/v1/library/uploads", headers=h, files=[("files", ("kept.mp3", song.read_bytes()))]
    )
    assert r.status_code == 201, r.text
    track = r.json()["items"][0]["track"]
    orphans = _orphan_keys(uuid.uuid4())
    await _plant(state.storage, orphans)

    async def existing(ids: set[uuid.UUID]) -> set[uuid.UUID]:
        async with state.db.session() as s:
            return set((await s.execute(select(Track.id).where(Track.id.in_(ids)))).scalars())

    # Fresh: an upload may be about to commit its row.
    assert (await sweep_orphans(state.storage, existing, HOUR))["deleted"] == 0
    assert all([await state.storage.exists(k) for k in orphans])
    # (Objects earlier tests left, their rows emptied since, are orphans too.)
    assert (await sweep_orphans(state.storage, existing, timedelta(0)))["deleted"] >= 4
    assert not any([await state.storage.exists(k) for k in orphans])
    async with state.db.session() as s:
        row = await s.get(Track, uuid.UUID(track["id"]))
        assert row is not None and row.storage_key
    assert await state.storage.exists(row.storage_key)
    assert [k async for k in state.storage.list("tracks/")] == [row.storage_key]


@pytest.mark.s3
async def test_the_sweep_works_on_s3(moto_endpoint: str) -> None:  # noqa: F811
    storage = S3Storage(s3_client(moto_endpoint), "tonearm-test", prefix=f"t-{uuid.uuid4().hex}")
    owner, kept = uuid.uuid4(), uuid.uuid4()
    kept_keys = [f"tracks/{owner}/{kept}/original.mp3", f"hls/{kept}/index.m3u8"]
    orphans = _orphan_keys(owner)
    await _plant(storage, kept_keys + orphans)

    async def existing(ids: set[uuid.UUID]) -> set[uuid.UUID]:
        return ids & {kept}

    assert (await sweep_orphans(storage, existing, HOUR))["deleted"] == 0
    assert (await sweep_orphans(storage, existing, timedelta(0)))["deleted"] == 4
    assert [k async for k in storage.list("")] == sorted(kept_keys)

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.accounts.factories import bearer, register
from tests.library.factories import upload


async def _track(client: httpx.AsyncClient, path: Path) -> tuple[dict[str, str], str]:
    h = bearer(await register(client))
    item = (await upload(client, h, path)).json()["items"][0]
    return h, item["track"]["id"]


async def _play(client: httpx.AsyncClient, h: dict[str, str], **body: Any) -> dict[str, Any]:
    r = await client.post("/api/v1/plays", headers=h, json=body)
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def _count(client: httpx.AsyncClient, h: dict[str, str], tid: str) -> int:
    r = await client.get(f"/api/v1/library/tracks/{tid}", headers=h)
    return int(r.json()["play_count"])


async def test_play_counts_past_30_seconds_once(client: httpx.AsyncClient, audio_dir: Path) -> None:
    from tests.audio_fixtures import make_audio

    long = make_audio(audio_dir / "long40.mp3", "mp3", seconds=40.0, tags={"title": "Long"})
    h, tid = await _track(client, long)
    p = await _play(client, h, track_id=tid, event="start")
    assert p["counted"] is False
    p = await _play(client, h, track_id=tid, event="progress", play_id=p["id"], position=12)
    assert p["counted"] is False and await _count(client, h, tid) == 0
    p = await _play(client, h, track_id=tid, event="progress", play_id=p["id"], position=31)
    assert p["counted"] is True and await _count(client, h, tid) == 1
    p = await _play(client, h, track_id=tid, event="complete", play_id=p["id"], position=40)
    assert p["completed"] is True and await _count(client, h, tid) == 1
    # A short listen that completes counts; a skipped one does not.
    q = await _play(client, h, track_id=tid, event="start")
    await _play(client, h, track_id=tid, event="progress", play_id=q["id"], position=5)
    assert await _count(client, h, tid) == 1
    r = await _play(client, h, track_id=tid, event="start")
    await _play(client, h, track_id=tid, event="complete", play_id=r["id"], position=40)
    assert await _count(client, h, tid) == 2
    # Position cannot exceed the track.
    assert (await _play(client, h, track_id=tid, event="progress", play_id=q["id"], position=9999))[
        "position"
    ] <= 40.5


async def test_history_and_now_playing(client: httpx.AsyncClient, tagged_mp3: Path) -> None:
    h, tid = await _track(client, tagged_mp3)
    assert (await client.get("/api/v1/me/now-playing", headers=h)).json() == {
        "playing": False,
        "item": None,
    }
    first = await _play(client, h, track_id=tid, event="start")
    now = (await client.get("/api/v1/me/now-playing", headers=h)).json()
    assert now["playing"] is True and now["item"]["track"]["id"] == tid
    await _play(client, h, track_id=tid, event="complete", play_id=first["id"], position=8)
    assert (await client.get("/api/v1/me/now-playing", headers=h)).json()["playing"] is False
    second = await _play(client, h, track_id=tid, event="start")
    hist = (await client.get("/api/v1/me/history", headers=h)).json()
    assert [i["play"]["id"] for i in hist["items"]] == [second["id"], first["id"]]
    page = (await client.get("/api/v1/me/history?limit=1", headers=h)).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    # Someone else's play id cannot be advanced.
    other = bearer(await register(client))
    r = await client.post(
        "/api/v1/plays",
        headers=other,
        json={"track_id": tid, "event": "progress", "play_id": first["id"], "position": 40},
    )
    assert r.status_code == 404  # they cannot even see the private track
    assert (await client.get("/api/v1/me/history", headers=other)).json()["items"] == []


async def test_loves(client: httpx.AsyncClient, tagged_mp3: Path) -> None:
    h, tid = await _track(client, tagged_mp3)
    assert (await client.put(f"/api/v1/tracks/{tid}/love", headers=h)).status_code == 204
    assert (await client.put(f"/api/v1/tracks/{tid}/love", headers=h)).status_code == 204
    loves = (await client.get("/api/v1/me/loves", headers=h)).json()
    assert [t["id"] for t in loves["items"]] == [tid] and loves["items"][0]["loved"] is True
    listed = (await client.get("/api/v1/library/tracks", headers=h)).json()["items"]
    assert listed[0]["loved"] is True
    assert (await client.delete(f"/api/v1/tracks/{tid}/love", headers=h)).status_code == 204
    assert (await client.get("/api/v1/me/loves", headers=h)).json()["items"] == []
    other = bearer(await register(client))
    r = await client.put(f"/api/v1/tracks/{tid}/love", headers=other)
    assert r.status_code == 404
    assert (await client.put(f"/api/v1/tracks/{tid}/love")).status_code == 401

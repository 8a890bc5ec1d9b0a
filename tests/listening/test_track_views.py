"""Every endpoint shows a track the same way to the same viewer (the library's presenter):
history and now playing used to say `loved: false` for a loved track, and now playing said
`has_artwork: true` with `artwork: null`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.library.factories import upload, wait_job


async def _listed(client: httpx.AsyncClient, h: dict[str, str], tid: str) -> dict[str, Any]:
    r = await client.get("/api/v1/library/tracks", headers=h, params={"mine": "true"})
    assert r.status_code == 200, r.text
    (item,) = [t for t in r.json()["items"] if t["id"] == tid]
    return item  # type: ignore[no-any-return]


@pytest.mark.usefixtures("job_runner")
async def test_history_now_playing_and_loves_present_the_track_as_the_library_does(
    client: httpx.AsyncClient, tagged_mp3: Path
) -> None:
    h = bearer(await register(client))
    done = (await upload(client, h, tagged_mp3)).json()["items"][0]
    tid = done["track"]["id"]
    assert (await wait_job(client, h, done["job_id"]))["status"] == "succeeded"
    assert (await client.put(f"/api/v1/tracks/{tid}/love", headers=h)).status_code == 204
    r = await client.post("/api/v1/plays", headers=h, json={"track_id": tid, "event": "start"})
    assert r.status_code == 201, r.text

    listed = await _listed(client, h, tid)
    assert listed["loved"] is True
    assert listed["has_artwork"] is True and listed["artwork"] is not None

    history = (await client.get("/api/v1/me/history", headers=h)).json()["items"]
    now = (await client.get("/api/v1/me/now-playing", headers=h)).json()
    loves = (await client.get("/api/v1/me/loves", headers=h)).json()["items"]
    assert now["playing"] is True
    for seen in (history[0]["track"], now["item"]["track"], loves[0]):
        assert seen["loved"] is True
        assert seen["has_artwork"] is True
        assert seen["artwork"] == listed["artwork"]
        assert seen == listed


@pytest.mark.usefixtures("job_runner")
async def test_has_artwork_is_false_exactly_when_there_is_no_artwork(
    client: httpx.AsyncClient, audio_dir: Path
) -> None:
    from tests.audio_fixtures import make_audio

    plain = make_audio(audio_dir / "no-cover.mp3", "mp3", seconds=2.0, tags={"title": "Bare"})
    h = bearer(await register(client))
    done = (await upload(client, h, plain)).json()["items"][0]
    await wait_job(client, h, done["job_id"])
    r = await client.post(
        "/api/v1/plays", headers=h, json={"track_id": done["track"]["id"], "event": "start"}
    )
    assert r.status_code == 201
    now = (await client.get("/api/v1/me/now-playing", headers=h)).json()["item"]["track"]
    assert now["has_artwork"] is False and now["artwork"] is None
    assert now["loved"] is False


async def test_a_track_made_private_leaves_the_others_history(
    client: httpx.AsyncClient, tagged_mp3: Path
) -> None:
    """History and now playing show only tracks the listener may still open (as loves do)."""
    owner = bearer(await register(client))
    listener = bearer(await register(client))
    tid = (await upload(client, owner, tagged_mp3, visibility="unlisted")).json()["items"][0][
        "track"
    ]["id"]
    r = await client.post(
        "/api/v1/plays", headers=listener, json={"track_id": tid, "event": "start"}
    )
    assert r.status_code == 201
    assert len((await client.get("/api/v1/me/history", headers=listener)).json()["items"]) == 1
    r = await client.patch(
        f"/api/v1/library/tracks/{tid}", headers=owner, json={"visibility": "private"}
    )
    assert r.status_code == 200, r.text
    assert (await client.get("/api/v1/me/history", headers=listener)).json()["items"] == []
    now = (await client.get("/api/v1/me/now-playing", headers=listener)).json()
    assert now == {"playing": False, "item": None}

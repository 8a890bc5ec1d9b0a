"""Stream tokens belong to the session that asked for them: logging out, or revoking that
session from another device, ends them at once (they used to keep working for their whole
6 h life)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.accounts.factories import PASSWORD, bearer, register
from tests.library.factories import upload, wait_job


async def _stream_urls(client: httpx.AsyncClient, h: dict[str, str], track_id: str) -> list[str]:
    grant = await client.post(f"/api/v1/tracks/{track_id}/stream", headers=h)
    assert grant.status_code == 200, grant.text
    urls = [grant.json()["hls_url"], grant.json()["audio_url"] + "&format=original"]
    for url in urls:  # no bearer: the token in the URL is the credential
        assert (await client.get(url)).status_code == 200, url
    return urls


@pytest.mark.usefixtures("job_runner")
async def test_logout_and_revocation_end_stream_tokens(
    client: httpx.AsyncClient, tagged_mp3: Path
) -> None:
    tokens = await register(client, username="streamer")
    h = bearer(tokens)
    item = (await upload(client, h, tagged_mp3)).json()["items"][0]
    assert (await wait_job(client, h, item["job_id"]))["status"] == "succeeded"
    track_id = item["track"]["id"]

    urls = await _stream_urls(client, h, track_id)
    assert (await client.post("/api/v1/auth/logout", headers=h)).status_code == 204
    for url in urls:
        r = await client.get(url)
        assert r.status_code == 401, (url, r.text)
        assert r.json()["code"] == "stream_session_ended"

    # Revoking a session from another device ends the streams it was granted, not others.
    login = {"login": "streamer", "password": PASSWORD}
    phone = (await client.post("/api/v1/auth/login", json=login)).json()
    laptop = (await client.post("/api/v1/auth/login", json=login)).json()
    phone_urls = await _stream_urls(client, bearer(phone), track_id)
    laptop_urls = await _stream_urls(client, bearer(laptop), track_id)
    sessions = (await client.get("/api/v1/auth/sessions", headers=bearer(laptop))).json()
    phone_session = next(s["id"] for s in sessions["items"] if not s["current"])
    revoked = await client.delete(f"/api/v1/auth/sessions/{phone_session}", headers=bearer(laptop))
    assert revoked.status_code == 204
    for url in phone_urls:
        assert (await client.get(url)).status_code == 401, url
    for url in laptop_urls:
        assert (await client.get(url)).status_code == 200, url

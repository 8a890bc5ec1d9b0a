"""Signed stream URLs carry no bearer: the rate limit counts them against the token's user,
never as a guest of the caller's IP (issue 10, item 1: skipping froze the player on 429)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.library.factories import upload, wait_job


@pytest.mark.usefixtures("job_runner")
async def test_stream_requests_are_not_counted_as_a_guest(
    client: httpx.AsyncClient, tagged_mp3: Path, state: Any
) -> None:
    guest = int(state.settings.rate_limit_guest.split("/")[0])
    assert guest == 20  # the default limits, as a user runs them
    h = bearer(await register(client))
    item = (await upload(client, h, tagged_mp3)).json()["items"][0]
    assert (await wait_job(client, h, item["job_id"]))["status"] == "succeeded"
    grant = (await client.post(f"/api/v1/tracks/{item['track']['id']}/stream", headers=h)).json()
    base = grant["hls_url"].rsplit("/", 1)[0]
    master = await client.get(grant["hls_url"])  # no bearer: only the token in the path
    assert master.status_code == 200
    media = await client.get(f"{base}/a128/index.m3u8")
    segments = [ln for ln in media.text.splitlines() if ln and not ln.startswith("#")]
    urls = [f"{base}/a128/{segments[i % len(segments)]}" for i in range(30)]
    urls += [f"{base}/a64/index.m3u8", grant["audio_url"] + "&format=original"]
    statuses = [(await client.get(u)).status_code for u in urls]
    assert statuses == [200] * len(urls)


async def test_a_forged_stream_token_counts_as_a_guest(
    client: httpx.AsyncClient, state: Any
) -> None:
    guest = int(state.settings.rate_limit_guest.split("/")[0])
    forged = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bm90LWEtc2lnbmF0dXJl"
    statuses = [
        (await client.get(f"/api/v1/stream/{forged}/master.m3u8")).status_code for _ in range(guest)
    ]
    assert 429 not in statuses
    assert (await client.get(f"/api/v1/stream/{forged}/master.m3u8")).status_code == 429
    bad = "/api/v1/tracks/00000000-0000-0000-0000-000000000000/audio?token=" + forged
    assert (await client.get(bad)).status_code == 429

"""Scrobbling end to end: a play counted through the real plays API reaches the fake
ListenBrainz and Last.fm; an outage keeps the listen queued (durable, with backoff) until a
later flush sends it; a connection to reconnect holds it; a disconnected one drops it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select, update

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio
from tests.fakes.lastfm import FakeLastfm
from tests.fakes.listenbrainz import FakeListenBrainz
from tests.library.factories import upload, wait_job
from tests.services import connect, wired
from tonearm.connections import TokenKeeper
from tonearm.connections.scrobbles import ScrobbleFlusher
from tonearm.kit.db import utcnow
from tonearm.models.connections import Connection, QueuedScrobble
from tonearm.platform.state import AppState
from tonearm.providers.http import ServiceHttp


@dataclass
class Env:
    client: httpx.AsyncClient
    h: dict[str, str]
    lb: FakeListenBrainz
    lastfm: FakeLastfm
    lb_user: str
    track_id: str


@pytest.fixture
async def env(
    client: httpx.AsyncClient,
    state: AppState,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    job_runner: Any,
) -> AsyncIterator[Env]:
    lb, lastfm = FakeListenBrainz(), FakeLastfm()
    async with wired(
        state,
        monkeypatch,
        listenbrainz=(lb, {"api_url": ""}, {}),
        lastfm=(
            lastfm,
            {"api_url": "/2.0", "auth_url": "/api/auth"},
            {"api_key": lastfm.api_key, "shared_secret": SecretStr(lastfm.secret)},
        ),
    ):
        h = bearer(await register(client))
        token = lb.issue("lb-ann")
        r = await client.post(
            "/api/v1/connections/listenbrainz/token", headers=h, json={"token": token}
        )
        assert r.status_code == 200, r.text
        assert await connect(client, h, "lastfm") == "/migrate?connected=lastfm"
        path = make_audio(
            tmp_path / "song.mp3",
            "mp3",
            seconds=1.0,
            tags={"title": "Harbour Lights", "artists": ["Mara Lind"], "album": "Waters"},
        )
        item = (await upload(client, h, path)).json()["items"][0]
        await wait_job(client, h, item["job_id"]) if item.get("job_id") else None
        yield Env(client, h, lb, lastfm, "lb-ann", item["track"]["id"])


async def _listen(env: Env) -> None:
    start = await env.client.post(
        "/api/v1/plays", headers=env.h, json={"track_id": env.track_id, "event": "start"}
    )
    assert start.status_code == 201, start.text
    done = await env.client.post(
        "/api/v1/plays",
        headers=env.h,
        json={
            "track_id": env.track_id,
            "event": "complete",
            "play_id": start.json()["id"],
            "position": 1.0,
        },
    )
    assert done.json()["counted"] is True


async def _queued(state: AppState) -> list[QueuedScrobble]:
    async with state.db.session() as s:
        return list((await s.scalars(select(QueuedScrobble))).all())


async def _settle(env: Env) -> None:
    r = await env.client.get("/api/v1/jobs", headers=env.h, params={"limit": 50})
    for job in r.json()["items"]:
        if job["kind"] == "connections.scrobble":
            await wait_job(env.client, env.h, job["id"])


async def test_a_counted_play_reaches_both_scrobblers(env: Env, state: AppState) -> None:
    await _listen(env)
    await _settle(env)
    (listen,) = env.lb.listens[env.lb_user]
    meta = listen["track_metadata"]
    assert (meta["track_name"], meta["artist_name"]) == ("Harbour Lights", "Mara Lind")
    assert meta["release_name"] == "Waters"
    (scrobble,) = env.lastfm.scrobbles[env.lastfm.user]
    assert scrobble["track"] == "Harbour Lights" and scrobble["artist"] == "Mara Lind"
    assert await _queued(state) == []


async def test_an_outage_keeps_the_listen_until_a_later_flush(
    env: Env, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ServiceHttp, "_backoff", lambda self, attempt: 0.01)  # quick retries
    env.lb.fail_next = [503] * 20  # down for a while: every retry of the client fails too
    await _listen(env)
    await _settle(env)
    (waiting,) = await _queued(state)  # Last.fm took its copy; ListenBrainz's waits
    assert waiting.provider == "listenbrainz" and waiting.attempts == 1
    assert waiting.next_attempt_at > utcnow()
    assert env.lb.listens.get(env.lb_user, []) == []
    env.lb.fail_next = []
    flusher = ScrobbleFlusher(state.db, state.settings, state.get(TokenKeeper))
    assert (await flusher.flush())["sent"] == 0  # not due yet
    async with state.db.session() as s:  # time passes (a restart, an hour later)
        await s.execute(
            update(QueuedScrobble).values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
    assert (await flusher.flush())["sent"] == 1
    assert len(env.lb.listens[env.lb_user]) == 1 and await _queued(state) == []


async def test_reconnect_holds_and_disconnect_drops(env: Env, state: AppState) -> None:
    async with state.db.session() as s:
        await s.execute(
            update(Connection).where(Connection.provider == "lastfm").values(status="reconnect")
        )
    await _listen(env)
    await _settle(env)
    (held,) = await _queued(state)
    assert held.provider == "lastfm" and "reconnect" in (held.last_error or "")
    assert env.lastfm.scrobbles.get(env.lastfm.user, []) == []
    r = await env.client.delete("/api/v1/connections/lastfm", headers=env.h)
    assert r.status_code == 200
    async with state.db.session() as s:
        await s.execute(update(QueuedScrobble).values(next_attempt_at=utcnow()))
    flusher = ScrobbleFlusher(state.db, state.settings, state.get(TokenKeeper))
    assert (await flusher.flush())["dropped"] == 1
    assert await _queued(state) == []


async def test_no_scrobbler_no_queue(
    client: httpx.AsyncClient, state: AppState, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    path = make_audio(tmp_path / "x.mp3", "mp3", seconds=1.0, tags={"title": "X"})
    tid = (await upload(client, h, path)).json()["items"][0]["track"]["id"]
    start = await client.post("/api/v1/plays", headers=h, json={"track_id": tid, "event": "start"})
    await client.post(
        "/api/v1/plays",
        headers=h,
        json={"track_id": tid, "event": "complete", "play_id": start.json()["id"], "position": 1},
    )
    assert await _queued(state) == []

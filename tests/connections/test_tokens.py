"""The token keeper against the fake Spotify: refreshed five minutes before expiry, at once
after a 401, once for many callers, the rotated refresh token kept; a refused refresh marks
the connection "reconnect"."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from tests.accounts.factories import bearer, register
from tests.fakes.catalog import FakeCatalog
from tests.fakes.spotify import FakeSpotify
from tests.services import connect, wired
from tonearm import providers
from tonearm.connections import ConnectionService, TokenKeeper
from tonearm.kit.db import utcnow
from tonearm.models.connections import Connection
from tonearm.platform.state import AppState


@dataclass
class Env:
    client: httpx.AsyncClient
    h: dict[str, str]
    fake: FakeSpotify
    user_id: str
    keeper: TokenKeeper


@pytest.fixture
async def env(
    client: httpx.AsyncClient, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Env]:
    catalog = FakeCatalog()
    catalog.add("Song", ["Band"], isrc="USAAA2600001")
    fake = FakeSpotify(catalog)
    fake.apps[fake.client_id].append("http://testserver/api/v1/connections/spotify/callback")
    fake.add_user("sp-ann")
    async with wired(
        state,
        monkeypatch,
        spotify=(fake, {"api_url": "/v1", "accounts_url": ""}, {"client_id": fake.client_id}),
    ):
        tokens = await register(client)
        h = bearer(tokens)
        await connect(client, h, "spotify")
        yield Env(client, h, fake, tokens["user"]["id"], state.get(TokenKeeper))


async def _row(state: AppState) -> Connection:
    async with state.db.session() as s:
        row = await s.scalar(select(Connection))
    assert row is not None
    return row


async def _client(state: AppState, env: Env) -> Any:
    import uuid

    async with state.db.session() as s:
        conns = ConnectionService(s, state.settings, env.keeper)
        return await conns.client(uuid.UUID(env.user_id), "spotify")


async def test_an_expired_token_is_refreshed_once_and_the_new_refresh_token_kept(
    env: Env, state: AppState
) -> None:
    before = await _row(state)
    client = await _client(state, env)
    env.fake.expire()  # Spotify says 401 "The access token expired" to the one we hold
    assert (await client.me()).id == "sp-ann"
    after = await _row(state)
    assert after.access_token != before.access_token
    assert after.refresh_token != before.refresh_token  # rotated, and the new one kept
    assert env.fake.calls["POST /api/token"] == 2  # the exchange, then one refresh
    assert env.fake.refresh_tokens[before.refresh_token or ""].state == "used"


async def test_a_token_about_to_expire_is_refreshed_before_it_is_used(
    env: Env, state: AppState
) -> None:
    async with state.db.session() as s:
        await s.execute(update(Connection).values(expires_at=utcnow() + timedelta(minutes=4)))
    env.keeper._fresh.clear()
    client = await _client(state, env)
    asked = env.fake.calls["GET /me"]  # once already: whose account it is, on connecting
    await client.me()
    assert env.fake.calls["POST /api/token"] == 2
    assert env.fake.calls["GET /me"] == asked + 1  # no 401 first: refreshed ahead
    row = await _row(state)
    assert row.expires_at is not None and row.expires_at > utcnow() + timedelta(minutes=30)


async def test_many_callers_share_one_refresh(env: Env, state: AppState) -> None:
    client = await _client(state, env)
    env.fake.expire()
    found = await asyncio.gather(
        *(client.search_tracks(providers.SearchQuery("Song")) for _ in range(6))
    )
    assert all(f and f[0].title == "Song" for f in found)
    assert env.fake.calls["POST /api/token"] == 2  # one refresh, not six


async def test_a_refused_refresh_asks_the_user_to_reconnect(env: Env, state: AppState) -> None:
    client = await _client(state, env)
    env.fake.revoke()
    with pytest.raises(providers.AuthRevoked):
        await client.me()
    row = await _row(state)
    assert row.status == "reconnect" and "revoked" in (row.last_error or "").lower()
    listed = (await env.client.get("/api/v1/connections", headers=env.h)).json()["items"]
    spotify = next(s for s in listed if s["slug"] == "spotify")
    assert spotify["connection"]["status"] == "reconnect"
    with pytest.raises(providers.AuthRevoked):  # no second try at the service
        await env.keeper.access_token(row.id)
    assert env.fake.calls["POST /api/token"] == 2
    assert await connect(env.client, env.h, "spotify") == "/migrate?connected=spotify"
    assert (await _row(state)).status == "active"

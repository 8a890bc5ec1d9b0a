"""Connections over the real API against local fakes: the OAuth round trip (state kept on the
server, single use, ten minutes), a pasted token, tokens encrypted at rest, disconnecting,
scoping, and the errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import Text, select, text, type_coerce, update

from tests.accounts.factories import bearer, register
from tests.fakes.deezer import FakeDeezer
from tests.fakes.listenbrainz import FakeListenBrainz
from tests.fakes.server import FakeServer
from tests.services import connect, consent, wired
from tonearm.kit import crypto
from tonearm.kit.db import utcnow
from tonearm.models.connections import Connection, OAuthFlow
from tonearm.platform.keyrotation import encrypted_columns
from tonearm.platform.state import AppState


@pytest.fixture
async def deezer(
    state: AppState, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[FakeDeezer, FakeServer]]:
    fake = FakeDeezer()
    fake.add_user("dz-ann", country="FR")
    lb = FakeListenBrainz()
    async with wired(
        state,
        monkeypatch,
        deezer=(
            fake,
            {"api_url": "", "connect_url": ""},
            {"client_id": fake.app_id, "client_secret": SecretStr(fake.secret)},
        ),
        listenbrainz=(lb, {"api_url": ""}, {}),
    ) as servers:
        fake.listenbrainz = lb  # type: ignore[attr-defined]
        yield fake, servers["deezer"]


def _by_slug(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["slug"]: s for s in body["items"]}


async def test_the_oauth_round_trip_connects_and_lists_the_account(
    client: httpx.AsyncClient, state: AppState, deezer: tuple[FakeDeezer, FakeServer]
) -> None:
    fake, _ = deezer
    h = bearer(await register(client))
    listed = _by_slug((await client.get("/api/v1/connections", headers=h)).json())
    assert listed["deezer"]["configured"] and listed["deezer"]["connection"] is None
    assert listed["spotify"]["configured"] is False  # no client id on this server
    assert listed["spotify"]["own_app_allowed"] is True
    assert listed["musicbrainz"]["auth"] == "none"

    r = await client.post("/api/v1/connections/deezer/authorize", headers=h, json={})
    query = parse_qs(urlsplit(r.json()["url"]).query)
    assert query["app_id"] == [fake.app_id]
    assert query["redirect_uri"] == ["http://testserver/api/v1/connections/deezer/callback"]
    assert "offline_access" in query["perms"][0]
    async with state.db.session() as s:  # the state is kept hashed, never as sent
        flows = (await s.scalars(select(OAuthFlow))).all()
    assert len(flows) == 1 and flows[0].state_hash != query["state"][0]

    assert await connect(client, h, "deezer") == "/migrate?connected=deezer"
    conn = _by_slug((await client.get("/api/v1/connections", headers=h)).json())["deezer"]
    assert conn["connection"]["account_name"] == "dz-ann"
    assert conn["connection"]["status"] == "active"
    assert conn["connection"]["expires_at"] is None  # offline_access: it does not expire
    async with state.db.session() as s:  # the flow it used is gone; the first one waits
        assert len((await s.scalars(select(OAuthFlow))).all()) == 1


async def test_tokens_are_encrypted_at_rest_and_rotated_with_the_keys(
    client: httpx.AsyncClient, state: AppState, deezer: tuple[FakeDeezer, FakeServer]
) -> None:
    fake, _ = deezer
    h = bearer(await register(client))
    await connect(client, h, "deezer")
    (issued,) = list(fake.tokens)
    async with state.db.session() as s:
        raw = await s.scalar(select(type_coerce(Connection.access_token, Text())))
        row = await s.scalar(select(Connection))
    assert raw is not None and issued not in raw
    assert crypto.decrypt(raw) == issued
    assert row is not None and row.access_token == issued
    assert (Connection, "access_token") in encrypted_columns()
    assert (Connection, "refresh_token") in encrypted_columns()


async def test_a_state_is_good_once_and_for_ten_minutes(
    client: httpx.AsyncClient, state: AppState, deezer: tuple[FakeDeezer, FakeServer]
) -> None:
    h = bearer(await register(client))
    r = await client.post("/api/v1/connections/deezer/authorize", headers=h, json={})
    back = (await consent(r.json()["url"])).removeprefix("http://testserver")
    assert (await client.get(back)).headers["location"] == "/connections?connected=deezer"
    again = await client.get(back)
    assert again.status_code == 303
    assert again.headers["location"] == "/connections?service=deezer&error=oauth_state_invalid"

    r = await client.post("/api/v1/connections/deezer/authorize", headers=h, json={})
    back = (await consent(r.json()["url"])).removeprefix("http://testserver")
    async with state.db.session() as s:
        await s.execute(update(OAuthFlow).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert "error=oauth_state_invalid" in (await client.get(back)).headers["location"]
    forged = await client.get("/api/v1/connections/deezer/callback?code=x&state=made-up")
    assert "error=oauth_state_invalid" in forged.headers["location"]


async def test_a_refusal_and_an_open_redirect_are_handled(
    client: httpx.AsyncClient, deezer: tuple[FakeDeezer, FakeServer]
) -> None:
    fake, _ = deezer
    h = bearer(await register(client))
    fake.deny = True
    r = await client.post("/api/v1/connections/deezer/authorize", headers=h, json={})
    back = (await consent(r.json()["url"])).removeprefix("http://testserver")
    assert "error=oauth_denied" in (await client.get(back)).headers["location"]
    fake.deny = False
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        r = await client.post(
            "/api/v1/connections/deezer/authorize", headers=h, json={"return_to": evil}
        )
        back = (await consent(r.json()["url"])).removeprefix("http://testserver")
        assert (await client.get(back)).headers["location"] == "/connections?connected=deezer"


async def test_errors_have_their_codes(
    client: httpx.AsyncClient, deezer: tuple[FakeDeezer, FakeServer]
) -> None:
    h = bearer(await register(client))
    r = await client.post("/api/v1/connections/napster/authorize", headers=h, json={})
    assert (r.status_code, r.json()["code"]) == (404, "service_not_found")
    r = await client.post("/api/v1/connections/spotify/authorize", headers=h, json={})
    assert (r.status_code, r.json()["code"]) == (409, "provider_not_configured")
    r = await client.post("/api/v1/connections/listenbrainz/authorize", headers=h, json={})
    assert (r.status_code, r.json()["code"]) == (409, "connection_auth_kind")
    r = await client.delete("/api/v1/connections/deezer", headers=h)
    assert (r.status_code, r.json()["code"]) == (404, "connection_not_found")
    r = await client.put("/api/v1/connections/deezer/app", headers=h, json={"client_id": "a" * 12})
    assert (r.status_code, r.json()["code"]) == (409, "own_app_not_allowed")
    r = await client.get("/api/v1/connections")
    assert r.status_code == 401


async def test_a_pasted_token_connects_listenbrainz(
    client: httpx.AsyncClient, deezer: tuple[FakeDeezer, FakeServer]
) -> None:
    lb: FakeListenBrainz = deezer[0].listenbrainz  # type: ignore[attr-defined]
    token = lb.issue("lb-ann")
    h = bearer(await register(client))
    r = await client.post(
        "/api/v1/connections/listenbrainz/token", headers=h, json={"token": "nope"}
    )
    assert (r.status_code, r.json()["code"]) == (401, "provider_reconnect")
    r = await client.post(
        "/api/v1/connections/listenbrainz/token", headers=h, json={"token": f" {token} "}
    )
    assert r.status_code == 200, r.text
    assert r.json()["account_name"] == "lb-ann"


async def test_disconnect_forgets_and_others_never_see_it(
    client: httpx.AsyncClient, state: AppState, deezer: tuple[FakeDeezer, FakeServer]
) -> None:
    ann = bearer(await register(client))
    bob = bearer(await register(client))
    await connect(client, ann, "deezer")
    bob_view = _by_slug((await client.get("/api/v1/connections", headers=bob)).json())
    assert bob_view["deezer"]["connection"] is None
    r = await client.delete("/api/v1/connections/deezer", headers=bob)
    assert r.status_code == 404
    r = await client.delete("/api/v1/connections/deezer", headers=ann)
    assert r.status_code == 200 and r.json() == {"revoked": False}  # Deezer has no revoke
    async with state.db.session() as s:
        assert (await s.execute(text("SELECT count(*) FROM connections"))).scalar() == 0


async def test_own_app_is_kept_per_user(client: httpx.AsyncClient) -> None:
    h = bearer(await register(client))
    r = await client.put(
        "/api/v1/connections/spotify/app", headers=h, json={"client_id": "abcdef0123456789"}
    )
    assert r.status_code == 204
    listed = _by_slug((await client.get("/api/v1/connections", headers=h)).json())
    assert listed["spotify"]["own_app_client_id"] == "abcdef0123456789"
    assert listed["spotify"]["configured"] is True  # their own app makes it usable
    r = await client.post("/api/v1/connections/spotify/authorize", headers=h, json={})
    assert "client_id=abcdef0123456789" in r.json()["url"]
    assert "code_challenge_method=S256" in r.json()["url"]
    other = bearer(await register(client))
    listed = _by_slug((await client.get("/api/v1/connections", headers=other)).json())
    assert listed["spotify"]["own_app_client_id"] is None
    r = await client.put("/api/v1/connections/spotify/app", headers=h, json={"client_id": "x y"})
    assert r.status_code == 422
    assert (await client.delete("/api/v1/connections/spotify/app", headers=h)).status_code == 204

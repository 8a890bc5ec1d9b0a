"""Sign-in throttling per account (it was per IP only: a guesser spread over many addresses
was never slowed), and limits on refresh, email verification and the session routes (they
had none). Every refusal is the one 429 shape: `rate_limited` with Retry-After."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.accounts.factories import PASSWORD, bearer, register
from tests.conftest import client_for, make_settings, running
from tonearm.app import create_app


def _limited(r: httpx.Response) -> int:
    """The Retry-After of a 429 in the shape every rate limit answers with."""
    assert r.status_code == 429, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "rate_limited"
    retry = int(r.headers["retry-after"])
    assert retry >= 1
    return retry


async def _login(app: Any, ip: str, login: str, password: str) -> httpx.Response:
    async with client_for(app, ip) as c:
        return await c.post("/api/v1/auth/login", json={"login": login, "password": password})


async def test_one_ip_guessing_one_account_is_stopped_not_the_owner(app: Any) -> None:
    async with client_for(app, "10.61.0.1") as c:
        await register(c, username="target")
    # Only misses count against an account from one address: 4 misses, 2 sign-ins, a 5th.
    for password in ["wrong"] * 4 + [PASSWORD] * 2:
        r = await _login(app, "10.61.0.2", "target", password)
        assert r.status_code == (200 if password == PASSWORD else 401), r.text
    r = await _login(app, "10.61.0.2", "Target", "wrong")  # the same account, in any case
    assert r.status_code == 401
    _limited(await _login(app, "10.61.0.2", "target", PASSWORD))  # even the right one, here
    # The owner, elsewhere, signs in; another account from the guessing address too.
    assert (await _login(app, "10.61.0.3", "target", PASSWORD)).status_code == 200
    assert (await _login(app, "10.61.0.2", "someone-else", "wrong")).status_code == 401


@pytest.fixture
async def small_window_app(data_dir: Path, database_url: str) -> AsyncIterator[Any]:
    """The app with a per-account window of 2 seconds, so the test sees it end."""
    settings = make_settings(data_dir, database_url, rate_limit_login_account="4/2 seconds")
    application = create_app(settings)
    async with running(application):
        await application.state.tonearm.limiter.reset()
        yield application
        await application.state.tonearm.limiter.reset()


async def test_many_ips_guessing_one_account_back_off_briefly(small_window_app: Any) -> None:
    app = small_window_app
    async with client_for(app, "10.62.0.1") as c:
        await register(c, username="spread")
    misses = await asyncio.gather(
        *(_login(app, f"10.62.1.{n}", "spread", "wrong") for n in range(4))
    )
    assert [r.status_code for r in misses] == [401] * 4
    _limited(await _login(app, "10.62.1.200", "spread", "wrong"))  # a fresh address too
    retry = _limited(await _login(app, "10.62.2.1", "spread", PASSWORD))  # the owner waits
    assert retry <= 2
    await asyncio.sleep(retry)  # the window the 429 named, and no longer
    assert (await _login(app, "10.62.2.1", "spread", PASSWORD)).status_code == 200


async def test_refresh_verify_and_sessions_are_limited(client: httpx.AsyncClient) -> None:
    h = bearer(await register(client, username="busy"))
    for _ in range(30):
        r = await client.post("/api/v1/auth/refresh", json={"refresh_token": "nope"})
        assert r.status_code == 401
    _limited(await client.post("/api/v1/auth/refresh", json={"refresh_token": "nope"}))

    for _ in range(10):
        r = await client.post("/api/v1/auth/email/verify", json={"token": "n" * 32})
        assert r.status_code == 400, r.text
    _limited(await client.post("/api/v1/auth/email/verify", json={"token": "n" * 32}))

    for _ in range(30):
        assert (await client.get("/api/v1/auth/sessions", headers=h)).status_code == 200
    _limited(await client.get("/api/v1/auth/sessions", headers=h))
    _limited(await client.delete("/api/v1/auth/sessions", headers=h))

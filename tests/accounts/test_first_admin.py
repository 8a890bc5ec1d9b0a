"""Exactly one first user becomes admin, however many sign up at once on a new instance
(8 parallel registrations used to give 8 admins), by password or by phone code; an instance
that already has a user (made by the CLI) gives later sign-ups no admin role."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.accounts.factories import PASSWORD
from tests.conftest import client_for


async def _register(app: Any, n: int) -> dict[str, Any]:
    async with client_for(app, f"10.77.{n // 250}.{n % 250 + 1}") as c:
        r = await c.post(
            "/api/v1/auth/register",
            json={"email": f"racer{n}@example.com", "username": f"racer{n}", "password": PASSWORD},
        )
        assert r.status_code == 201, r.text
        me = await c.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}
        )
        assert me.status_code == 200, me.text
        return me.json()  # type: ignore[no-any-return]


async def test_concurrent_first_sign_ups_make_one_admin(app: Any) -> None:
    first = await asyncio.gather(*(_register(app, n) for n in range(8)))
    assert sorted(u["role"] for u in first) == ["admin"] + ["listener"] * 7
    # A second wave on an instance that has its admin: nobody else becomes one.
    second = await asyncio.gather(*(_register(app, n) for n in range(8, 16)))
    assert [u["role"] for u in second] == ["listener"] * 8


async def test_a_user_made_by_the_cli_is_the_first(client: httpx.AsyncClient, state: Any) -> None:
    from tonearm.accounts.deps import service_for
    from tonearm.models.accounts import Role

    async with state.db.session() as s:
        await service_for(state, s).create_user(
            "ops@example.com", "ops", PASSWORD, role=Role.artist
        )
    r = await client.post(
        "/api/v1/auth/register",
        json={"email": "late@example.com", "username": "late", "password": PASSWORD},
    )
    assert r.status_code == 201
    me = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {r.json()['access_token']}"}
    )
    assert me.json()["role"] == "listener"

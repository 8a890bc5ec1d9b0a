"""Refreshes that race with the same refresh token (a client with two tabs, a retry fired
while the first request is still in flight): every 200 carries tokens that work, and the
session lives on. Before, 8 concurrent refreshes revoked the session (reuse detection fired
on the losers) and the winners' tokens were already dead.

On PostgreSQL each refresh is its own transaction on its own connection, so this is the race
two API processes would run; the atomic step is in the database (a conditional UPDATE and an
insert-or-ignore of the one successor)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.accounts.factories import bearer, register
from tests.conftest import client_for, make_settings, running
from tonearm.app import create_app

N = 8


async def _refresh(app: Any, n: int, token: str) -> tuple[int, dict[str, Any]]:
    async with client_for(app, f"10.88.{n}.1") as c:
        r = await c.post("/api/v1/auth/refresh", json={"refresh_token": token})
        return r.status_code, r.json()


async def test_concurrent_refreshes_with_one_token_all_get_live_tokens(app: Any) -> None:
    async with client_for(app, "10.88.100.1") as c:
        tokens = await register(c, username="twotabs")
    for _round in range(3):
        answers = await asyncio.gather(
            *(_refresh(app, n, tokens["refresh_token"]) for n in range(N))
        )
        assert [status for status, _ in answers] == [200] * N, answers
        successors = {body["refresh_token"] for _, body in answers}
        assert len(successors) == 1  # one successor, handed to every racer
        assert tokens["refresh_token"] not in successors
        async with client_for(app, "10.88.100.2") as c:
            for _, body in answers:
                me = await c.get("/api/v1/me", headers=bearer(body))
                assert me.status_code == 200, me.text
        tokens = answers[0][1]
    # The successor refreshes once more, and the session is still alive.
    async with client_for(app, "10.88.100.3") as c:
        nxt = await c.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert nxt.status_code == 200, nxt.text
        assert (await c.get("/api/v1/me", headers=bearer(nxt.json()))).status_code == 200
        sessions = await c.get("/api/v1/auth/sessions", headers=bearer(nxt.json()))
        assert len(sessions.json()["items"]) == 1


async def test_a_racer_after_the_successor_was_used_is_a_reuse(app: Any) -> None:
    """The grace covers racers and retries only while the successor is unused: once it was
    refreshed, the old token again is a stolen copy and the session dies."""
    async with client_for(app, "10.88.101.1") as c:
        first = await register(c, username="latecomer")
        second = (
            await c.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        ).json()
        third = await c.post(
            "/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}
        )
        assert third.status_code == 200
        late = await c.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert late.status_code == 401 and late.json()["code"] == "refresh_token_reused"
        me = await c.get("/api/v1/me", headers=bearer(third.json()))
        assert me.status_code == 401 and me.json()["code"] == "session_revoked"


async def test_refreshes_racing_across_two_app_instances(
    app: Any, data_dir: Path, database_url: str
) -> None:
    """Two instances (own engines, own session caches: two API processes in all but the
    process) share only the database, which holds the atomic step."""
    other = create_app(make_settings(data_dir, database_url))
    async with running(other):
        async with client_for(app, "10.88.102.1") as c:
            tokens = await register(c, username="twoprocs")
        answers = await asyncio.gather(
            *(_refresh(app if n % 2 else other, n, tokens["refresh_token"]) for n in range(N))
        )
        assert [status for status, _ in answers] == [200] * N, answers
        assert len({body["refresh_token"] for _, body in answers}) == 1
        for n, (_, body) in enumerate(answers):
            async with client_for(other if n % 2 else app, "10.88.102.2") as c:
                assert (await c.get("/api/v1/me", headers=bearer(body))).status_code == 200
        async with client_for(other, "10.88.102.3") as c:
            nxt = await c.post(
                "/api/v1/auth/refresh", json={"refresh_token": answers[0][1]["refresh_token"]}
            )
            assert nxt.status_code == 200, nxt.text

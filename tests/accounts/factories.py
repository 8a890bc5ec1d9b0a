"""Account factories: a registered user (its tokens) and the header that carries them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

PASSWORD = "correct horse battery"


async def register(
    client: httpx.AsyncClient,
    *,
    username: str | None = None,
    email: str | None = None,
    password: str = PASSWORD,
) -> dict[str, Any]:
    username = username or f"user{uuid.uuid4().hex[:8]}"
    email = email or f"{username}@example.com"
    resp = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "username": username, "password": password},
    )
    assert resp.status_code == 201, resp.text
    data: dict[str, Any] = resp.json()
    return data


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}

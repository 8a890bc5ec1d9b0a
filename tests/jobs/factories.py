"""Jobs factories: the owner of a job, as (access token, user id), and its header."""

from __future__ import annotations

import uuid

import httpx

from tests.accounts import factories as accounts


async def register(client: httpx.AsyncClient, name: str | None = None) -> tuple[str, uuid.UUID]:
    tokens = await accounts.register(client, username=name)
    return tokens["access_token"], uuid.UUID(tokens["user"]["id"])


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

"""Playlist factories: tracks by upload, playlists by the real routes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.audio_fixtures import make_audio
from tests.library.factories import upload

Headers = dict[str, str]


async def tracks(
    client: httpx.AsyncClient,
    h: Headers,
    d: Path,
    n: int,
    *,
    visibility: str | None = None,
    album: str = "Album",
    picture: bytes | None = None,
    prefix: str = "Song",
) -> list[str]:
    """`n` uploaded tracks (distinct audio), their ids in order."""
    files = [
        make_audio(
            d / f"{prefix}-{album}-{i}.mp3",
            "mp3",
            seconds=1.0,
            seed=hash((prefix, album, i)) % 10_000 + 1,
            tags={"title": f"{prefix} {i}", "artists": ["Artist"], "album": album},
            picture=picture,
        )
        for i in range(n)
    ]
    r = await upload(client, h, *files, visibility=visibility)
    assert r.status_code == 201, r.text
    return [str(item["track"]["id"]) for item in r.json()["items"]]


async def playlist(
    client: httpx.AsyncClient, h: Headers, name: str = "Mix", **fields: Any
) -> dict[str, Any]:
    r = await client.post("/api/v1/playlists", headers=h, json={"name": name, **fields})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def add(
    client: httpx.AsyncClient, h: Headers, pid: str, ids: list[str], position: int | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"track_ids": ids}
    if position is not None:
        body["position"] = position
    r = await client.post(f"/api/v1/playlists/{pid}/items", headers=h, json=body)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def items(client: httpx.AsyncClient, h: Headers, pid: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2}  # small pages: the keyset is exercised too
        if cursor:
            params["cursor"] = cursor
        r = await client.get(f"/api/v1/playlists/{pid}/items", headers=h, params=params)
        assert r.status_code == 200, r.text
        out += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return out


def titles(rows: list[dict[str, Any]]) -> list[str | None]:
    return [r["track"]["title"] if r["track"] else None for r in rows]

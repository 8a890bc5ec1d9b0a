"""Exporting a playlist: a job per request, for every format, whose result is a signed
download URL of the file; what a viewer may not open is not written."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.library.factories import wait_job
from tests.playlists.factories import add, playlist, tracks
from tonearm.playlists.formats import Format, parse


async def _export(
    client: httpx.AsyncClient, h: dict[str, str], pid: str, fmt: str
) -> httpx.Response:
    r = await client.post(f"/api/v1/playlists/{pid}/export", headers=h, json={"format": fmt})
    assert r.status_code == 202, r.text
    job = await wait_job(client, h, r.json()["job_id"])
    assert job["status"] == "succeeded", job
    got = await client.get(job["result"]["url"])
    assert got.status_code == 200, got.text
    assert job["result"]["filename"] in got.headers.get("content-disposition", "")
    return got


@pytest.mark.usefixtures("job_runner")
async def test_every_format_downloads_and_reads_back(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    ids = await tracks(client, h, tmp_path, 3)
    p = await playlist(client, h, "Trip & Co, 2026")
    await add(client, h, p["id"], [ids[2], ids[0], ids[1]])
    for fmt in Format:
        got = await _export(client, h, p["id"], fmt.value)
        (back,) = parse(got.content, f"x.{fmt.value}")
        if fmt is Format.wpl:
            assert len(back.entries) == 3
            continue
        assert [e.title for e in back.entries] == ["Song 2", "Song 0", "Song 1"], fmt


@pytest.mark.usefixtures("job_runner")
async def test_others_export_only_what_they_may_open(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    admin = bearer(await register(client))
    secret = await tracks(client, admin, tmp_path, 1, prefix="Secret")
    open_ = await tracks(client, admin, tmp_path, 1, prefix="Open", visibility="public")
    p = await playlist(client, admin, visibility="public")
    await add(client, admin, p["id"], [secret[0], open_[0]])
    bob = bearer(await register(client))
    got = await _export(client, bob, p["id"], "xspf")
    assert b"Open 0" in got.content and b"Secret" not in got.content
    private = await playlist(client, admin, "Mine only")
    r = await client.post(
        f"/api/v1/playlists/{private['id']}/export", headers=bob, json={"format": "m3u8"}
    )
    assert (r.status_code, r.json()["code"]) == (404, "playlist_not_found")
    r = await client.post(
        f"/api/v1/playlists/{p['id']}/export", headers=bob, json={"format": "exe"}
    )
    assert r.status_code == 422

"""A playlist's cover: a 2x2 mosaic of its first four distinct album covers, else the first
album's cover, else none; made only from covers the viewer may see."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_picture
from tests.library.factories import wait_job
from tests.playlists.factories import add, playlist, tracks
from tonearm.platform.state import AppState

COLOURS = [(220, 30, 30), (30, 200, 40), (40, 60, 220), (230, 210, 20)]


async def _image(client: httpx.AsyncClient, url: str) -> Image.Image:
    r = await client.get(url)
    assert r.status_code == 200, r.text
    return Image.open(io.BytesIO(r.content))


@pytest.mark.usefixtures("job_runner")
async def test_four_albums_make_a_mosaic_fewer_show_the_first(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    ids = []
    for n, colour in enumerate(COLOURS):
        ids += await tracks(
            client, h, tmp_path, 1, album=f"Album {n}", picture=make_picture(color=colour)
        )
    jobs = (await client.get("/api/v1/jobs", headers=h)).json()["items"]
    for job in jobs:
        assert (await wait_job(client, h, job["id"]))["status"] == "succeeded"

    p = await playlist(client, h)
    one = await add(client, h, p["id"], [ids[0], ids[0]])
    first = one["playlist"]["cover"]
    album = (await client.get(f"/api/v1/library/tracks/{ids[0]}", headers=h)).json()["artwork"]
    assert first["large"].split("?")[0] == album["large"].split("?")[0]

    full = await add(client, h, p["id"], ids[1:])
    cover = full["playlist"]["cover"]
    assert "playlist-covers" in cover["large"]
    img = (await _image(client, cover["large"])).convert("RGB")
    assert img.size == (600, 600)
    # Each quadrant's corner holds its album's colour (the centre square is the contrast).
    for (x, y), colour in zip(((5, 5), (595, 5), (5, 595), (595, 595)), COLOURS, strict=True):
        got = img.getpixel((x, y))
        assert all(abs(a - b) < 40 for a, b in zip(got, colour, strict=True)), (x, y, got)
    small = await _image(client, cover["small"])
    assert small.size == (64, 64)
    # The same four covers again: the stored mosaic, not a new one.
    again = (await client.get(f"/api/v1/playlists/{p['id']}", headers=h)).json()["cover"]
    assert again["large"].split("?")[0] == cover["large"].split("?")[0]


@pytest.mark.usefixtures("job_runner")
async def test_a_viewer_sees_no_cover_of_a_track_they_may_not_open(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    admin = bearer(await register(client))
    secret = await tracks(client, admin, tmp_path, 1, album="Secret", picture=make_picture())
    jobs = (await client.get("/api/v1/jobs", headers=admin)).json()["items"]
    assert (await wait_job(client, admin, jobs[0]["id"]))["status"] == "succeeded"
    p = await playlist(client, admin, visibility="public")
    assert (await add(client, admin, p["id"], secret))["playlist"]["cover"] is not None
    bob = bearer(await register(client))
    seen = (await client.get(f"/api/v1/playlists/{p['id']}", headers=bob)).json()
    assert seen["cover"] is None


async def test_an_uploaded_cover_replaces_the_mosaic_until_removed(
    client: httpx.AsyncClient, state: AppState
) -> None:
    h = bearer(await register(client))
    r = await client.post("/api/v1/playlists", headers=h, json={"name": "Mine"})
    pid = r.json()["id"]
    other = bearer(await register(client))
    image = make_picture(size=(700, 500))
    r = await client.put(f"/api/v1/playlists/{pid}/cover", headers=other, content=image)
    assert r.status_code == 404
    bad = await client.put(f"/api/v1/playlists/{pid}/cover", headers=h, content=b"not an image")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_artwork")
    png = {**h, "Content-Type": "image/png"}
    r = await client.put(f"/api/v1/playlists/{pid}/cover", headers=png, content=image)
    assert r.status_code == 200, r.text
    cover = r.json()["cover"]
    assert cover and cover["medium"]
    got = await client.get(cover["medium"])
    assert got.status_code == 200 and got.content[:2] == b"\xff\xd8"  # a JPEG rendition
    key = f"playlist-covers/custom/{pid}/"
    assert await state.storage.exists(f"{key}600.jpg")
    r = await client.delete(f"/api/v1/playlists/{pid}/cover", headers=h)
    assert r.status_code == 204
    assert (await client.get(f"/api/v1/playlists/{pid}", headers=h)).json()["cover"] is None
    assert not await state.storage.exists(f"{key}600.jpg")
    # Deleting a playlist removes its uploaded cover.
    await client.put(f"/api/v1/playlists/{pid}/cover", headers=h, content=image)
    assert await state.storage.exists(f"{key}600.jpg")
    assert (await client.delete(f"/api/v1/playlists/{pid}", headers=h)).status_code == 204
    assert not await state.storage.exists(f"{key}600.jpg")

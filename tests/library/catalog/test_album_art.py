"""Album art comes only from tracks the viewer may read (issue 9, item 5). User A's private
track and user B's public one share an album: A's cover used to be the album's cover for B,
for guests once B's track made the album visible, and for B's track without a cover of its
own; each image URL carried A's private track id. Every place that shows art is checked:
album lists and detail, track lists and detail, search, an artist's albums, history and now
playing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio, make_picture
from tests.library.factories import upload, wait_job

ALBUM, ARTIST = "Shared Sleeve", "Sleeve Artist"


def _song(path: Path, title: str, seed: int, picture: bytes | None) -> Path:
    tags = {"title": title, "artists": [ARTIST], "album": ALBUM, "album_artist": ARTIST}
    return make_audio(path, "mp3", seconds=1.0, seed=seed, tags=tags, picture=picture)


async def _uploaded(client: httpx.AsyncClient, h: dict[str, str], path: Path, **kw: Any) -> str:
    r = await upload(client, h, path, **kw)
    assert r.status_code == 201, r.text
    (item,) = r.json()["items"]
    assert (await wait_job(client, h, item["job_id"]))["status"] == "succeeded"
    return str(item["track"]["id"])


async def _everywhere(client: httpx.AsyncClient, h: dict[str, str], tid: str) -> list[str]:
    """The bodies of every answer that can show art, for a viewer (`h` empty: a guest) who
    may read the track `tid`."""
    albums = (await client.get("/api/v1/library/albums", headers=h)).json()["items"]
    assert [a["title"] for a in albums] == [ALBUM]
    album_id, artist_id = albums[0]["id"], albums[0]["artist"]["id"]
    paths = [
        "/api/v1/library/albums",
        f"/api/v1/library/albums/{album_id}",
        "/api/v1/library/tracks",
        f"/api/v1/library/tracks/{tid}",
        f"/api/v1/library/artists/{artist_id}",
        "/api/v1/search?q=sleeve",
    ]
    if h:
        started = await client.post(
            "/api/v1/plays", headers=h, json={"track_id": tid, "event": "start"}
        )
        assert started.status_code == 201, started.text
        paths += ["/api/v1/me/now-playing", "/api/v1/me/history"]
    bodies = []
    for path in paths:
        r = await client.get(path, headers=h)
        assert r.status_code == 200, (path, r.text)
        bodies.append(r.text)
    return bodies


@pytest.mark.usefixtures("job_runner")
async def test_a_private_cover_never_shows_through_a_shared_album(
    client: httpx.AsyncClient, audio_dir: Path
) -> None:
    b = bearer(await register(client))  # the first user: admin, may publish
    a = bearer(await register(client))
    red = make_picture(size=(300, 300), color=(220, 10, 10))
    private = _song(audio_dir / "sleeve-a.mp3", "A Private", 71, red)
    a_track = await _uploaded(client, a, private)
    a_art = (await client.get(f"/api/v1/library/tracks/{a_track}", headers=a)).json()["artwork"]
    assert a_art is not None and a_track in a_art["large"]
    a_cover = a_art["large"].split("?")[0]

    # B's public track, without a cover of its own, on the same album.
    plain = _song(audio_dir / "sleeve-b.mp3", "B Plain", 72, None)
    b_track = await _uploaded(client, b, plain, visibility="public")
    for h in (b, {}):
        for body in await _everywhere(client, h, b_track):
            assert a_track not in body and a_cover not in body
        album = (await client.get("/api/v1/library/albums", headers=h)).json()["items"][0]
        assert (album["has_artwork"], album["artwork"]) == (False, None)
        track = (await client.get(f"/api/v1/library/tracks/{b_track}", headers=h)).json()
        assert (track["has_artwork"], track["artwork"]) == (False, None)

    # A sees their own cover on the album, and on B's track of it.
    album = (await client.get("/api/v1/library/albums", headers=a)).json()["items"][0]
    assert album["artwork"]["large"].split("?")[0] == a_cover
    track = (await client.get(f"/api/v1/library/tracks/{b_track}", headers=a)).json()
    assert track["artwork"]["large"].split("?")[0] == a_cover

    # Once B adds a public track with a cover, B and guests see that one; A still sees theirs.
    blue = make_picture(size=(300, 300), color=(10, 10, 220))
    covered = _song(audio_dir / "sleeve-b2.mp3", "B Covered", 73, blue)
    b_covered = await _uploaded(client, b, covered, visibility="public")
    for h in (b, {}):
        for body in await _everywhere(client, h, b_track):
            assert a_track not in body and a_cover not in body
        album = (await client.get("/api/v1/library/albums", headers=h)).json()["items"][0]
        assert album["has_artwork"] is True and b_covered in album["artwork"]["large"]
        cover = await client.get(album["artwork"]["large"])
        assert cover.status_code == 200 and cover.headers["content-type"] == "image/jpeg"
    album = (await client.get("/api/v1/library/albums", headers=a)).json()["items"][0]
    assert album["artwork"]["large"].split("?")[0] == a_cover

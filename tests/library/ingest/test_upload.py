from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import FORMATS, make_audio, make_text_as_mp3, make_truncated
from tests.library.factories import upload, wait_job
from tonearm.models.library import Track


async def _count_tracks(state: Any) -> int:
    async with state.db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(Track)) or 0)


def _stored_files(state: Any) -> list[Path]:
    root = state.settings.data_dir / "media" / "tracks"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.usefixtures("job_runner")
async def test_upload_reads_tags_and_processes(
    client: httpx.AsyncClient, state: Any, tagged_mp3: Path
) -> None:
    h = bearer(await register(client))
    resp = await upload(client, h, tagged_mp3)
    assert resp.status_code == 201, resp.text
    (item,) = resp.json()["items"]
    track = item["track"]
    assert item["duplicate"] is False
    assert track["title"] == "Jóga"
    assert [a["name"] for a in track["artists"]] == ["Björk"]
    assert track["album"]["title"] == "Homogenic"
    assert track["track_number"] == 3 and track["track_total"] == 10
    assert track["year"] == 1997
    assert track["genres"] == ["Electronic", "Art Pop"]
    assert track["isrc"] == "GBAAN9700003"
    assert track["codec"] == "mp3"
    assert 7.5 < track["duration"] < 8.5
    assert track["visibility"] == "private" and track["owned"] is True
    assert track["status"] == "processing"
    job = await wait_job(client, h, item["job_id"])
    assert job["status"] == "succeeded", job
    detail = (await client.get(f"/api/v1/library/tracks/{track['id']}", headers=h)).json()
    assert detail["status"] == "ready"
    assert detail["streamable"] is True
    assert detail["has_artwork"] is True
    art = await client.get(detail["artwork"]["medium"])  # signed: no bearer needed
    assert art.status_code == 200 and art.headers["content-type"] == "image/jpeg"
    from PIL import Image

    assert Image.open(__import__("io").BytesIO(art.content)).size == (256, 256)
    tampered = detail["artwork"]["medium"].replace("sig=", "sig=0")
    assert (await client.get(tampered)).status_code == 403
    album = (await client.get(f"/api/v1/library/albums/{track['album']['id']}", headers=h)).json()
    assert album["artwork"] is not None
    media = state.settings.data_dir / "media"
    assert (media / "hls" / track["id"] / "master.m3u8").is_file()
    assert (media / "waveforms" / f"{track['id']}.json").is_file()
    # One version of the cover, named by its content.
    [version] = (media / "artwork" / "tracks" / track["id"]).iterdir()
    assert {p.name for p in version.iterdir()} == {"64.jpg", "256.jpg", "600.jpg"}


@pytest.mark.parametrize("fmt", FORMATS)
async def test_every_format_is_accepted_by_content(
    client: httpx.AsyncClient, audio_dir: Path, fmt: str
) -> None:
    h = bearer(await register(client))
    path = make_audio(
        audio_dir / f"any-{fmt}.bin", fmt, seconds=2.0, tags={"title": f"T {fmt}", "artists": ["X"]}
    )
    # Named wrongly on purpose: detection is by content.
    resp = await upload(client, h, path, names=["song.txt"])
    assert resp.status_code == 201, resp.text
    t = resp.json()["items"][0]["track"]
    assert t["title"] == f"T {fmt}"
    expected = {"m4a_aac": "aac", "m4a_alac": "alac", "ogg": "vorbis"}.get(fmt, fmt)
    assert t["codec"] == expected


async def test_same_bytes_twice_gives_existing_track(
    client: httpx.AsyncClient, state: Any, tagged_mp3: Path
) -> None:
    h = bearer(await register(client))
    first = (await upload(client, h, tagged_mp3)).json()["items"][0]
    again = (await upload(client, h, tagged_mp3)).json()["items"][0]
    assert again["duplicate"] is True
    assert again["track"]["id"] == first["track"]["id"]
    assert again["job_id"] is None
    assert await _count_tracks(state) == 1
    # Another user uploading the same bytes gets their own copy.
    other = bearer(await register(client))
    theirs = (await upload(client, other, tagged_mp3)).json()["items"][0]
    assert theirs["duplicate"] is False and theirs["track"]["id"] != first["track"]["id"]


async def test_text_file_is_415_and_leaves_nothing(
    client: httpx.AsyncClient, state: Any, audio_dir: Path, tagged_mp3: Path
) -> None:
    h = bearer(await register(client))
    text = make_text_as_mp3(audio_dir / "notes.mp3")
    before = _stored_files(state)
    resp = await upload(client, h, tagged_mp3, text)
    assert resp.status_code == 415
    assert resp.json()["code"] == "unsupported_media"
    assert await _count_tracks(state) == 0
    assert _stored_files(state) == before
    assert list((state.settings.data_dir / "tmp" / "uploads").glob("*")) == []


async def test_truncated_file_is_422_and_rolls_back_earlier_files(
    client: httpx.AsyncClient, state: Any, audio_dir: Path, tagged_mp3: Path
) -> None:
    h = bearer(await register(client))
    source = make_audio(audio_dir / "long.flac", "flac", seconds=6.0)
    cut = make_truncated(audio_dir / "cut.flac", source)
    before = _stored_files(state)
    tracks_before = await _count_tracks(state)
    resp = await upload(client, h, tagged_mp3, cut)
    assert resp.status_code == 422, resp.text
    assert resp.json()["code"] == "corrupt_audio"
    assert await _count_tracks(state) == tracks_before == 0
    assert _stored_files(state) == before


async def test_upload_limits_and_bad_bodies(
    app: Any, client: httpx.AsyncClient, tagged_mp3: Path, state: Any
) -> None:
    await register(client)  # the first account is the admin
    h = bearer(await register(client))
    no_files = await client.post(
        "/api/v1/library/uploads", headers=h, files={"other": ("a.mp3", b"x")}
    )
    assert no_files.status_code == 400 and no_files.json()["code"] == "no_files"
    not_multipart = await client.post("/api/v1/library/uploads", headers=h, json={"a": 1})
    assert not_multipart.status_code == 400 and not_multipart.json()["code"] == "bad_multipart"
    guest = await client.post("/api/v1/library/uploads", files={"files": ("a.mp3", b"x")})
    assert guest.status_code == 401
    public = await upload(client, h, tagged_mp3, visibility="public")
    assert public.status_code == 403  # listeners keep private libraries
    state.settings.upload_max_bytes = 1000
    try:
        big = await upload(client, h, tagged_mp3)
    finally:
        state.settings.upload_max_bytes = 200 * 1024 * 1024
    assert big.status_code == 413
    assert big.json()["code"] == "upload_too_large"
    assert await _count_tracks(state) == 0

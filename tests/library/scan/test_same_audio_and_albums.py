"""One track per owner for the same audio, whichever way it came in (upload or scan, the same
file or a re-tagged copy), and albums grouped by folder as Navidrome does."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.audio_fixtures import make_audio, tag_file
from tests.library.factories import upload, wait_job
from tests.library.scan.test_scan import _owner, _root, _scan
from tonearm.models.jobs import Job
from tonearm.models.library import Album, Track, TrackAlias
from tonearm.platform.state import AppState


async def _count(state: AppState, owner: uuid.UUID) -> int:
    async with state.db.session() as s:
        return int(await s.scalar(select(func.count(Track.id)).where(Track.owner_id == owner)))


def _song(path: Path, title: str, *, seed: int, **tags: Any) -> Path:
    return make_audio(
        path, "mp3", seconds=1.0, seed=seed, tags={"title": title, "artists": ["Band"], **tags}
    )


async def test_a_scan_of_files_already_uploaded_adds_none_and_says_so(
    client: httpx.AsyncClient, state: AppState, tmp_path: Path
) -> None:
    h, owner = await _owner(client)
    music = tmp_path / "music"
    songs = [_song(music / f"{n}.mp3", f"Song {n}", seed=n) for n in range(1, 4)]
    r = await upload(client, h, *songs)
    assert r.status_code == 201 and not any(i["duplicate"] for i in r.json()["items"])
    root_id = await _root(state, music, owner)
    report = await _scan(state, root_id)
    assert (report.added, report.duplicates) == (0, 3)
    assert await _count(state, owner) == 3


async def test_an_upload_of_a_scanned_file_is_the_scanned_track(
    client: httpx.AsyncClient, state: AppState, tmp_path: Path
) -> None:
    h, owner = await _owner(client)
    music = tmp_path / "music"
    song = _song(music / "a.mp3", "Scanned First", seed=7)
    root_id = await _root(state, music, owner)
    assert (await _scan(state, root_id)).added == 1
    r = await upload(client, h, song)
    [item] = r.json()["items"]
    assert item["duplicate"] is True and item["track"]["title"] == "Scanned First"
    assert await _count(state, owner) == 1
    # Another user's upload of the same file is their own track.
    other, _ = await _owner(client)
    [theirs] = (await upload(client, other, song)).json()["items"]
    assert theirs["duplicate"] is False


@pytest.mark.usefixtures("job_runner")
async def test_the_same_audio_with_other_tags_is_folded_into_one_track(
    client: httpx.AsyncClient, state: AppState, tmp_path: Path
) -> None:
    """A copy with other tags hashes differently; its audio packets are the same: the
    processing job folds it into the earlier track, and a scan of the copy then finds it."""
    h, owner = await _owner(client)
    original = _song(tmp_path / "orig" / "defeat.mp3", "Defeat", seed=11)
    r = await upload(client, h, original)
    [first] = r.json()["items"]
    assert (await wait_job(client, h, first["job_id"], timeout=120))["status"] == "succeeded"

    music = tmp_path / "music"
    copy = music / "Soundtrack" / "05 Defeat.mp3"
    copy.parent.mkdir(parents=True)
    shutil.copy(original, copy)
    tag_file(copy, "mp3", {"title": "Defeat (retagged)", "artists": ["Band"], "album": "OST"})
    [again] = (await upload(client, h, copy)).json()["items"]
    assert again["duplicate"] is False  # not the same file: the audio decides, in the job
    done = await wait_job(client, h, again["job_id"], timeout=120)
    assert done["status"] == "succeeded"
    assert done["result"] == {"duplicate_of": first["track"]["id"]}
    assert await _count(state, owner) == 1
    assert (
        await client.get(f"/api/v1/library/tracks/{again['track']['id']}", headers=h)
    ).status_code == 404

    # The folder holding the copy, scanned: the copy is that one track, not a new one.
    root_id = await _root(state, music, owner)
    report = await _scan(state, root_id, process=True)
    assert (report.added, report.duplicates) == (0, 1)
    assert await _count(state, owner) == 1
    async with state.db.session() as s:
        aliases = (await s.scalars(select(TrackAlias))).all()
        jobs = await s.scalar(select(func.count(Job.id)).where(Job.kind == "library.process_track"))
    assert [str(a.track_id) for a in aliases] == [first["track"]["id"]]
    assert jobs == 2


# --- albums by folder ---------------------------------------------------------------------


def _ost(folder: Path, title: str, artist: str, n: int, album_artist: str | None) -> None:
    tags: dict[str, Any] = {
        "title": title,
        "artists": [artist],
        "album": "The Battle for Wesnoth OST",
        "track_number": n,
    }
    if album_artist:
        tags["album_artist"] = album_artist
    make_audio(folder / f"{n:02d} {title}.mp3", "mp3", seconds=1.0, seed=100 + n, tags=tags)


async def _albums(client: httpx.AsyncClient, h: dict[str, str]) -> dict[str, list[str]]:
    """album title + artist -> its tracks' titles."""
    out: dict[str, list[str]] = {}
    items = (await client.get("/api/v1/library/albums", headers=h, params={"limit": 100})).json()[
        "items"
    ]
    for album in items:
        detail = (await client.get(f"/api/v1/library/albums/{album['id']}", headers=h)).json()
        out[f"{album['title']} / {album['artist']['name']}"] = sorted(
            t["title"] for t in detail["tracks"]
        )
    return out


async def test_one_folder_one_album_title_is_one_album(
    client: httpx.AsyncClient, state: AppState, tmp_path: Path
) -> None:
    h, owner = await _owner(client)
    music = tmp_path / "music"
    ost = music / "wesnoth"
    _ost(ost, "Main Theme", "Frank Tetro", 1, "Wesnoth Project")
    _ost(ost, "Knalgan Theme", "Jeremy Nicoll", 2, None)  # no album artist tag
    _ost(ost, "Defeat", "Doc Paulsen", 3, None)
    # A folder whose tracks name no album artist and differ in artist: Various Artists.
    mix = music / "mix"
    for n, who in enumerate(["Alpha", "Beta"], 1):
        make_audio(mix / f"{n}.mp3", "mp3", seconds=1.0, seed=200 + n,
                   tags={"title": f"Mix {n}", "artists": [who], "album": "Summer Mix"})  # fmt: skip
    # One artist and no album artist tag: that artist's album.
    solo = music / "solo"
    for n in (1, 2):
        make_audio(solo / f"{n}.mp3", "mp3", seconds=1.0, seed=300 + n,
                   tags={"title": f"Solo {n}", "artists": ["Gamma"], "album": "Alone"})  # fmt: skip
    # The same album title in another folder, another album artist: another album.
    other = music / "other wesnoth"
    _ost(other, "Elvish Theme", "Someone Else", 4, "Another Project")

    root_id = await _root(state, music, owner)
    report = await _scan(state, root_id)
    assert report.added == 8
    assert await _albums(client, h) == {
        "The Battle for Wesnoth OST / Wesnoth Project": ["Defeat", "Knalgan Theme", "Main Theme"],
        "The Battle for Wesnoth OST / Another Project": ["Elvish Theme"],
        "Summer Mix / Various Artists": ["Mix 1", "Mix 2"],
        "Alone / Gamma": ["Solo 1", "Solo 2"],
    }
    # The compilation's album artist is in the Artists list, with its album.
    artists = (
        await client.get("/api/v1/library/artists", headers=h, params={"limit": 100})
    ).json()["items"]
    by_name = {a["name"]: a for a in artists}
    assert by_name["Wesnoth Project"]["album_count"] == 1
    assert by_name["Wesnoth Project"]["track_count"] == 3
    assert "Various Artists" in by_name

    # A track added later to the folder joins the album; nothing else moves.
    _ost(ost, "Battle Music", "Doc Paulsen", 5, None)
    report = await _scan(state, root_id)
    assert report.added == 1
    albums = await _albums(client, h)
    assert albums["The Battle for Wesnoth OST / Wesnoth Project"] == [
        "Battle Music", "Defeat", "Knalgan Theme", "Main Theme"
    ]  # fmt: skip
    async with state.db.session() as s:
        titles = (
            await s.scalars(select(Album.title).join(Track, Track.album_id == Album.id).distinct())
        ).all()
    assert sorted(titles) == sorted(["The Battle for Wesnoth OST", "Summer Mix", "Alone"])

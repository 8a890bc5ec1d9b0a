"""The library's face, as other domains call it: look-ups for matching see only what the
viewer may open, and the file behind a scanned track never lies outside its root."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio
from tests.library.factories import upload
from tonearm.kit.text import fold
from tonearm.library import Library, TrackFileMissing
from tonearm.library.scan.roots import ensure_root
from tonearm.library.scan.scanner import Scanner, ScanOptions
from tonearm.platform.state import AppState

MBID = "9c2d1a76-7a0f-4c4e-9a3b-2f1d0b1c5e11"


async def _me(client: httpx.AsyncClient, h: dict[str, str]) -> uuid.UUID:
    return uuid.UUID((await client.get("/api/v1/me", headers=h)).json()["id"])


async def test_look_ups_for_matching_respect_visibility(
    client: httpx.AsyncClient, state: AppState, tmp_path: Path
) -> None:
    song = make_audio(
        tmp_path / "match.mp3",
        "mp3",
        seconds=1.0,
        tags={"title": "Hyperballad", "isrc": "GBAAN9600011", "mb_recording_id": MBID},
    )
    owner_h = bearer(await register(client))
    other_h = bearer(await register(client))
    owner, other = await _me(client, owner_h), await _me(client, other_h)
    tid = uuid.UUID((await upload(client, owner_h, song)).json()["items"][0]["track"]["id"])

    async with state.db.session() as s:
        lib = Library(s, state.storage)
        assert [t.id for t in await lib.by_isrc(owner, ["gbaan9600011 "])] == [tid]
        assert [t.id for t in await lib.by_recording_mbid(owner, [MBID.upper()])] == [tid]
        assert [t.id for t in await lib.by_title_key(owner, [fold("HYPERBALLAD")])] == [tid]
        # Private: nobody else finds it, by any key.
        assert await lib.by_isrc(other, ["GBAAN9600011"]) == []
        assert await lib.by_recording_mbid(None, [MBID]) == []
        assert await lib.by_title_key(other, [fold("Hyperballad")]) == []
        assert await lib.by_isrc(owner, []) == []


async def test_scanned_file_and_path_look_up(
    client: httpx.AsyncClient, state: AppState, tmp_path: Path
) -> None:
    music = tmp_path / "music"
    make_audio(music / "A" / "one.mp3", "mp3", seconds=1.0, tags={"title": "One"})
    h = bearer(await register(client))
    owner = await _me(client, h)
    async with state.db.session() as s:
        root = await ensure_root(s, music.resolve(), owner)
        root_id = root.id
    await Scanner(state.db, root_id, ScanOptions(pool="thread", workers=1, process=False)).run()

    async with state.db.session() as s:
        lib = Library(s, state.storage)
        (track,) = await lib.by_path(owner, root_id, ["A/one.mp3", "A/none.mp3"])
        assert await lib.scanned_file(track) == (music / "A" / "one.mp3").resolve()
        assert await lib.by_path(None, root_id, ["A/one.mp3"]) == []  # private to its owner
        track.path = "../../etc/passwd"  # a path that leads out of the root
        with pytest.raises(TrackFileMissing):
            await lib.scanned_file(track)
        track.path = "A/gone.mp3"
        with pytest.raises(TrackFileMissing):
            await lib.scanned_file(track)
        await s.rollback()

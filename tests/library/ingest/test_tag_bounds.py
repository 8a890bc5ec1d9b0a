"""Issue 9: hostile tags over HTTP.

- item 2: a compressed ID3 frame bomb is refused (422 tags_too_large), never a 5xx, no row;
- item 7: every tag value is bounded as the track PATCH is, codes are validated, and what does
  not fit is dropped with a note in the upload answer, never stored (a 114 KB upload stored
  64 MiB of lyrics, a 5,000-character ISRC and key);
- item 16: NUL, control and bidirectional control characters never reach a stored name or
  title, whether they come from tags or from a request body.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio
from tests.library.factories import upload
from tests.media.bombs import MiB, make_id3_bomb
from tonearm.media.tag_limits import LYRICS_MAX
from tonearm.models.library import Track


async def _track_row(state: Any, track_id: str) -> Track:
    async with state.db.session() as s:
        row = await s.get(Track, __import__("uuid").UUID(track_id))
        assert row is not None
        return row


async def test_a_compressed_frame_bomb_upload_is_a_422(
    client: httpx.AsyncClient, state: Any, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    bomb = make_id3_bomb(tmp_path / "bomb.mp3", frame="APIC", inflates_to=1024 * MiB)
    resp = await upload(client, h, bomb)
    assert resp.status_code == 422, resp.text
    assert resp.json()["code"] == "tags_too_large"
    async with state.db.session() as s:
        assert await s.scalar(select(func.count()).select_from(Track)) == 0


async def test_oversized_and_invalid_tags_are_dropped_with_a_note(
    client: httpx.AsyncClient, state: Any, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    path = make_audio(
        tmp_path / "long.mp3",
        "mp3",
        seconds=1.0,
        tags={
            "title": "Kept",
            "artists": ["Artist", "x" * 600],
            "album": "y" * 600,
            "lyrics": "la " * (LYRICS_MAX + 700_000),  # 2.4 MB over the bound
            "isrc": "US" + "1" * 4998,
            "key": "K" * 5000,
            "mb_recording_id": "not-a-uuid" * 10,
            "date": "1997-09-22T10:00:00",
        },
    )
    resp = await upload(client, h, path)
    assert resp.status_code == 201, resp.text
    (item,) = resp.json()["items"]
    notes = " | ".join(item["notes"])
    for name in ("lyrics", "isrc", "key", "mb_recording_id", "album", "artists"):
        assert f"{name}:" in notes, (name, notes)
    track = item["track"]
    assert track["title"] == "Kept" and [a["name"] for a in track["artists"]] == ["Artist"]
    assert track["isrc"] is None and track["key"] is None and track["album"] is None
    assert track["mb_recording_id"] is None
    assert track["date"] == "1997-09-22" and track["year"] == 1997
    row = await _track_row(state, track["id"])
    assert row.lyrics is None and row.isrc is None and row.musical_key is None


async def test_valid_codes_are_normalised_and_kept(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    path = make_audio(
        tmp_path / "codes.mp3",
        "mp3",
        seconds=1.0,
        tags={
            "title": "Codes",
            "isrc": "gb-aan-97-00003",
            "key": "F#m",
            "mb_recording_id": "2C9A5B5E-1F0E-4D1D-9B4B-6F1F1D9A2B11",
        },
    )
    resp = await upload(client, h, path)
    assert resp.status_code == 201, resp.text
    (item,) = resp.json()["items"]
    assert item["notes"] == []
    assert item["track"]["isrc"] == "GBAAN9700003" and item["track"]["key"] == "F#m"
    assert item["track"]["mb_recording_id"] == "2c9a5b5e-1f0e-4d1d-9b4b-6f1f1d9a2b11"


async def test_control_and_bidi_characters_are_stripped_from_tags(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    path = make_audio(
        tmp_path / "bidi.mp3",
        "mp3",
        seconds=1.0,
        tags={
            "title": "Song\u202e3pm.exe\x00\x1b",
            "artists": ["\u2067Art\u200fist\u2069"],
            "album": "Al\x07bum",
            "lyrics": "one\x07\r\ntwo\u202e",
        },
    )
    resp = await upload(client, h, path, names=["\u202egnos.mp3"])
    assert resp.status_code == 201, resp.text
    track = resp.json()["items"][0]["track"]
    assert track["title"] == "Song3pm.exe"
    assert [a["name"] for a in track["artists"]] == ["Artist"]
    assert track["album"]["title"] == "Album"
    detail = (await client.get(f"/api/v1/library/tracks/{track['id']}", headers=h)).json()
    assert detail["lyrics"] == "one\ntwo"
    assert detail["original_name"] == "gnos.mp3"


async def test_control_and_bidi_characters_are_stripped_from_request_bodies(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    path = make_audio(tmp_path / "plain.mp3", "mp3", seconds=1.0, tags={"title": "Plain"})
    tid = (await upload(client, h, path)).json()["items"][0]["track"]["id"]
    resp = await client.patch(
        f"/api/v1/library/tracks/{tid}",
        headers=h,
        json={
            "title": "Ti\u202etle\x00",
            "artists": ["\u2066Someone\u2069"],
            "album": "Rec\u200ford\x1f",
            "genres": ["Ro\x00ck"],
            "lyrics": "a\x00\r\nb",
        },
    )
    assert resp.status_code == 200, resp.text
    detail = (await client.get(f"/api/v1/library/tracks/{tid}", headers=h)).json()
    assert detail["title"] == "Title" and detail["artist_name"] == "Someone"
    assert detail["album"]["title"] == "Record" and detail["genres"] == ["Rock"]
    assert detail["lyrics"] == "a\nb"
    only_bidi = await client.patch(
        f"/api/v1/library/tracks/{tid}", headers=h, json={"title": "\u202e\u2066"}
    )
    assert only_bidi.status_code == 422
    me = await client.patch(
        "/api/v1/me", headers=h, json={"display_name": "\u202enimda\x00", "bio": "hi\x00\nthere"}
    )
    assert me.status_code == 200, me.text
    assert me.json()["display_name"] == "nimda" and me.json()["bio"] == "hi\nthere"

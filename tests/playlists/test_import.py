"""Importing playlist files over HTTP: preview (parse and match, nothing saved), save with the
user's choices, decisions remembered, bad files refused with nothing saved, rematch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio
from tests.library.factories import upload
from tests.playlists.factories import items

Headers = dict[str, str]


async def _library(client: httpx.AsyncClient, h: Headers, d: Path) -> dict[str, str]:
    songs = [
        ("Harbour Lights", "The Quays", "Tides", 1),
        ("Northern Winds", "Frostlight", "Winter Songs", 2),
        ("Northern Winds (Live)", "Frostlight", "Live at the Hall", 3),
        ("Paper Boats", "Mara Lind", "Rivers", 4),
    ]
    files = [
        make_audio(
            d / f"{n}.mp3",
            "mp3",
            seconds=6.0,
            seed=n,
            tags={"title": t, "artists": [a], "album": al, "album_artist": a},
        )
        for t, a, al, n in songs
    ]
    r = await upload(client, h, *files)
    assert r.status_code == 201, r.text
    return {i["track"]["title"]: i["track"]["id"] for i in r.json()["items"]}


M3U = (
    "#EXTM3U\r\n#PLAYLIST:Evening\r\n"
    "#EXTINF:6,The Quays - Harbour Lights\r\nC:\\Music\\The Quays\\Tides\\01 Harbour Lights.mp3\r\n"
    "#EXTINF:6,Frostlight - Northern Winds\r\n\\\\nas\\music\\Frostlight\\Northern Winds.flac\r\n"
    "#EXTINF:200,Nobody Here - Not In The Library\r\nD:\\Other\\missing.mp3\r\n"
)


async def _post(
    client: httpx.AsyncClient,
    h: Headers,
    body: bytes,
    name: str = "evening.m3u8",
    *,
    preview: bool,
    data: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        "/api/v1/playlists/import",
        headers=h,
        params={"preview": str(preview).lower()},
        files={"file": (name, body, "audio/x-mpegurl")},
        data=data,
    )


async def test_preview_explains_each_row_and_saves_nothing(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    ids = await _library(client, h, tmp_path)
    r = await _post(client, h, M3U.encode(), preview=True)
    assert r.status_code == 200, r.text
    (pl,) = r.json()["playlists"]
    assert pl["name"] == "Evening" and pl["format"] in ("m3u", "m3u8")
    rows = pl["rows"]
    assert [row["entry"]["title"] for row in rows] == [
        "Harbour Lights",
        "Northern Winds",
        "Not In The Library",
    ]
    assert rows[0]["bucket"] == "matched" and rows[0]["track"]["id"] == ids["Harbour Lights"]
    assert rows[0]["rule"] and rows[0]["reason"]
    # The studio "Northern Winds", never the live one.
    assert rows[1]["bucket"] == "matched" and rows[1]["track"]["id"] == ids["Northern Winds"]
    assert rows[2]["bucket"] == "unmatched" and rows[2]["track"] is None
    assert pl["counts"] == {"matched": 2, "review": 0, "unmatched": 1}
    assert (await client.get("/api/v1/playlists", headers=h)).json()["items"] == []


async def test_save_with_choices_remembers_them(client: httpx.AsyncClient, tmp_path: Path) -> None:
    h = bearer(await register(client))
    ids = await _library(client, h, tmp_path)
    choices = (
        f'[{{"row": 2, "track_id": "{ids["Paper Boats"]}"}}, {{"row": 1, "track_id": "external"}}]'
    )
    r = await _post(client, h, M3U.encode(), preview=False, data={"choices": choices})
    assert r.status_code == 200, r.text
    (saved,) = r.json()["playlists"]
    assert (saved["name"], saved["item_count"]) == ("Evening", 3)
    rows = await items(client, h, saved["id"])
    assert [row["track"]["title"] if row["track"] else None for row in rows] == [
        "Harbour Lights",
        None,
        "Paper Boats",
    ]
    assert rows[1]["entry"]["title"] == "Northern Winds" and rows[1]["available"] is False
    assert rows[2]["match"]["rule"] == "decision"
    # The same entries in a later file resolve as decided.
    again = await _post(client, h, M3U.encode(), "again.m3u", preview=True)
    rows = again.json()["playlists"][0]["rows"]
    assert rows[2]["rule"] == "decision" and rows[2]["track"]["id"] == ids["Paper Boats"]
    assert rows[1]["rule"] == "decision" and rows[1]["bucket"] == "unmatched"


@pytest.mark.parametrize(
    ("body", "name"),
    [
        (b"<html><body>not a playlist</body></html>", "page.m3u"),
        (b"\x00\x01\x02\xff" * 100, "blob.pls"),
        (b"", "empty.m3u"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
            b'<playlist version="1" xmlns="http://xspf.org/ns/0/"><title>&lol2;</title></playlist>',
            "bomb.xspf",
        ),
    ],
)
async def test_a_file_that_is_not_a_playlist_is_422_and_saves_nothing(
    client: httpx.AsyncClient, body: bytes, name: str
) -> None:
    h = bearer(await register(client))
    for preview in (True, False):
        r = await _post(client, h, body, name, preview=preview)
        assert (r.status_code, r.json()["code"]) == (422, "playlist_unreadable"), r.text
    assert (await client.get("/api/v1/playlists", headers=h)).json()["items"] == []


async def test_too_large_is_413(client: httpx.AsyncClient) -> None:
    h = bearer(await register(client))
    body = b"#EXTM3U\n" + b"a" * (10 * 1024 * 1024)
    r = await _post(client, h, body, preview=True)
    assert r.status_code == 413, r.text


async def test_rematch_resolves_entries_after_an_upload(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    await _library(client, h, tmp_path)
    r = await _post(client, h, M3U.encode(), preview=False)
    pid: str = r.json()["playlists"][0]["id"]
    late = make_audio(
        tmp_path / "late.mp3",
        "mp3",
        seconds=200.0,
        seed=9,
        tags={"title": "Not In The Library", "artists": ["Nobody Here"]},
    )
    assert (await upload(client, h, late)).status_code == 201
    r = await client.post(f"/api/v1/playlists/{pid}/rematch", headers=h)
    assert r.status_code == 200 and r.json()["changed"] == 1, r.text
    rows: list[dict[str, Any]] = await items(client, h, pid)
    assert rows[2]["track"]["title"] == "Not In The Library"


async def test_a_path_outside_the_library_is_never_read_or_told_apart(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    await _library(client, h, tmp_path)
    secret = tmp_path / "secret.mp3"
    secret.write_bytes(b"ID3 not yours")
    body = (
        f"#EXTM3U\n#EXTINF:6,Someone - Same Title\n{secret}\n"
        f"#EXTINF:6,Someone - Same Title\n{tmp_path / 'absent.mp3'}\n"
        "#EXTINF:6,Someone - Same Title\n/etc/passwd\n"
    ).encode()
    r = await _post(client, h, body, preview=True)
    assert r.status_code == 200, r.text
    rows = r.json()["playlists"][0]["rows"]
    told = [{k: v for k, v in row.items() if k not in ("index", "entry")} for row in rows]
    assert told[0] == told[1] == told[2] and told[0]["bucket"] == "unmatched"

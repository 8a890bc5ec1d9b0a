"""Smart playlists over HTTP: rules on every field and operator family, all/any nesting, sort
and limit, evaluated when read for the reader (their own play counts, last played and loves,
only tracks they may list), the live preview, export, and Navidrome `.nsp` files in and out."""

from __future__ import annotations

import asyncio
import json
import math
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio
from tests.library.factories import upload, wait_job
from tests.playlists.factories import playlist
from tonearm.models.jobs import Job, JobStatus
from tonearm.models.library import Track
from tonearm.models.listening import Play
from tonearm.platform.state import AppState

H = dict[str, str]
# title, artists, album, album artist, genres, year, format, seconds
SONGS = [
    ("Blue Train", ["John Coltrane"], "Blue Train", "John Coltrane", ["Jazz"], 1957, "mp3", 2),
    ("Giant Steps", ["John Coltrane"], "Giant Steps", None, ["Jazz", "Hard Bop"], 1960, "flac", 3),
    ("Jóga", ["Björk"], "Homogenic", "Björk", ["Electronic"], 1997, "mp3", 1),
    ("So What", ["Miles Davis"], "Kind of Blue", None, ["Jazz"], 1959, "ogg", 4),
    (
        "Smells Like Teen Spirit",
        ["Nirvana"],
        "Nevermind",
        None,
        ["Grunge", "Rock"],
        1991,
        "flac",
        2,
    ),
]
ALICE = {s[0] for s in SONGS}
VISIBLE = ALICE | {"Public Jazz"}  # to Alice: hers and Carol's public one


async def _upload(
    client: httpx.AsyncClient, h: H, d: Path, songs: list[Any], visibility: str | None = None
) -> dict[str, dict[str, Any]]:
    files = []
    for i, (title, artists, album, album_artist, genres, year, fmt, seconds) in enumerate(songs):
        tags: dict[str, Any] = {
            "title": title,
            "artists": artists,
            "album": album,
            "genres": genres,
            "date": str(year),
        }
        if album_artist:
            tags["album_artist"] = album_artist
        ext = {"ogg": ".ogg", "flac": ".flac", "mp3": ".mp3"}[fmt]
        name = f"{uuid.uuid4().hex}{ext}"
        files.append(
            make_audio(d / name, fmt, seconds=seconds, tags=tags, seed=hash(title) % 9000 + i + 1)
        )
    r = await upload(client, h, *files, visibility=visibility)
    assert r.status_code == 201, r.text
    return {item["track"]["title"]: item["track"] for item in r.json()["items"]}


@pytest.fixture
async def world(client: httpx.AsyncClient, tmp_path: Path, state: AppState) -> dict[str, Any]:
    """Carol (the admin, who may publish) has one public and one private track; Alice has
    five private ones; Bob has none. Alice played Jóga twice and So What once (30 days ago),
    loves Blue Train; Bob played Carol's public track three times and loves it."""
    carol = bearer(await register(client))
    theirs = await _upload(
        client,
        carol,
        tmp_path,
        [("Public Jazz", ["Carol Band"], "Open", None, ["Jazz"], 2001, "mp3", 1)],
        "public",
    )
    secret = await _upload(
        client,
        carol,
        tmp_path,
        [("Secret Jazz", ["John Coltrane"], "Hidden", None, ["Jazz"], 1958, "mp3", 1)],
    )
    alice = bearer(await register(client))
    bob = bearer(await register(client))
    mine = await _upload(client, alice, tmp_path, SONGS)
    tracks = {**mine, **theirs, **secret}
    for h, title, times in ((alice, "Jóga", 2), (alice, "So What", 1), (bob, "Public Jazz", 3)):
        for _ in range(times):
            body = {"track_id": tracks[title]["id"], "event": "complete"}
            assert (await client.post("/api/v1/plays", headers=h, json=body)).status_code == 201
    for h, title in ((alice, "Blue Train"), (bob, "Public Jazz")):
        r = await client.put(f"/api/v1/tracks/{tracks[title]['id']}/love", headers=h)
        assert r.status_code in (200, 204), r.text
    long_ago = datetime.now(UTC) - timedelta(days=30)
    async with state.db.session() as s:
        await s.execute(
            update(Play)
            .where(Play.track_id == uuid.UUID(tracks["So What"]["id"]))
            .values(started_at=long_ago, updated_at=long_ago)
        )
        await s.execute(
            update(Track)
            .where(Track.id == uuid.UUID(tracks["Giant Steps"]["id"]))
            .values(created_at=datetime(2020, 6, 15, 12, tzinfo=UTC))
        )
        await s.commit()
    return {"alice": alice, "bob": bob, "carol": carol, "tracks": tracks}


def rule(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


async def preview(
    client: httpx.AsyncClient, h: H, rules: dict[str, Any], **extra: Any
) -> httpx.Response:
    body = {"rules": rules, **extra}
    return await client.post("/api/v1/playlists/smart/preview", headers=h, json=body)


async def selected(client: httpx.AsyncClient, h: H, rules: dict[str, Any], **extra: Any) -> Any:
    r = await preview(client, h, rules, **extra)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["total"] == len(out["items"])
    return (
        [t["title"] for t in out["items"]]
        if "sort" in extra
        else {t["title"] for t in out["items"]}
    )


async def tracks_of(client: httpx.AsyncClient, h: H, pid: str, limit: int = 2) -> list[str]:
    out: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        r = await client.get(f"/api/v1/playlists/{pid}/tracks", headers=h, params=params)
        assert r.status_code == 200, r.text
        out += [t["title"] for t in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return out


async def test_text_fields_and_operators(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    a = world["alice"]
    cases = [
        (rule("artist", "contains", "COLTRANE"), {"Blue Train", "Giant Steps"}),
        (rule("artist", "is", "bjork"), {"Jóga"}),  # accents and case ignored
        (rule("artist", "is_not", "John Coltrane"), VISIBLE - {"Blue Train", "Giant Steps"}),
        (rule("title", "starts_with", "so"), {"So What"}),
        (rule("title", "ends_with", "STEPS"), {"Giant Steps"}),
        (rule("title", "not_contains", "e"), {"Jóga", "So What", "Public Jazz"}),
        (rule("album", "is", "kind of blue"), {"So What"}),
        (rule("album_artist", "is", "Björk"), {"Jóga"}),
        (rule("genre", "is", "jazz"), {"Blue Train", "Giant Steps", "So What", "Public Jazz"}),
        (rule("genre", "contains", "bop"), {"Giant Steps"}),
        (rule("genre", "starts_with", "gru"), {"Smells Like Teen Spirit"}),
        (rule("genre", "ends_with", "ock"), {"Smells Like Teen Spirit"}),
        (rule("genre", "is_not", "Jazz"), {"Jóga", "Smells Like Teen Spirit"}),
        (rule("format", "is", "flac"), {"Giant Steps", "Smells Like Teen Spirit"}),
        (rule("format", "is_not", "mp3"), {"Giant Steps", "So What", "Smells Like Teen Spirit"}),
        (rule("title", "contains", "%"), set()),  # LIKE wildcards are text
    ]
    for r, want in cases:
        assert await selected(client, a, {"all": [r]}) == want, r


async def test_numbers_dates_and_loved(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    a, t = world["alice"], world["tracks"]
    visible = VISIBLE
    cases = [
        (rule("year", "is", 1959), {"So What"}),
        (rule("year", "is_not", 1959), visible - {"So What"}),
        (rule("year", "gt", 1991), {"Jóga", "Public Jazz"}),
        (rule("year", "lt", 1959), {"Blue Train"}),
        (rule("year", "in_range", [1957, 1960]), {"Blue Train", "So What", "Giant Steps"}),
        (rule("play_count", "gt", 0), {"Jóga", "So What"}),  # Bob's plays are not Alice's
        (rule("play_count", "is", 2), {"Jóga"}),
        (rule("play_count", "lt", 1), visible - {"Jóga", "So What"}),
        (rule("last_played", "in_the_last", 7), {"Jóga"}),
        (rule("last_played", "not_in_the_last", 7), visible - {"Jóga"}),
        (rule("added", "in_the_last", 7), visible - {"Giant Steps"}),
        (rule("added", "not_in_the_last", 7), {"Giant Steps"}),
        (rule("added", "before", "2021-01-01"), {"Giant Steps"}),
        (rule("added", "after", "2020-06-15"), visible - {"Giant Steps"}),  # the next day on
        (rule("added", "after", "2020-06-14"), visible),
        (rule("loved", "is", True), {"Blue Train"}),
        (rule("loved", "is", False), visible - {"Blue Train"}),
    ]
    for r, want in cases:
        assert await selected(client, a, {"all": [r]}) == want, r
    # Duration in whole seconds and bit rate in kbps, against what the tracks say of themselves.
    seconds = {n: math.floor(x["duration"]) for n, x in t.items() if n in visible}
    kbps = {n: (x["bitrate"] or 0) // 1000 for n, x in t.items() if n in visible}
    d = seconds["So What"]
    assert await selected(client, a, {"all": [rule("duration", "gt", d - 1)]}) == {
        n for n, s in seconds.items() if s > d - 1
    }
    assert await selected(client, a, {"all": [rule("duration", "is", d)]}) == {
        n for n, s in seconds.items() if s == d
    }
    k = kbps["Blue Train"]
    assert k > 0
    assert await selected(client, a, {"all": [rule("bit_rate", "is", k)]}) == {
        n for n, v in kbps.items() if v == k
    }
    assert await selected(client, a, {"all": [rule("bit_rate", "in_range", [k, k + 5000])]}) == {
        n for n, v in kbps.items() if k <= v <= k + 5000
    }


async def test_all_any_nesting(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    a = world["alice"]
    nested = {
        "all": [
            rule("genre", "is", "jazz"),
            {"any": [rule("year", "lt", 1958), rule("artist", "is", "miles davis")]},
        ]
    }
    assert await selected(client, a, nested) == {"Blue Train", "So What"}
    either = {"any": [rule("artist", "is", "nirvana"), rule("loved", "is", True)]}
    assert await selected(client, a, either) == {"Smells Like Teen Spirit", "Blue Train"}
    three = {"any": [{"all": [{"any": [rule("title", "is", "jóga")]}]}]}
    assert await selected(client, a, three) == {"Jóga"}
    assert await selected(client, a, {"any": []}) == set()
    assert len(await selected(client, a, {"all": []})) == 6


async def test_bad_rules_are_422(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    a = world["alice"]
    bad = [
        {"all": [rule("year", "contains", "19")]},
        {"all": [rule("title", "gt", 3)]},
        {"all": [rule("loved", "is", "yes")]},
        {"all": [rule("rating", "is", 3)]},
        {"all": [rule("added", "before", "2020-13-01")]},
        {"all": [rule("year", "in_range", [2000, 1990])]},
        {"all": [rule("year", "is", 19.5)]},
        {"all": [rule("title", "is", "  ")]},
        {"all": [], "any": []},
        {"all": [{"any": [{"all": [{"any": [rule("year", "is", 1)]}]}]}]},  # 4 deep
        {"all": [rule("year", "is", i) for i in range(51)]},
    ]
    for rules in bad:
        r = await preview(client, a, rules)
        assert (r.status_code, r.json()["code"]) == (422, "validation_error"), rules
    for limit in (0, 10_001):
        r = await preview(client, a, {"all": []}, limit=limit)
        assert r.status_code == 422
    r = await client.post(
        "/api/v1/playlists", headers=a, json={"name": "x", "kind": "smart"}
    )  # no rules
    assert r.status_code == 422
    r = await client.post(
        "/api/v1/playlists", headers=a, json={"name": "x", "rules": {"all": []}}
    )  # rules on a static playlist
    assert r.status_code == 422


async def test_sort_limit_and_paging(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    a = world["alice"]
    jazz = {"all": [rule("genre", "is", "jazz")]}
    by_year = await selected(client, a, jazz, sort={"field": "year", "order": "desc"}, limit=3)
    assert by_year == ["Public Jazz", "Giant Steps", "So What"]
    assert await selected(client, a, jazz, sort={"field": "title"}) == [
        "Blue Train",
        "Giant Steps",
        "Public Jazz",
        "So What",
    ]
    played = await selected(client, a, {"all": []}, sort={"field": "play_count", "order": "desc"})
    assert played[:2] == ["Jóga", "So What"]

    p = await playlist(
        client,
        a,
        "Jazz by year",
        kind="smart",
        rules=jazz,
        sort={"field": "year", "order": "asc"},
        limit=3,
    )
    assert (p["kind"], p["item_count"], p["limit"]) == ("smart", 3, 3)
    assert p["rules"] == jazz and p["sort"] == {"field": "year", "order": "asc"}
    assert await tracks_of(client, a, p["id"]) == ["Blue Train", "So What", "Giant Steps"]
    got = (await client.get(f"/api/v1/playlists/{p['id']}", headers=a)).json()
    total = sum(world["tracks"][n]["duration"] for n in ("Blue Train", "So What", "Giant Steps"))
    assert got["duration"] == pytest.approx(total, abs=0.01)

    # Random: the pages of one read agree (no repeats, none missing).
    r = await client.patch(
        f"/api/v1/playlists/{p['id']}",
        headers=a,
        json={"rules": {"all": []}, "sort": {"field": "random"}, "unlimited": True},
    )
    assert r.status_code == 200, r.text
    assert (r.json()["item_count"], r.json()["limit"]) == (6, None)
    shuffled = await tracks_of(client, a, p["id"], limit=2)
    assert sorted(shuffled) == sorted(ALICE | {"Public Jazz"})
    r = await client.patch(f"/api/v1/playlists/{p['id']}", headers=a, json={"limit": 2})
    assert r.json()["item_count"] == 2 and len(await tracks_of(client, a, p["id"])) == 2
    r = await client.get(
        f"/api/v1/playlists/{p['id']}/tracks", headers=a, params={"cursor": "bm9wZQ"}
    )
    assert (r.status_code, r.json()["code"]) == (400, "invalid_cursor")


async def test_reader_sees_their_own_tracks_and_annotations(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    a, b, c = world["alice"], world["bob"], world["carol"]
    coltrane = {"all": [rule("artist", "contains", "coltrane")]}
    assert await selected(client, a, coltrane) == {"Blue Train", "Giant Steps"}  # not Carol's
    assert await selected(client, b, coltrane) == set()
    assert await selected(client, c, coltrane) == {"Secret Jazz"}

    rules = {"any": [rule("play_count", "gt", 0), rule("loved", "is", True)]}
    p = await playlist(client, a, "Mine", kind="smart", rules=rules, visibility="public")
    assert set(await tracks_of(client, a, p["id"])) == {"Jóga", "So What", "Blue Train"}
    # Bob reads Alice's public smart playlist: his plays and loves, only tracks he may list.
    assert await tracks_of(client, b, p["id"]) == ["Public Jazz"]
    got = (await client.get(f"/api/v1/playlists/{p['id']}", headers=b)).json()
    assert (got["item_count"], got["mine"]) == (1, False)
    r = await client.get(f"/api/v1/playlists/{p['id']}/tracks")  # a guest: no plays, no loves
    assert r.status_code == 200 and r.json()["items"] == []
    # Private smart playlists are not found by others; only the owner edits rules.
    private = await playlist(client, a, "Private", kind="smart", rules=rules)
    r = await client.get(f"/api/v1/playlists/{private['id']}/tracks", headers=b)
    assert (r.status_code, r.json()["code"]) == (404, "playlist_not_found")
    r = await client.patch(f"/api/v1/playlists/{p['id']}", headers=b, json={"limit": 1})
    assert r.status_code == 403


async def test_smart_and_static_keep_to_their_routes(
    client: httpx.AsyncClient, world: dict[str, Any]
) -> None:
    a, t = world["alice"], world["tracks"]
    smart = await playlist(client, a, "S", kind="smart", rules={"all": []})
    static = await playlist(client, a, "T")
    r = await client.post(
        f"/api/v1/playlists/{smart['id']}/items",
        headers=a,
        json={"track_ids": [t["Jóga"]["id"]]},
    )
    assert (r.status_code, r.json()["code"]) == (409, "smart_playlist_items")
    r = await client.get(f"/api/v1/playlists/{static['id']}/tracks", headers=a)
    assert (r.status_code, r.json()["code"]) == (409, "not_smart_playlist")
    r = await client.patch(f"/api/v1/playlists/{static['id']}", headers=a, json={"limit": 3})
    assert (r.status_code, r.json()["code"]) == (409, "not_smart_playlist")
    r = await client.patch(
        f"/api/v1/playlists/{smart['id']}",
        headers=a,
        json={"rules": {"all": [rule("year", "contains", 1)]}},
    )
    assert r.status_code == 422
    dup = await client.post(f"/api/v1/playlists/{smart['id']}/duplicate", headers=a)
    assert dup.status_code == 201 and dup.json()["kind"] == "smart"
    assert dup.json()["item_count"] == 6


@pytest.mark.usefixtures("job_runner")
async def test_export_writes_the_evaluated_tracks(
    client: httpx.AsyncClient, world: dict[str, Any], state: AppState
) -> None:
    a = world["alice"]
    rules = {"all": [rule("genre", "is", "jazz")]}
    p = await playlist(client, a, "Jazz", kind="smart", rules=rules, sort={"field": "year"})
    r = await client.post(f"/api/v1/playlists/{p['id']}/export", headers=a, json={"format": "m3u8"})
    assert r.status_code == 202, r.text
    job = await wait_job(client, a, r.json()["job_id"])
    assert job["status"] == "succeeded", job
    text = (await client.get(job["result"]["url"])).text
    order = [text.index(n) for n in ("Blue Train", "So What", "Giant Steps", "Public Jazz")]
    assert order == sorted(order) and "Secret" not in text and job["result"]["entries"] == 4
    await _settle(state)


async def _settle(state: AppState, timeout: float = 120) -> None:
    """Wait for the uploads' processing jobs: one stopped mid-write at teardown holds SQLite's
    lock past the tables being emptied."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        async with state.db.session() as s:
            busy = await s.scalar(
                select(func.count(Job.id)).where(
                    Job.status.in_([JobStatus.queued, JobStatus.running])
                )
            )
        if not busy:
            return
        await asyncio.sleep(0.2)


async def _import_nsp(client: httpx.AsyncClient, h: H, data: bytes, name: str) -> httpx.Response:
    files = [("file", (name, data, "application/json"))]
    return await client.post("/api/v1/playlists/smart/import", headers=h, files=files)


async def test_nsp_round_trip(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    a = world["alice"]
    rules = {
        "all": [
            rule("genre", "is_not", "grunge"),
            {
                "any": [
                    rule("year", "in_range", [1950, 1959]),
                    rule("added", "before", "2021-01-01"),
                ]
            },
            rule("last_played", "not_in_the_last", 400),
        ]
    }
    sort = {"field": "year", "order": "desc"}
    p = await playlist(client, a, "Fifties & co", kind="smart", rules=rules, sort=sort, limit=20)
    r = await client.get(f"/api/v1/playlists/{p['id']}/nsp", headers=a)
    assert r.status_code == 200 and ".nsp" in r.headers["content-disposition"]
    doc = r.json()
    assert doc["name"] == "Fifties & co" and doc["sort"] == "year" and doc["order"] == "desc"
    assert doc["limit"] == 20 and doc["public"] is False
    assert doc["all"][0] == {"isNot": {"genre": "grunge"}}
    assert doc["all"][1]["any"][0] == {"inTheRange": {"year": [1950, 1959]}}
    assert doc["all"][2] == {"notInTheLast": {"lastPlayed": 400}}
    back = await _import_nsp(client, a, r.content, "whatever.nsp")
    assert back.status_code == 201, back.text
    q = back.json()
    assert (q["name"], q["kind"], q["rules"], q["sort"], q["limit"]) == (
        "Fifties & co",
        "smart",
        rules,
        sort,
        20,
    )
    assert await tracks_of(client, a, q["id"]) == await tracks_of(client, a, p["id"])
    assert await tracks_of(client, a, q["id"]) == ["Giant Steps", "Blue Train"]


NAVIDROME_RECENT = b"""/*
  Top Level Comment
*/
{
  "name": "Recently Played",
  "comment": "Recently played tracks",
  "all": [
    // This is an inline comment
    {"inTheLast": {"lastPlayed": 30}}
  ],
  "sort": "lastPlayed",
  "order": "desc",
  "limit": 100
}
"""
NAVIDROME_EIGHTIES = b"""{
  "all": [
    { "any": [
      {"is": {"loved": true}},
      {"gt": {"playCount": 1}}
    ]},
    {"inTheRange": {"year": [1951, 2000]}}
  ],
  "sort": "-year",
  "limit": 25,
  "public": true
}
"""


async def test_navidrome_files(client: httpx.AsyncClient, world: dict[str, Any]) -> None:
    a = world["alice"]
    r = await _import_nsp(client, a, NAVIDROME_RECENT, "recent.nsp")
    assert r.status_code == 201, r.text
    p = r.json()
    assert (p["name"], p["description"], p["visibility"]) == (
        "Recently Played",
        "Recently played tracks",
        "private",
    )
    assert p["sort"] == {"field": "last_played", "order": "desc"} and p["limit"] == 100
    assert await tracks_of(client, a, p["id"]) == ["Jóga"]  # So What was 30 days ago, not in

    r = await _import_nsp(client, a, NAVIDROME_EIGHTIES, "80's Top Songs.nsp")
    assert r.status_code == 201, r.text
    p = r.json()
    assert (p["name"], p["visibility"], p["sort"]) == (
        "80's Top Songs",
        "public",
        {"field": "year", "order": "desc"},
    )
    assert await tracks_of(client, a, p["id"]) == ["Jóga", "Blue Train"]

    for doc, named in (
        ({"all": [{"gt": {"rating": 3}}]}, "rating"),
        ({"all": [{"inPlaylist": {"id": "x"}}]}, "inPlaylist"),
        ({"all": [{"is": {"loved": True}}], "sort": "dateLoved"}, "dateLoved"),
        ({"all": [{"is": {"loved": True}}], "limitPercent": 10}, "limitPercent"),
        ({"all": [{"contains": {"year": "19"}}]}, "year"),
        ({"any": [{"is": {"loved": True}}], "all": []}, "all"),
    ):
        r = await _import_nsp(client, a, json.dumps(doc).encode(), "bad.nsp")
        assert (r.status_code, r.json()["code"]) == (422, "invalid_smart_rules"), doc
        assert named in r.json()["detail"], r.json()
    for data in (b"{not json", b"[]", b'{"name": "x"}', b"\xff\xfe"):
        r = await _import_nsp(client, a, data, "bad.nsp")
        assert (r.status_code, r.json()["code"]) == (422, "invalid_smart_rules"), data
    mine = (await client.get("/api/v1/playlists", headers=a)).json()["items"]
    assert len(mine) == 2  # nothing saved from the failed ones

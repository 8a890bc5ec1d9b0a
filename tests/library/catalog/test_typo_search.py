"""Typo-tolerant search (the third tier of `tonearm.library.search.searcher`): a misspelt word
finds the indexed words one edit away, after what the exact tiers found, and only among what
the viewer may list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio
from tests.library.factories import upload
from tonearm.kit.db import Database
from tonearm.library.search.index import rebuild_index

Headers = dict[str, str] | None


def song(d: Path, name: str, title: str, artist: str, album: str) -> Path:
    tags = {"title": title, "artists": [artist], "album": album, "album_artist": artist}
    return make_audio(d / f"{name}.mp3", "mp3", seconds=1.0, tags=tags)


async def search(client: httpx.AsyncClient, h: Headers, q: str, limit: int = 10) -> Any:
    r = await client.get("/api/v1/search", params={"q": q, "limit": limit}, headers=h)
    assert r.status_code == 200, r.text
    return r.json()


def titles(res: dict[str, Any]) -> list[str]:
    return [t["title"] for t in res["tracks"]]


@pytest.fixture
async def public_library(client: httpx.AsyncClient, tmp_path: Path) -> dict[str, Any]:
    """Public tracks by an artist, and a listener who owns none of them."""
    admin = bearer(await register(client))  # first user: admin
    artist = await register(client)
    r = await client.patch(
        f"/api/v1/users/{artist['user']['id']}/role", headers=admin, json={"role": "artist"}
    )
    assert r.status_code == 200, r.text
    files = [
        song(tmp_path, "a", "Knalgan Theme", "Wesnoth", "Wesnoth"),
        song(tmp_path, "b", "Elvish Battle", "Wesnoth", "Wesnoth"),
        song(tmp_path, "c", "Northern Winds", "Frostlight", "Winter Songs"),
    ]
    r = await upload(client, bearer(artist), *files, visibility="public")
    assert r.status_code == 201, r.text
    return {
        "artist": bearer(artist),
        "listener": bearer(await register(client)),
        "tracks": {i["track"]["title"]: i["track"]["id"] for i in r.json()["items"]},
    }


async def test_a_misspelt_word_finds_tracks_albums_and_artists(
    client: httpx.AsyncClient, public_library: dict[str, Any]
) -> None:
    h = public_library["listener"]
    assert titles(await search(client, h, "knalgn")) == ["Knalgan Theme"]  # a letter missing
    assert titles(await search(client, None, "knalgn")) == ["Knalgan Theme"]  # a guest too
    for q in ("wesnth", "wensoth", "wesnooth", "wesnuth"):  # missing, swapped, extra, changed
        res = await search(client, h, q)
        assert [a["name"] for a in res["artists"]] == ["Wesnoth"], q
        assert [a["title"] for a in res["albums"]] == ["Wesnoth"], q
        assert sorted(titles(res)) == ["Elvish Battle", "Knalgan Theme"], q
    assert titles(await search(client, h, "KNÁLGAN")) == ["Knalgan Theme"]  # exact, folded
    assert titles(await search(client, h, "nrothern")) == ["Northern Winds"]


async def test_one_right_word_and_one_misspelt(
    client: httpx.AsyncClient, public_library: dict[str, Any]
) -> None:
    h = public_library["listener"]
    assert titles(await search(client, h, "knalgn theme")) == ["Knalgan Theme"]
    assert titles(await search(client, h, "elvsh wesnoth")) == ["Elvish Battle"]
    assert titles(await search(client, h, "wesnoth batle")) == ["Elvish Battle"]
    # The right word is typed half: it still matches as a prefix.
    assert titles(await search(client, h, "knalgn the")) == ["Knalgan Theme"]
    # Both words must match: the corrected one and a right one that goes elsewhere.
    assert titles(await search(client, h, "knalgn winds")) == []


async def test_garbage_and_two_typos_in_a_word_find_nothing(
    client: httpx.AsyncClient, public_library: dict[str, Any]
) -> None:
    h = public_library["listener"]
    assert titles(await search(client, h, "knalgn")) == ["Knalgan Theme"]  # one edit
    for q in ("zzqxjv", "qqqq", "knalgn zzqxjv", "wxyzzy theme", "knlgnn", "kanlgn"):
        res = await search(client, h, q)
        assert (res["tracks"], res["albums"], res["artists"]) == ([], [], []), q


async def test_the_fuzzy_tier_shows_only_what_the_viewer_may_list(
    client: httpx.AsyncClient, public_library: dict[str, Any], tmp_path: Path
) -> None:
    owner = bearer(await register(client))
    private = song(tmp_path, "p", "Drakish Lament", "Secret Band", "Hidden Tapes")
    assert (await upload(client, owner, private)).status_code == 201
    assert titles(await search(client, owner, "draksh")) == ["Drakish Lament"]
    assert [a["name"] for a in (await search(client, owner, "secrte"))["artists"]] == [
        "Secret Band"
    ]
    for h in (public_library["listener"], public_library["artist"], None):
        for q in ("drakish", "draksh", "secrte band", "hiden"):
            res = await search(client, h, q)
            assert (res["tracks"], res["albums"], res["artists"]) == ([], [], []), q


async def test_exact_tiers_come_before_fuzzy_ones(
    client: httpx.AsyncClient, public_library: dict[str, Any], tmp_path: Path
) -> None:
    h = public_library["artist"]
    more = [song(tmp_path, "k", "Knalge", "Dwarves", "Caves"), song(tmp_path, "x", "X", "Y", "Z")]
    assert (await upload(client, h, *more)).status_code == 201
    # "knalga" starts "knalgan" (tier 1) and is one letter from "knalge": the fuzzy hit
    # comes after, though it is the shorter title; the limit keeps the exact one.
    assert titles(await search(client, h, "knalga")) == ["Knalgan Theme", "Knalge"]
    assert titles(await search(client, h, "knalga", limit=1)) == ["Knalgan Theme"]
    # Several spellings for one word, beside another word.
    assert titles(await search(client, h, "knalga theme")) == ["Knalgan Theme"]
    assert titles(await search(client, h, "dwarvs knalg")) == ["Knalge"]
    # A whole indexed word is not corrected: "knalge" does not also find "knalgan".
    assert titles(await search(client, h, "knalge")) == ["Knalge"]


async def test_the_vocabulary_follows_edits_deletes_and_a_rebuild(
    client: httpx.AsyncClient, public_library: dict[str, Any], state: Any
) -> None:
    h = public_library["artist"]
    tid = public_library["tracks"]["Knalgan Theme"]
    r = await client.patch(f"/api/v1/library/tracks/{tid}", headers=h, json={"title": "Drake"})
    assert r.status_code == 200, r.text
    assert titles(await search(client, h, "knalgn")) == []
    assert titles(await search(client, h, "drakee")) == ["Drake"]
    assert (await client.delete(f"/api/v1/library/tracks/{tid}", headers=h)).status_code == 204
    assert titles(await search(client, h, "drakee")) == []

    db: Database = state.db
    async with db.engine.begin() as conn:  # the vocabulary lost behind the rows' back
        if conn.dialect.name == "postgresql":
            await conn.execute(text("DELETE FROM tracks_fts_vocab"))
        else:
            await conn.execute(text("INSERT INTO tracks_fts(tracks_fts) VALUES ('delete-all')"))
    assert titles(await search(client, h, "elvsh")) == []
    await rebuild_index(db.engine)  # what `tonearm db vacuum` runs after VACUUM
    assert titles(await search(client, h, "elvsh")) == ["Elvish Battle"]
    if state.db.engine.dialect.name == "postgresql":
        async with db.engine.connect() as conn:
            words = dict((await conn.execute(text("SELECT * FROM tracks_fts_vocab"))).all())
        assert "drake" not in words and "knalgan" not in words
        assert words["wesnoth"] == 1 and words["northern"] == 1  # Elvish Battle / Northern

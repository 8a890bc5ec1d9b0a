from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio, make_picture
from tests.library.factories import upload, wait_job


@pytest.fixture(scope="module")
def album_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    d = tmp_path_factory.mktemp("album")
    songs = [("Intro", 1, 1), ("Zebra Crossing", 2, 1), ("Ångström", 1, 2), ("Middle", 3, 1)]
    return [
        make_audio(
            d / f"{i}.flac",
            "flac",
            seconds=1.0,
            tags={
                "title": title,
                "artists": ["The Testers"],
                "album": "Sides of Tests",
                "album_artist": "The Testers",
                "track_number": n,
                "disc_number": disc,
                "date": "2021",
                "genres": ["Indie Rock"],
            },
        )
        for i, (title, n, disc) in enumerate(songs)
    ]


async def _library(client: httpx.AsyncClient, files: list[Path]) -> dict[str, Any]:
    h = bearer(await register(client))
    resp = await upload(client, h, *files)
    assert resp.status_code == 201, resp.text
    return {"h": h, "tracks": [i["track"] for i in resp.json()["items"]]}


async def test_album_lists_tracks_in_disc_and_track_order(
    client: httpx.AsyncClient, album_files: list[Path]
) -> None:
    lib = await _library(client, album_files)
    album_id = lib["tracks"][0]["album"]["id"]
    assert len({t["album"]["id"] for t in lib["tracks"]}) == 1
    album = (await client.get(f"/api/v1/library/albums/{album_id}", headers=lib["h"])).json()
    assert [t["title"] for t in album["tracks"]] == [
        "Intro",
        "Zebra Crossing",
        "Middle",
        "Ångström",
    ]
    assert album["track_count"] == 4
    assert album["artist"]["name"] == "The Testers"
    assert album["year"] == 2021
    albums = (await client.get("/api/v1/library/albums", headers=lib["h"])).json()
    assert [a["title"] for a in albums["items"]] == ["Sides of Tests"]
    artists = (await client.get("/api/v1/library/artists", headers=lib["h"])).json()
    assert [(a["name"], a["track_count"], a["album_count"]) for a in artists["items"]] == [
        ("The Testers", 4, 1)
    ]
    artist = (
        await client.get(f"/api/v1/library/artists/{artists['items'][0]['id']}", headers=lib["h"])
    ).json()
    assert [a["title"] for a in artist["albums"]] == ["Sides of Tests"]


async def test_track_list_sorting_filters_and_pagination(
    client: httpx.AsyncClient, album_files: list[Path]
) -> None:
    lib = await _library(client, album_files)
    h = lib["h"]
    by_title = (await client.get("/api/v1/library/tracks?sort=title", headers=h)).json()
    assert [t["title"] for t in by_title["items"]] == [
        "Ångström",
        "Intro",
        "Middle",
        "Zebra Crossing",
    ]
    desc = (await client.get("/api/v1/library/tracks?sort=title&order=desc", headers=h)).json()
    assert desc["items"][0]["title"] == "Zebra Crossing"
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"sort": "title", "limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/v1/library/tracks", headers=h, params=params)).json()
        seen += [t["title"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["Ångström", "Intro", "Middle", "Zebra Crossing"]
    genre = (await client.get("/api/v1/library/tracks?genre=indie rock", headers=h)).json()
    assert len(genre["items"]) == 4
    none = (await client.get("/api/v1/library/tracks?genre=jazz", headers=h)).json()
    assert none["items"] == []
    year = (await client.get("/api/v1/library/tracks?year=2021", headers=h)).json()
    assert len(year["items"]) == 4
    assert (await client.get("/api/v1/library/tracks?year=1999", headers=h)).json()["items"] == []


async def test_private_tracks_are_invisible_to_others(
    client: httpx.AsyncClient, album_files: list[Path]
) -> None:
    lib = await _library(client, album_files[:1])
    tid = lib["tracks"][0]["id"]
    other = bearer(await register(client))
    r = await client.get(f"/api/v1/library/tracks/{tid}", headers=other)
    assert r.status_code == 404 and r.json()["code"] == "track_not_found"
    assert (await client.get("/api/v1/library/tracks", headers=other)).json()["items"] == []
    assert (await client.get("/api/v1/library/albums", headers=other)).json()["items"] == []
    assert (await client.get("/api/v1/search?q=intro", headers=other)).json()["tracks"] == []
    r = await client.patch(f"/api/v1/library/tracks/{tid}", headers=other, json={"title": "x"})
    assert r.status_code == 404
    r = await client.delete(f"/api/v1/library/tracks/{tid}", headers=other)
    assert r.status_code == 404
    guest = await client.get(f"/api/v1/library/tracks/{tid}")
    assert guest.status_code == 404


async def test_unlisted_opens_by_id_but_is_not_listed(
    client: httpx.AsyncClient, album_files: list[Path]
) -> None:
    lib = await _library(client, album_files[:1])
    tid = lib["tracks"][0]["id"]
    r = await client.patch(
        f"/api/v1/library/tracks/{tid}", headers=lib["h"], json={"visibility": "unlisted"}
    )
    assert r.status_code == 200 and r.json()["visibility"] == "unlisted"
    other = bearer(await register(client))
    assert (await client.get(f"/api/v1/library/tracks/{tid}", headers=other)).status_code == 200
    assert (await client.get("/api/v1/library/tracks", headers=other)).json()["items"] == []
    public = await client.patch(
        f"/api/v1/library/tracks/{tid}", headers=lib["h"], json={"visibility": "public"}
    )
    # The first registered user of the test run may be admin; a listener is refused.
    if lib["tracks"][0]["owned"] and public.status_code == 403:
        assert public.json()["code"] == "public_requires_artist"


async def test_artists_publish_public_tracks(
    client: httpx.AsyncClient, album_files: list[Path]
) -> None:
    admin = bearer(await register(client))  # first user: admin
    artist = await register(client)
    uid = artist["user"]["id"]
    r = await client.patch(f"/api/v1/users/{uid}/role", headers=admin, json={"role": "artist"})
    assert r.status_code == 200
    h = bearer(artist)
    resp = await upload(client, h, album_files[1], visibility="public")
    assert resp.status_code == 201, resp.text
    tid = resp.json()["items"][0]["track"]["id"]
    listener = bearer(await register(client))
    listed = (await client.get("/api/v1/library/tracks", headers=listener)).json()["items"]
    assert [t["id"] for t in listed] == [tid]
    assert listed[0]["owned"] is False
    guest = (await client.get("/api/v1/library/tracks")).json()["items"]
    assert [t["id"] for t in guest] == [tid]
    r = await client.patch(f"/api/v1/library/tracks/{tid}", headers=listener, json={"title": "x"})
    assert r.status_code == 403 and r.json()["code"] == "not_track_owner"


async def test_edit_metadata_and_delete_removes_files(
    client: httpx.AsyncClient, album_files: list[Path], state: Any
) -> None:
    lib = await _library(client, album_files[:1])
    tid = lib["tracks"][0]["id"]
    r = await client.patch(
        f"/api/v1/library/tracks/{tid}",
        headers=lib["h"],
        json={
            "title": "Renamed",
            "artists": ["Ann", "Bob"],
            "album": "New Album",
            "year": 1999,
            "genres": ["Jazz"],
            "track_number": 7,
        },
    )
    assert r.status_code == 200, r.text
    t = r.json()
    assert t["title"] == "Renamed" and t["artist_name"] == "Ann & Bob"
    assert [a["name"] for a in t["artists"]] == ["Ann", "Bob"]
    assert t["album"]["title"] == "New Album" and t["year"] == 1999 and t["track_number"] == 7
    found = (await client.get("/api/v1/search?q=renam", headers=lib["h"])).json()
    assert [x["id"] for x in found["tracks"]] == [tid]
    bad = await client.patch(f"/api/v1/library/tracks/{tid}", headers=lib["h"], json={"isrc": "no"})
    assert bad.status_code == 422
    media = state.settings.data_dir / "media" / "tracks"
    assert any(media.rglob(f"*{tid}*"))
    assert (
        await client.delete(f"/api/v1/library/tracks/{tid}", headers=lib["h"])
    ).status_code == 204
    assert (await client.get(f"/api/v1/library/tracks/{tid}", headers=lib["h"])).status_code == 404
    assert not any(p.is_file() for p in media.rglob("*") if tid in str(p))


async def test_search_prefix_accents_case_and_ranking(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    specs = [
        ("Love", "Alpha"),
        ("Lovely Day", "Beta"),
        ("Glove Story", "Gamma"),
        ("Déjà Vu", "Björk"),
        ("All You Need Is Love", "The Beatles"),
    ]
    files = [
        make_audio(
            tmp_path / f"{i}.mp3",
            "mp3",
            seconds=1.0,
            tags={"title": t, "artists": [a], "album": f"{a} Album"},
        )
        for i, (t, a) in enumerate(specs)
    ]
    assert (await upload(client, h, *files)).status_code == 201
    res = (await client.get("/api/v1/search?q=love", headers=h)).json()
    titles = [t["title"] for t in res["tracks"]]
    assert titles[0] == "Love"  # exact first
    assert titles[1] == "Lovely Day"  # then title prefix
    assert "All You Need Is Love" in titles
    assert "Glove Story" not in titles  # prefix of words, not substrings
    assert [
        t["title"] for t in (await client.get("/api/v1/search?q=DEJA", headers=h)).json()["tracks"]
    ] == ["Déjà Vu"]
    bjork = (await client.get("/api/v1/search?q=bjo", headers=h)).json()
    assert [a["name"] for a in bjork["artists"]] == ["Björk"]
    assert [a["title"] for a in bjork["albums"]] == ["Björk Album"]
    multi = (await client.get("/api/v1/search?q=need lov", headers=h)).json()
    assert [t["title"] for t in multi["tracks"]] == ["All You Need Is Love"]
    for odd in (
        '"*',
        "___",
        "a_b c",
        "½ ²",
        "日本語 テスト",
        "AND OR NOT",
        "x" * 200,
        "-",
        "a:*|b",
    ):
        r = await client.get("/api/v1/search", params={"q": odd}, headers=h)
        assert r.status_code == 200, (odd, r.text)
        r = await client.get("/api/v1/search", params={"q": odd})  # a guest too
        assert r.status_code == 200, (odd, r.text)
    assert (await client.get("/api/v1/search?q=", headers=h)).status_code == 422


async def test_search_tiers_counts_loves_and_what_each_viewer_sees(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    admin = bearer(await register(client))  # first user: admin
    artist = await register(client)
    r = await client.patch(
        f"/api/v1/users/{artist['user']['id']}/role", headers=admin, json={"role": "artist"}
    )
    assert r.status_code == 200

    def song(name: str, title: str, who: str) -> Path:
        tags = {"title": title, "artists": [who], "album": "Heart Album", "album_artist": "Alpha"}
        return make_audio(tmp_path / f"{name}.mp3", "mp3", seconds=1.0, tags=tags)

    public = [
        song("a", "All You Need Is Love", "Beta"),
        song("b", "Lovely Day", "Alpha"),
        song("c", "Love", "Alpha"),
    ]
    assert (await upload(client, bearer(artist), *public, visibility="public")).status_code == 201
    fan = bearer(await register(client))  # keeps one private track on the same album
    assert (await upload(client, fan, song("d", "Love Me Do", "Alpha"))).status_code == 201
    listener = bearer(await register(client))

    async def search(h: dict[str, str] | None, q: str, limit: int = 10) -> dict[str, Any]:
        r = await client.get("/api/v1/search", params={"q": q, "limit": limit}, headers=h)
        assert r.status_code == 200, r.text
        return r.json()

    def titles(res: dict[str, Any]) -> list[str]:
        return [t["title"] for t in res["tracks"]]

    # Exact title, then title prefix in key order, then full-text hits; nobody else's
    # private track, and no track twice.
    everyone = ["Love", "Lovely Day", "All You Need Is Love"]
    assert titles(await search(listener, "love")) == everyone
    assert titles(await search(None, "love")) == everyone
    assert titles(await search(fan, "love")) == ["Love", "Love Me Do", "Lovely Day", *everyone[2:]]
    # A full prefix tier leaves no room for full-text hits; short queries use the prefix only.
    assert titles(await search(listener, "love", limit=2)) == ["Love", "Lovely Day"]
    assert titles(await search(listener, "lo")) == ["Love", "Lovely Day"]

    # Counts cover only the tracks the viewer may list.
    def album(res: dict[str, Any]) -> tuple[str, int]:
        [a] = res["albums"]
        return a["title"], a["track_count"]

    assert album(await search(listener, "heart")) == ("Heart Album", 3)
    assert album(await search(fan, "heart")) == ("Heart Album", 4)
    alpha = [a for a in (await search(listener, "alpha"))["artists"]]
    # Alpha is credited on two of them and is the album artist of all three (Beta's on it).
    assert [(a["name"], a["track_count"], a["album_count"]) for a in alpha] == [("Alpha", 3, 1)]
    alpha = [a for a in (await search(fan, "alpha"))["artists"]]
    assert [(a["name"], a["track_count"], a["album_count"]) for a in alpha] == [("Alpha", 4, 1)]

    # Loves are the viewer's own.
    res = await search(listener, "love")
    lovely = next(t["id"] for t in res["tracks"] if t["title"] == "Lovely Day")
    assert (await client.put(f"/api/v1/tracks/{lovely}/love", headers=listener)).status_code == 204
    loved = {t["title"]: t["loved"] for t in (await search(listener, "love"))["tracks"]}
    assert loved == {"Love": False, "Lovely Day": True, "All You Need Is Love": False}
    assert not any(t["loved"] for t in (await search(fan, "love"))["tracks"])
    assert not any(t["loved"] for t in (await search(None, "love"))["tracks"])


@pytest.mark.usefixtures("job_runner")
async def test_deleting_the_track_an_album_cover_came_from_keeps_a_cover(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    h = bearer(await register(client))
    files = [
        make_audio(
            tmp_path / f"{n}.mp3",
            "mp3",
            seconds=1.0,
            seed=n,
            tags={
                "title": f"Side {n}",
                "artists": ["Cover Band"],
                "album": "Covers",
                "album_artist": "Cover Band",
                "track_number": n,
            },
            picture=make_picture(size=(300, 300), color=(40 * n, 80, 120)),
        )
        for n in (1, 2)
    ]
    resp = await upload(client, h, *files)
    assert resp.status_code == 201, resp.text
    for item in resp.json()["items"]:
        assert (await wait_job(client, h, item["job_id"], timeout=120))["status"] == "succeeded"
    tracks = (await client.get("/api/v1/library/tracks", headers=h)).json()["items"]
    album_id = tracks[0]["album"]["id"]
    album = (await client.get(f"/api/v1/library/albums/{album_id}", headers=h)).json()
    by_art = {t["artwork"]["large"]: t["id"] for t in tracks}
    source = by_art[album["artwork"]["large"]]  # the track the album's cover came from
    assert (await client.delete(f"/api/v1/library/tracks/{source}", headers=h)).status_code == 204
    album = (await client.get(f"/api/v1/library/albums/{album_id}", headers=h)).json()
    [kept] = [t for t in tracks if t["id"] != source]
    assert album["has_artwork"] is True
    assert album["artwork"]["large"] == kept["artwork"]["large"]
    assert (await client.get(album["artwork"]["large"])).status_code == 200

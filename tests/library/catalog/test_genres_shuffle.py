"""Genres (a track holds several) and tracks at random for "shuffle all"."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio
from tests.library.factories import upload


async def _library(
    client: httpx.AsyncClient, tmp_path: Path
) -> tuple[dict[str, str], dict[str, str]]:
    """An owner with five tracks over three genres (one private), and another listener."""
    owner = bearer(await register(client))
    songs = [
        ("a", ["Rock", "Électro"], "One"),
        ("b", ["rock"], "One"),
        ("c", ["Jazz"], "Two"),
        ("d", [], "Two"),
        ("e", ["Électro"], "Three"),
    ]
    paths = [
        make_audio(
            tmp_path / f"{name}.mp3",
            "mp3",
            seconds=1.0,
            seed=i,
            tags={
                "title": f"Song {name}",
                "artists": ["Genre Band"],
                "album": album,
                "genres": genres,
            },
        )
        for i, (name, genres, album) in enumerate(songs)
    ]
    assert (await upload(client, owner, *paths)).status_code == 201
    return owner, bearer(await register(client))


async def test_genres_with_counts_folded_and_only_what_the_viewer_may_list(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    owner, stranger = await _library(client, tmp_path)
    r = await client.get("/api/v1/library/genres", headers=owner)
    assert r.status_code == 200
    got = [(g["name"], g["track_count"], g["album_count"]) for g in r.json()["items"]]
    # "Rock" and "rock" are one genre; sorted by folded name; a track counts in each of its genres.
    assert got == [("Électro", 2, 2), ("Jazz", 1, 1), ("Rock", 2, 1)]
    assert (await client.get("/api/v1/library/genres", headers=stranger)).json()["items"] == []
    # The filter folds as the genres do: "electro" finds "Électro".
    r = await client.get("/api/v1/library/tracks", headers=owner, params={"genre": "electro"})
    assert sorted(t["title"] for t in r.json()["items"]) == ["Song a", "Song e"]


async def test_random_tracks_are_the_filtered_set_in_some_order(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    owner, stranger = await _library(client, tmp_path)
    orders = set()
    for _ in range(12):
        r = await client.get("/api/v1/library/random", headers=owner)
        assert r.status_code == 200
        titles = [t["title"] for t in r.json()["items"]]
        assert sorted(titles) == [f"Song {c}" for c in "abcde"]
        orders.add(tuple(titles))
    assert len(orders) > 1  # not one fixed order (1 in 120**11 to fail by chance)
    r = await client.get("/api/v1/library/random", headers=owner, params={"limit": 2})
    assert len(r.json()["items"]) == 2
    r = await client.get("/api/v1/library/random", headers=owner, params={"genre": "Rock"})
    assert sorted(t["title"] for t in r.json()["items"]) == ["Song a", "Song b"]
    assert (await client.get("/api/v1/library/random", headers=stranger)).json()["items"] == []
    bad = await client.get("/api/v1/library/random", headers=owner, params={"limit": 0})
    assert bad.status_code == 422

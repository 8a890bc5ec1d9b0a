"""Sync pairs: a Spotify playlist kept in step with a TIDAL one. The first run creates the
target; later runs add only what the source gained (nothing twice), skip a source whose
snapshot did not change, remove only when asked, and two ways make a union."""

from __future__ import annotations

from typing import Any

from tests.fakes import spotify as fake_spotify
from tests.library.factories import wait_job
from tests.migration.conftest import Env


def _spotify_append(env: Env, pid: str, key: str) -> None:
    pl = env.spotify.playlists[pid]
    env.spotify.track_id(key)
    pl.entries.append(fake_spotify.Entry("track", key, "2026-12-04T10:00:00Z", pl.owner))
    env.spotify._new_snapshot(pl)


def _spotify_remove(env: Env, pid: str, key: str) -> None:
    pl = env.spotify.playlists[pid]
    pl.entries = [e for e in pl.entries if e.ref != key]
    env.spotify._new_snapshot(pl)


async def _run(env: Env, pair_id: str) -> dict[str, Any]:
    r = await env.client.post(f"/api/v1/sync-pairs/{pair_id}/run", headers=env.h)
    assert r.status_code == 200, r.text
    return await _last(env)


async def _last(env: Env) -> dict[str, Any]:
    jobs = (await env.client.get("/api/v1/jobs", headers=env.h, params={"limit": 50})).json()
    for job in jobs["items"]:
        if job["kind"] == "migration.sync":
            await wait_job(env.client, env.h, job["id"])
    pairs = (await env.client.get("/api/v1/sync-pairs", headers=env.h)).json()["items"]
    return pairs[0]  # type: ignore[no-any-return]


def _pair(pid: str, **extra: Any) -> dict[str, Any]:
    return {
        "source": {"kind": "service", "service": "spotify"},
        "source_playlist_id": pid,
        "target": {"kind": "service", "service": "tidal"},
        "interval_minutes": 60,
        **extra,
    }


async def test_one_way_adds_only_what_the_source_gained(env: Env) -> None:
    s = env.songs
    pid = env.spotify.add_playlist(env.spotify_user, "Weekly", s.by_isrc[:3])
    r = await env.client.post("/api/v1/sync-pairs", headers=env.h, json=_pair(pid))
    assert r.status_code == 201, r.text
    pair = await _last(env)
    target = pair["target"]["playlist_id"]  # the first run made it, and the pair kept it
    assert pair["name"] == "Weekly"
    assert env.tidal.playlist_track_ids(target) == [env.tidal_id(k) for k in s.by_isrc[:3]]

    _spotify_append(env, pid, s.by_isrc[3])
    pair = await _run(env, pair["id"])
    assert env.tidal.playlist_track_ids(target) == [env.tidal_id(k) for k in s.by_isrc[:4]]
    assert len(env.tidal.playlists) == 1  # the same target, no second playlist

    reads = env.spotify.calls["GET /playlists/{id}/items"]
    pair = await _run(env, pair["id"])
    assert pair["last_result"]["unchanged"] is True
    assert env.spotify.calls["GET /playlists/{id}/items"] == reads  # not read again

    _spotify_remove(env, pid, s.by_isrc[0])  # removals are off: the target keeps it
    await _run(env, pair["id"])
    assert len(env.tidal.playlist_track_ids(target)) == 4


async def test_removals_when_turned_on(env: Env) -> None:
    s = env.songs
    pid = env.spotify.add_playlist(env.spotify_user, "Mirror", s.by_isrc[:3])
    r = await env.client.post("/api/v1/sync-pairs", headers=env.h, json=_pair(pid, removals=True))
    pair = await _last(env)
    target = pair["target"]["playlist_id"]
    _spotify_remove(env, pid, s.by_isrc[1])
    await _run(env, r.json()["id"])
    assert env.tidal.playlist_track_ids(target) == [
        env.tidal_id(s.by_isrc[0]),
        env.tidal_id(s.by_isrc[2]),
    ]


async def test_two_ways_is_a_union(env: Env) -> None:
    s = env.songs
    pid = env.spotify.add_playlist(env.spotify_user, "Shared", s.by_isrc[:2])
    tidal_list = env.tidal.add_playlist(env.tidal_user, "Shared", [env.tidal_id(s.by_isrc[2])])
    r = await env.client.post(
        "/api/v1/sync-pairs",
        headers=env.h,
        json=_pair(pid, mode="two_way", target_playlist_id=tidal_list.id),
    )
    assert r.status_code == 201, r.text
    await _last(env)
    on_tidal = env.tidal.playlist_track_ids(tidal_list.id)
    assert sorted(on_tidal) == sorted(env.tidal_id(k) for k in s.by_isrc[:3])
    on_spotify = env.spotify.entries(pid)
    assert sorted(on_spotify) == sorted(s.by_isrc[:3])

    await _run(env, r.json()["id"])  # nothing new on either side: nothing added twice
    assert len(env.tidal.playlist_track_ids(tidal_list.id)) == 3
    assert len(env.spotify.entries(pid)) == 3


async def test_pairs_are_the_owners_and_checked(env: Env) -> None:
    from tests.accounts.factories import bearer, register

    pid = env.spotify.add_playlist(env.spotify_user, "Mine", env.songs.by_isrc[:1])
    r = await env.client.post("/api/v1/sync-pairs", headers=env.h, json=_pair(pid))
    await _last(env)
    other = bearer(await register(env.client))
    assert (await env.client.get("/api/v1/sync-pairs", headers=other)).json()["items"] == []
    r2 = await env.client.post(f"/api/v1/sync-pairs/{r.json()['id']}/run", headers=other)
    assert (r2.status_code, r2.json()["code"]) == (404, "sync_pair_not_found")
    bad = await env.client.post(
        "/api/v1/sync-pairs", headers=env.h, json=_pair(pid, mode="two_way")
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "migration_side_invalid")
    r3 = await env.client.patch(
        f"/api/v1/sync-pairs/{r.json()['id']}", headers=env.h, json={"enabled": False}
    )
    assert r3.json()["enabled"] is False
    assert (
        await env.client.delete(f"/api/v1/sync-pairs/{r.json()['id']}", headers=env.h)
    ).status_code == 204

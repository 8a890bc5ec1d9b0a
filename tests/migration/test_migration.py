"""Migrations end to end: the real API, the real job runner, the real Spotify and TIDAL
clients against their fakes. ISRC first, then search scored with the version policy; review
rows confirmed by the user; each track written once, in order; a re-run asks nothing twice;
a run killed after a batch was sent resumes without duplicates."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from tests.migration.conftest import Env
from tonearm.connections import TokenKeeper
from tonearm.migration.flows import MigrationFlow
from tonearm.migration.sides import ServiceSide
from tonearm.models.migration import MigrationTrack
from tonearm.platform.state import AppState


def _playlist(env: Env, keys: list[str], name: str = "Road trip") -> str:
    return env.spotify.add_playlist(env.spotify_user, name, keys)


def _all_keys(env: Env) -> list[str]:
    s = env.songs
    return [*s.by_isrc, s.fuzzy, s.live_only, s.twins, s.missing]


def _spotify_to_tidal(pid: str | list[str], **extra: Any) -> dict[str, Any]:
    return {
        "source": {"kind": "service", "service": "spotify"},
        "target": {"kind": "service", "service": "tidal"},
        "playlists": [pid] if isinstance(pid, str) else pid,
        **extra,
    }


async def test_a_playlist_moves_with_every_decision_explained(env: Env) -> None:
    s = env.songs
    pid = _playlist(env, _all_keys(env))
    m = await env.migrate(_spotify_to_tidal(pid), status="review")
    assert m["counts"] == {
        "tracks": 10,
        "looked_up": 10,
        "matched": 7,
        "review": 1,
        "unmatched": 2,
        "skipped": 0,
        "written": 0,
    }
    rows = {r["entry"]["provider_ids"]["spotify"]: r for r in await env.tracks(m["id"])}
    spid = env.spotify.track_id
    for key in s.by_isrc:
        row = rows[spid(key)]
        assert (row["bucket"], row["rule"]) == ("matched", "isrc")
        assert row["target_track_id"] == env.tidal_id(key)
    fuzzy = rows[spid(s.fuzzy)]
    assert (fuzzy["bucket"], fuzzy["rule"]) == ("matched", "fuzzy")
    assert fuzzy["target_track_id"] == env.tidal_id(s.fuzzy)
    live = rows[spid(s.live_only)]
    assert live["bucket"] == "unmatched" and "another version" in live["reason"]
    twins = rows[spid(s.twins)]
    assert twins["bucket"] == "review" and len(twins["candidates"]) == 2
    assert all(c["track"]["title"] == "Paper Moon" for c in twins["candidates"])
    assert rows[spid(s.missing)]["bucket"] == "unmatched"
    assert env.tidal.playlists == {}  # nothing is written before the review

    pick = twins["candidates"][1]["id"]
    r = await env.client.patch(
        f"/api/v1/migrations/{m['id']}/tracks/{twins['id']}", headers=env.h, json={"choice": "x"}
    )
    assert (r.status_code, r.json()["code"]) == (409, "migration_choice_invalid")
    r = await env.client.patch(
        f"/api/v1/migrations/{m['id']}/tracks/{twins['id']}", headers=env.h, json={"choice": pick}
    )
    assert r.status_code == 200 and r.json()["decided_by"] == "user"
    r = await env.client.post(f"/api/v1/migrations/{m['id']}/apply", headers=env.h)
    assert r.status_code == 200, r.text
    done = await env.settle(r.json(), "done")
    assert done["counts"]["written"] == 8
    (target,) = done["playlists"]
    assert target["name"] == "Road trip" and target["target_id"] in env.tidal.playlists
    expected = [env.tidal_id(k) for k in [*s.by_isrc, s.fuzzy]] + [pick]
    assert env.tidal.playlist_track_ids(target["target_id"]) == expected

    again = await env.migrate(_spotify_to_tidal(pid), status="done")  # not asked twice
    assert again["counts"]["review"] == 1 and again["counts"]["written"] == 8
    rows = {r["entry"]["provider_ids"]["spotify"]: r for r in await env.tracks(again["id"])}
    assert rows[spid(s.twins)]["decided_by"] == "user"
    assert rows[spid(s.twins)]["target_track_id"] == pick
    assert "chose this one before" in rows[spid(s.twins)]["reason"]

    r = await env.client.get(f"/api/v1/migrations/{m['id']}/missing.csv", headers=env.h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "Stone River" in r.text and "Nowhere Found" in r.text and "Paper Moon" not in r.text
    assert "missing-on-tidal.csv" in r.headers["content-disposition"]


async def test_a_rerun_adds_nothing_twice_and_asks_nothing_twice(env: Env) -> None:
    keys = [*env.songs.by_isrc, env.songs.fuzzy]
    pid = _playlist(env, keys)
    first = await env.migrate(_spotify_to_tidal(pid), status="done")
    lookups = {k: v for k, v in env.tidal.counts.items() if "tracks" in k or "search" in k}
    second = await env.migrate(_spotify_to_tidal(pid), status="done")
    again = {k: v for k, v in env.tidal.counts.items() if "tracks" in k or "search" in k}
    assert again == lookups  # every answer came from the stored look-ups
    a, b = first["playlists"][0]["target_id"], second["playlists"][0]["target_id"]
    assert a != b
    assert env.tidal.playlist_track_ids(a) == env.tidal.playlist_track_ids(b)
    assert len(env.tidal.playlist_track_ids(a)) == len(keys)


async def test_a_dry_run_writes_nothing_until_applied(env: Env) -> None:
    pid = _playlist(env, env.songs.by_isrc)
    m = await env.migrate(_spotify_to_tidal(pid, dry_run=True), status="review")
    assert m["counts"]["matched"] == len(env.songs.by_isrc) and env.tidal.playlists == {}
    r = await env.client.post(f"/api/v1/migrations/{m['id']}/apply", headers=env.h)
    done = await env.settle(r.json(), "done")
    assert len(env.tidal.playlist_track_ids(done["playlists"][0]["target_id"])) == 6


async def test_liked_tracks_and_every_playlist(env: Env) -> None:
    env.spotify.like(env.spotify_user, env.songs.by_isrc[:3])
    m = await env.migrate({**_spotify_to_tidal("x"), "playlists": "liked"}, status="done")
    (target,) = m["playlists"]
    assert target["name"] == "Liked on Spotify"
    # Spotify lists the newest like first; the order is kept.
    expected = [env.tidal_id(k) for k in reversed(env.songs.by_isrc[:3])]
    assert env.tidal.playlist_track_ids(target["target_id"]) == expected

    _playlist(env, env.songs.by_isrc[:2], "One")
    _playlist(env, env.songs.by_isrc[2:4], "Two")
    m = await env.migrate({**_spotify_to_tidal("x"), "playlists": "all"}, status="done")
    assert sorted(p["name"] for p in m["playlists"]) == ["One", "Two"]


async def test_429s_are_waited_out_and_the_answer_is_the_same(env: Env) -> None:
    env.spotify.throttle_every = 3
    env.spotify.throttle_retry_after = "0"
    env.tidal.throttle_every = 4
    env.tidal.throttle_retry_after = "0"
    pid = _playlist(env, [*env.songs.by_isrc, env.songs.fuzzy])
    m = await env.migrate(_spotify_to_tidal(pid), status="done")
    assert env.spotify.throttled and env.tidal.throttled
    expected = [env.tidal_id(k) for k in [*env.songs.by_isrc, env.songs.fuzzy]]
    assert env.tidal.playlist_track_ids(m["playlists"][0]["target_id"]) == expected


class Killed(BaseException):
    """The process dies (not an error a handler could catch)."""


async def test_a_run_killed_after_sending_a_batch_resumes_and_writes_each_once(
    env: Env, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    many = [
        env.songs.spotify.add(f"Extra {i}", ["Crowd"], isrc=f"GBXXX26{i:05d}").key
        for i in range(25)
    ]
    for key in many:
        sp = env.songs.spotify.get(key)
        assert sp is not None
        tk = env.songs.tidal.add(sp.title, list(sp.artists), isrc=sp.isrc)
        env.songs.tidal_of[key] = tk.key
    pid = _playlist(env, many)
    r = await env.client.post(
        "/api/v1/migrations", headers=env.h, json=_spotify_to_tidal(pid, dry_run=True)
    )
    m = await env.settle(r.json(), "review")
    monkeypatch.setattr(ServiceSide, "add_batch", 10, raising=False)
    real_init = ServiceSide.__init__

    def small_batches(self: ServiceSide, slug: str, client: Any) -> None:
        real_init(self, slug, client)
        self.add_batch = 10

    monkeypatch.setattr(ServiceSide, "__init__", small_batches)
    real_append = ServiceSide.append
    sent = 0

    async def append_then_die(self: ServiceSide, playlist_id: str, ids: Any) -> None:
        nonlocal sent
        await real_append(self, playlist_id, ids)
        sent += 1
        if sent == 2:
            raise Killed()  # the second batch is at TIDAL; its record never made it

    monkeypatch.setattr(ServiceSide, "append", append_then_die)
    async with state.db.session() as s:
        row = await s.get(
            __import__("tonearm.models.migration", fromlist=["Migration"]).Migration,
            uuid.UUID(m["id"]),
        )
        assert row is not None
        row.dry_run = False
    flow = MigrationFlow(state.db.session, state.settings, state.storage, state.get(TokenKeeper))
    with pytest.raises(Killed):
        await flow.run(uuid.UUID(m["id"]))
    async with state.db.session() as s:
        written = (
            await s.scalars(select(MigrationTrack.written).where(MigrationTrack.written.is_(True)))
        ).all()
    assert len(written) == 10  # the first batch is recorded, the second is not

    monkeypatch.setattr(ServiceSide, "append", real_append)
    fresh = MigrationFlow(state.db.session, state.settings, state.storage, state.get(TokenKeeper))
    outcome = await fresh.run(uuid.UUID(m["id"]))
    assert outcome.status == "done" and outcome.counts["written"] == 25
    (target,) = [p for p in env.tidal.playlists.values()]
    assert env.tidal.playlist_track_ids(target.id) == [env.tidal_id(k) for k in many]


async def test_others_cannot_see_or_touch_a_migration(env: Env) -> None:
    from tests.accounts.factories import bearer, register

    pid = _playlist(env, env.songs.by_isrc[:1])
    m = await env.migrate(_spotify_to_tidal(pid), status="done")
    other = bearer(await register(env.client))
    for method, path in (
        ("GET", f"/api/v1/migrations/{m['id']}"),
        ("GET", f"/api/v1/migrations/{m['id']}/tracks"),
        ("GET", f"/api/v1/migrations/{m['id']}/missing.csv"),
        ("POST", f"/api/v1/migrations/{m['id']}/apply"),
    ):
        r = await env.client.request(method, path, headers=other)
        assert (r.status_code, r.json()["code"]) == (404, "migration_not_found"), path
    assert (await env.client.get("/api/v1/migrations", headers=other)).json()["items"] == []


async def test_bad_requests_are_refused_with_their_codes(env: Env) -> None:
    r = await env.client.post(
        "/api/v1/migrations",
        headers=env.h,
        json={**_spotify_to_tidal("x"), "target": {"kind": "service", "service": "spotify"}},
    )
    assert (r.status_code, r.json()["code"]) == (400, "migration_side_invalid")
    r = await env.client.post(
        "/api/v1/migrations",
        headers=env.h,
        json={**_spotify_to_tidal("x"), "source": {"kind": "service", "service": "deezer"}},
    )
    assert (r.status_code, r.json()["code"]) == (404, "connection_not_found")
    r = await env.client.post(
        "/api/v1/migrations",
        headers=env.h,
        json={**_spotify_to_tidal("x"), "target": {"kind": "service", "service": "musicbrainz"}},
    )
    assert (r.status_code, r.json()["code"]) == (400, "migration_side_invalid")
    r = await env.client.post(
        "/api/v1/migrations", headers=env.h, json={**_spotify_to_tidal("x"), "playlists": []}
    )
    assert r.status_code == 422
    r = await env.client.get(f"/api/v1/migrations/{uuid.uuid4()}", headers=env.h)
    assert r.status_code == 404


async def test_an_unknown_source_playlist_fails_the_migration_not_the_server(env: Env) -> None:
    r = await env.client.post(
        "/api/v1/migrations", headers=env.h, json=_spotify_to_tidal("0000000000000000000000")
    )
    assert r.status_code == 201
    from tests.library.factories import wait_job

    job = await wait_job(env.client, env.h, r.json()["job_id"])
    assert job["status"] == "failed"
    m = (await env.client.get(f"/api/v1/migrations/{r.json()['id']}", headers=env.h)).json()
    assert m["status"] == "failed" and "not found" in (m["error"] or "").lower()


async def test_a_playlist_written_as_a_file_keeps_every_track(env: Env) -> None:
    pid = _playlist(env, _all_keys(env), "Backup")
    body = {**_spotify_to_tidal(pid), "target": {"kind": "file", "format": "xspf"}}
    m = await env.migrate(body, status="done")
    assert m["counts"]["written"] == 10 and m["counts"]["matched"] == 10
    (target,) = m["playlists"]
    assert target["target_id"] == "Backup.xspf"
    r = await env.client.get(target["target_url"].removeprefix("http://testserver"))
    assert r.status_code == 200, r.text
    for title in ("Song number 0", "Heart of Glass - 2011 Remaster", "Nowhere Found"):
        assert f"<title>{title}</title>" in r.text
    assert env.tidal.playlists == {}
    r = await env.client.post(
        "/api/v1/migrations",
        headers=env.h,
        json={**body, "target": {"kind": "file", "format": "wav"}},
    )
    assert r.status_code == 422

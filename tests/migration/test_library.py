"""The Tonearm library as either end: a Spotify playlist becomes a Tonearm playlist of the
user's own tracks (matched by ISRC and by title and artists); a Tonearm playlist goes to
TIDAL; a playlist file goes to TIDAL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audio_fixtures import make_audio
from tests.library.factories import upload
from tests.migration.conftest import Env
from tonearm.platform.state import AppState


async def _library_tracks(env: Env, tmp_path: Path) -> dict[str, str]:
    """Two songs Spotify has and the user uploaded (one tagged with its ISRC, one not; Spotify
    gives no duration for them here, the uploads are a second long): spotify key -> library
    track id. TIDAL has both too."""
    wanted = {}
    for i, (title, isrc) in enumerate((("Quiet Lake", "SEAAA2600077"), ("Slow River", None))):
        sp = env.songs.spotify.add(title, ["Mara Lind"], isrc=isrc)
        td = env.songs.tidal.add(title, ["Mara Lind"], isrc=isrc)
        env.songs.tidal_of[sp.key] = td.key
        tags: dict[str, object] = {"title": title, "artists": ["Mara Lind"]}
        if isrc:
            tags["isrc"] = isrc
        path = make_audio(tmp_path / f"lib{i}.mp3", "mp3", seconds=1.0, seed=i + 7, tags=tags)
        r = await upload(env.client, env.h, path)
        assert r.status_code == 201, r.text
        wanted[sp.key] = r.json()["items"][0]["track"]["id"]
    return wanted


async def test_a_service_playlist_becomes_a_tonearm_playlist(env: Env, tmp_path: Path) -> None:
    s = env.songs
    ids = await _library_tracks(env, tmp_path)
    isrc_key, plain_key = list(ids)
    pid = env.spotify.add_playlist(
        env.spotify_user, "From Spotify", [isrc_key, plain_key, s.missing]
    )
    m = await env.migrate(
        {
            "source": {"kind": "service", "service": "spotify"},
            "target": {"kind": "library"},
            "playlists": [pid],
        },
        status="done",
    )
    assert m["counts"]["matched"] == 2 and m["counts"]["unmatched"] == 1
    (target,) = m["playlists"]
    r = await env.client.get(f"/api/v1/playlists/{target['target_id']}/items", headers=env.h)
    assert [i["track"]["id"] for i in r.json()["items"]] == [ids[isrc_key], ids[plain_key]]
    rows = {t["target_track_id"]: t["rule"] for t in await env.tracks(m["id"], bucket="matched")}
    assert rows[ids[isrc_key]] == "isrc" and rows[ids[plain_key]] == "fuzzy"


async def test_a_tonearm_playlist_goes_to_tidal(env: Env, tmp_path: Path) -> None:
    ids = await _library_tracks(env, tmp_path)
    r = await env.client.post("/api/v1/playlists", headers=env.h, json={"name": "Mine"})
    pid = r.json()["id"]
    r = await env.client.post(
        f"/api/v1/playlists/{pid}/items", headers=env.h, json={"track_ids": list(ids.values())}
    )
    assert r.status_code == 200, r.text
    m = await env.migrate(
        {
            "source": {"kind": "library"},
            "target": {"kind": "service", "service": "tidal"},
            "playlists": [pid],
        },
        status="done",
    )
    (target,) = m["playlists"]
    assert target["name"] == "Mine"
    expected = [env.tidal_id(k) for k in ids]
    assert env.tidal.playlist_track_ids(target["target_id"]) == expected


async def test_a_playlist_file_goes_to_tidal(env: Env) -> None:
    s = env.songs
    first = env.songs.spotify.get(s.by_isrc[1])
    assert first is not None
    m3u = (
        "#EXTM3U\n#PLAYLIST:Old mix\n"
        f"#EXTINF:{int(first.duration or 0)},{first.artists[0]} - {first.title}\nsong1.mp3\n"
        "#EXTINF:199,Ghost Band - Nowhere Found\nsong2.mp3\n"
    )
    r = await env.client.post(
        "/api/v1/migrations/upload",
        headers=env.h,
        files={"file": ("old.m3u8", m3u.encode())},
        data={"target": "tidal"},
    )
    assert r.status_code == 201, r.text
    m = await env.settle(r.json(), "done")
    assert m["counts"]["matched"] == 1 and m["counts"]["unmatched"] == 1
    (target,) = m["playlists"]
    assert target["name"] == "Old mix"
    assert env.tidal.playlist_track_ids(target["target_id"]) == [env.tidal_id(s.by_isrc[1])]
    bad = await env.client.post(
        "/api/v1/migrations/upload",
        headers=env.h,
        files={"file": ("x.m3u", b"#EXTM3U\n")},
        data={"target": "not a slug"},
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "bad_request")


async def test_a_service_playlist_kept_as_a_tonearm_snapshot(env: Env, tmp_path: Path) -> None:
    """A sync pair into the library with removals on: the Tonearm copy follows the service's
    playlist, and is not read again while its snapshot id stays the same."""
    ids = await _library_tracks(env, tmp_path)
    first, second = list(ids)
    pid = env.spotify.add_playlist(env.spotify_user, "Snapshot", [first])
    r = await env.client.post(
        "/api/v1/sync-pairs",
        headers=env.h,
        json={
            "source": {"kind": "service", "service": "spotify"},
            "source_playlist_id": pid,
            "target": {"kind": "library"},
            "removals": True,
        },
    )
    assert r.status_code == 201, r.text
    pair = await _last_pair(env)
    copy = pair["target"]["playlist_id"]

    async def items() -> list[str]:
        r = await env.client.get(f"/api/v1/playlists/{copy}/items", headers=env.h)
        return [i["track"]["id"] for i in r.json()["items"]]

    assert await items() == [ids[first]]
    pl = env.spotify.playlists[pid]
    pl.entries = []
    env.spotify.track_id(second)
    from tests.fakes.spotify import Entry

    pl.entries.append(Entry("track", second, "2026-12-04T11:00:00Z", pl.owner))
    env.spotify._new_snapshot(pl)
    await env.client.post(f"/api/v1/sync-pairs/{pair['id']}/run", headers=env.h)
    await _last_pair(env)
    assert await items() == [ids[second]]  # the first is gone, as on Spotify
    reads = env.spotify.calls["GET /playlists/{id}/items"]
    await env.client.post(f"/api/v1/sync-pairs/{pair['id']}/run", headers=env.h)
    assert (await _last_pair(env))["last_result"]["unchanged"] is True
    assert env.spotify.calls["GET /playlists/{id}/items"] == reads


async def _last_pair(env: Env) -> dict[str, object]:
    from tests.library.factories import wait_job

    jobs = (await env.client.get("/api/v1/jobs", headers=env.h, params={"limit": 50})).json()
    for job in jobs["items"]:
        if job["kind"] == "migration.sync":
            await wait_job(env.client, env.h, job["id"])
    return (await env.client.get("/api/v1/sync-pairs", headers=env.h)).json()["items"][0]  # type: ignore[no-any-return]


async def test_musicbrainz_gives_a_library_track_its_isrc(
    env: Env, tmp_path: Path, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library track tagged with its MusicBrainz recording id but no ISRC, titled as the
    file's owner wrote it: MusicBrainz gives the ISRC, and TIDAL's ISRC look-up finds it."""
    from tests.fakes.musicbrainz import FakeMusicBrainz
    from tests.services import wired

    wanted = env.songs.tidal.add("Lantern Bay", ["Oda Rekk"], duration=211, isrc="NOXXX2600042")
    mb = FakeMusicBrainz(env.songs.tidal)
    mb.min_interval = 0
    async with wired(state, monkeypatch, musicbrainz=(mb, {"api_url": "/ws/2"}, {})):
        tags = {
            "title": "lantern bay (home demo?)",
            "artists": ["Oda Rekk"],
            "mb_recording_id": mb.mbid(wanted),
        }
        path = make_audio(tmp_path / "mb.mp3", "mp3", seconds=1.0, seed=99, tags=tags)
        tid = (await upload(env.client, env.h, path)).json()["items"][0]["track"]["id"]
        r = await env.client.post("/api/v1/playlists", headers=env.h, json={"name": "Tagged"})
        pid = r.json()["id"]
        await env.client.post(
            f"/api/v1/playlists/{pid}/items", headers=env.h, json={"track_ids": [tid]}
        )
        m = await env.migrate(
            {
                "source": {"kind": "library"},
                "target": {"kind": "service", "service": "tidal"},
                "playlists": [pid],
            },
            status="done",
        )
    (row,) = await env.tracks(m["id"])
    assert (row["bucket"], row["rule"]) == ("matched", "isrc")
    assert row["target_track_id"] == env.tidal.track_id(wanted)
    assert mb.counts  # asked MusicBrainz

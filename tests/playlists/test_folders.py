"""Playlist files under a library root become the owner's playlists after each scan, matched
with the file's folder as the base of relative paths, updated when the file changes."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio
from tests.library.factories import wait_job
from tests.playlists.factories import items
from tonearm.platform.state import AppState


def _tags(title: str, artist: str, album: str, n: int) -> dict[str, object]:
    return {"title": title, "artists": [artist], "album": album, "album_artist": artist,
            "track_number": n}  # fmt: skip


@pytest.fixture
def music(tmp_path: Path, state: AppState, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "music"
    album = root / "The Quays" / "Tides"
    make_audio(album / "01 Harbour Lights.mp3", "mp3", seconds=1.0, seed=1,
               tags=_tags("Harbour Lights", "The Quays", "Tides", 1))  # fmt: skip
    make_audio(album / "02 Low Water.ogg", "ogg", seconds=1.0, seed=2,
               tags=_tags("Low Water", "The Quays", "Tides", 2))  # fmt: skip
    make_audio(root / "Frostlight" / "Northern Winds.flac", "flac", seconds=1.0, seed=3,
               tags=_tags("Northern Winds", "Frostlight", "Winter Songs", 1))  # fmt: skip
    lists = root / "Playlists"
    lists.mkdir()
    # Relative to the file's folder, with Windows separators, as foobar2000 writes them.
    (lists / "evening.m3u8").write_text(
        "#EXTM3U\n#PLAYLIST:Evening\n"
        "..\\The Quays\\Tides\\02 Low Water.ogg\n"
        "../Frostlight/Northern Winds.flac\n"
        "../Nowhere/gone.mp3\n",
        encoding="utf-8",
    )
    (root / "The Quays" / "best.pls").write_text(
        "[playlist]\nFile1=Tides/01 Harbour Lights.mp3\nNumberOfEntries=1\nVersion=2\n"
    )
    (lists / "broken.xspf").write_text("<playlist><unclosed>")
    # A Navidrome smart playlist, with the comment Navidrome's samples carry.
    (lists / "quays.nsp").write_text(
        '// the band\n{"name": "All The Quays", "all": [{"is": {"artist": "The Quays"}}],'
        ' "sort": "title", "order": "asc", "limit": 100}\n'
    )
    (root / ".hidden").mkdir()
    (root / ".hidden" / "secret.m3u").write_text("../Frostlight/Northern Winds.flac\n")
    monkeypatch.setattr(state.settings, "library_roots", [tmp_path])
    return root


async def _scan(client: httpx.AsyncClient, admin: dict[str, str], root: Path) -> dict[str, object]:
    r = await client.post(
        "/api/v1/admin/library/scans", headers=admin, json={"path": str(root), "process": False}
    )
    assert r.status_code == 202, r.text
    job = await wait_job(client, admin, r.json()["job_id"], timeout=120)
    assert job["status"] == "succeeded", job
    result: dict[str, object] = job["result"]
    return result


@pytest.mark.usefixtures("job_runner")
async def test_scan_imports_updates_and_keeps_playlist_files(
    client: httpx.AsyncClient, music: Path
) -> None:
    admin = bearer(await register(client))
    result = await _scan(client, admin, music)
    assert result["playlists"] == {"added": 3, "updated": 0, "unchanged": 0, "failed": 1}
    mine = (await client.get("/api/v1/playlists", headers=admin)).json()["items"]
    by_name = {p["name"]: p for p in mine}
    assert set(by_name) == {"Evening", "best", "All The Quays"}  # not the hidden folder's
    smart = by_name["All The Quays"]
    assert (smart["kind"], smart["item_count"]) == ("smart", 2)
    rows = await items(client, admin, by_name["Evening"]["id"])
    assert [r["track"]["title"] if r["track"] else None for r in rows] == [
        "Low Water",
        "Northern Winds",
        None,
    ]
    assert rows[0]["match"]["rule"] == "path"
    assert rows[2]["entry"]["location"] == "../Nowhere/gone.mp3"
    best = await items(client, admin, by_name["best"]["id"])
    assert [r["track"]["title"] for r in best] == ["Harbour Lights"]

    # Unchanged files are not read again; a renamed playlist keeps its name on update.
    again = await _scan(client, admin, music)
    assert again["playlists"] == {"added": 0, "updated": 0, "unchanged": 3, "failed": 1}
    pid = by_name["Evening"]["id"]
    r = await client.patch(f"/api/v1/playlists/{pid}", headers=admin, json={"name": "Dusk"})
    assert r.status_code == 200, r.text
    (music / "Playlists" / "evening.m3u8").write_text(
        "#EXTM3U\n../Frostlight/Northern Winds.flac\n", encoding="utf-8"
    )
    changed = await _scan(client, admin, music)
    assert changed["playlists"] == {"added": 0, "updated": 1, "unchanged": 2, "failed": 1}
    rows = await items(client, admin, pid)
    assert [r["track"]["title"] for r in rows] == ["Northern Winds"]
    got = (await client.get(f"/api/v1/playlists/{pid}", headers=admin)).json()
    assert (got["name"], got["item_count"]) == ("Dusk", 1)
    # Another user never sees the scanned (private) playlists.
    other = bearer(await register(client))
    assert (await client.get(f"/api/v1/playlists/{pid}", headers=other)).status_code == 404

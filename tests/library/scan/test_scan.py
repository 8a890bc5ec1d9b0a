"""The folder scanner: first scan, incremental rescans (moved, missing, changed, added,
restored), symlinks, the admin endpoint (roots, roles, the job) and `tonearm scan`."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio, make_picture, make_text_as_mp3, tag_file
from tests.library.factories import wait_job
from tonearm.library.catalog.builder import Catalog
from tonearm.library.catalog.metadata import TrackMetadata
from tonearm.library.scan import files as scan_files
from tonearm.library.scan.batch_catalog import BatchCatalog
from tonearm.library.scan.roots import ensure_root
from tonearm.library.scan.scanner import Scanner, ScanOptions, ScanReport
from tonearm.models.jobs import Job
from tonearm.models.library import Album, LibraryRoot, Track, TrackStatus
from tonearm.platform.state import AppState


def _tags(title: str, artist: str, album: str, n: int, **more: Any) -> dict[str, Any]:
    return {
        "title": title,
        "artists": [artist],
        "album": album,
        "album_artist": artist,
        "track_number": n,
        "date": "2001",
        "genres": ["Scan Rock"],
        **more,
    }


@pytest.fixture(scope="module")
def source_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The library as generated once; each test scans its own copy."""
    src = tmp_path_factory.mktemp("scan-src")
    album = src / "Band A" / "Album One"
    make_audio(album / "01 First.mp3", "mp3", seconds=1.0, seed=1,
               tags=_tags("First", "Band A", "Album One", 1))  # fmt: skip
    make_audio(album / "02 Second.flac", "flac", seconds=1.0, seed=2,
               tags=_tags("Second", "Band A", "Album One", 2))  # fmt: skip
    (album / "cover.jpg").write_bytes(make_picture(size=(300, 300)))
    other = src / "Band B" / "Other"
    make_audio(other / "ogg song.ogg", "ogg", seconds=1.0, seed=3,
               tags=_tags("Ogg Song", "Band B", "Other", 1))  # fmt: skip
    make_audio(other / "mp4 song.m4a", "m4a_aac", seconds=1.0, seed=4,
               tags=_tags("Mp4 Song", "Band B", "Other", 2))  # fmt: skip
    # No tags at all: everything comes from the folders.
    make_audio(src / "Folder Artist" / "2004 - Folder Album" / "01 - Title.flac", "flac",
               seconds=1.0, seed=5)  # fmt: skip
    make_text_as_mp3(src / "Band B" / "broken.mp3")  # mutagen cannot parse it: skipped
    (src / "Band B" / "notes.txt").write_text("not music")
    return src


@pytest.fixture(scope="module")
def outside_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scan-outside")
    make_audio(out / "secret.mp3", "mp3", seconds=1.0, seed=9,
               tags=_tags("Secret", "Outsider", "Elsewhere", 1))  # fmt: skip
    return out


@pytest.fixture
def library(tmp_path: Path, source_tree: Path, outside_tree: Path) -> Iterator[Path]:
    root = tmp_path / "music"
    shutil.copytree(source_tree, root)  # copy2: mtimes kept
    (root / "escape").symlink_to(outside_tree, target_is_directory=True)
    (root / "Band B" / "linked.mp3").symlink_to(outside_tree / "secret.mp3")
    yield root


async def _owner(client: httpx.AsyncClient) -> tuple[dict[str, str], uuid.UUID]:
    h = bearer(await register(client))
    me = (await client.get("/api/v1/me", headers=h)).json()
    return h, uuid.UUID(me["id"])


async def _root(state: AppState, path: Path, owner: uuid.UUID) -> uuid.UUID:
    async with state.db.session() as s:
        root = await ensure_root(s, path.resolve(), owner)
        return root.id


async def _scan(state: AppState, root_id: uuid.UUID, **options: Any) -> ScanReport:
    opts = ScanOptions(**{"pool": "thread", "workers": 2, "process": False, **options})
    return await Scanner(state.db, root_id, opts).run()


async def _tracks(state: AppState, root_id: uuid.UUID) -> dict[str, Track]:
    async with state.db.session() as s:
        rows = (await s.scalars(select(Track).where(Track.root_id == root_id))).all()
    return {t.path or "": t for t in rows}


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = scan_files.read_tags

    def counting(path: Any, fh: Any = None) -> Any:
        calls.append(str(path))
        return real(path, fh)

    monkeypatch.setattr(scan_files, "read_tags", counting)
    return calls


async def test_first_scan_adds_everything_and_browse_shows_it(
    client: httpx.AsyncClient, state: AppState, library: Path
) -> None:
    h, owner = await _owner(client)
    root_id = await _root(state, library, owner)
    report = await _scan(state, root_id)
    assert (report.added, report.skipped, report.errors, report.missing) == (5, 1, 0, 0)
    assert report.files == 6 and report.links_skipped == 2

    tracks = await _tracks(state, root_id)
    assert sorted(tracks) == [
        "Band A/Album One/01 First.mp3",
        "Band A/Album One/02 Second.flac",
        "Band B/Other/mp4 song.m4a",
        "Band B/Other/ogg song.ogg",
        "Folder Artist/2004 - Folder Album/01 - Title.flac",
    ]  # nothing from behind the links
    for t in tracks.values():
        assert t.owner_id == owner and t.storage_key is None and t.root_id == root_id
        assert t.status is TrackStatus.ready and t.duration > 0.5 and len(t.content_hash) == 64
    codecs = {p.rsplit(".", 1)[1]: (t.codec, t.container) for p, t in tracks.items()}
    assert codecs == {
        "mp3": ("mp3", "mp3"),
        "flac": ("flac", "flac"),
        "m4a": ("aac", "mp4"),
        "ogg": ("vorbis", "ogg"),
    }
    depth = {p.rsplit(".", 1)[1]: t.bits_per_sample for p, t in tracks.items()}
    assert depth == {"mp3": None, "flac": 16, "m4a": None, "ogg": None}

    listed = (await client.get("/api/v1/library/tracks?mine=true&limit=50", headers=h)).json()
    assert sorted(t["title"] for t in listed["items"]) == [
        "First",
        "Mp4 Song",
        "Ogg Song",
        "Second",
        "Title",
    ]
    assert all(t["owned"] and t["visibility"] == "private" for t in listed["items"])
    albums = (await client.get("/api/v1/library/albums", headers=h)).json()["items"]
    by_title = {a["title"]: a for a in albums}
    assert set(by_title) == {"Album One", "Other", "Folder Album"}
    assert by_title["Album One"]["artist"]["name"] == "Band A"
    assert by_title["Album One"]["track_count"] == 2
    # The untagged file: title, number, album, year and artist from its path.
    folder_album = by_title["Folder Album"]
    assert folder_album["year"] == 2004 and folder_album["artist"]["name"] == "Folder Artist"
    detail = (await client.get(f"/api/v1/library/albums/{folder_album['id']}", headers=h)).json()
    assert [(t["title"], t["track_number"]) for t in detail["tracks"]] == [("Title", 1)]
    artists = (await client.get("/api/v1/library/artists", headers=h)).json()["items"]
    assert {a["name"] for a in artists} == {"Band A", "Band B", "Folder Artist"}
    # Someone else sees none of these private tracks.
    other = bearer(await register(client))
    theirs = (await client.get("/api/v1/library/tracks", headers=other)).json()
    assert theirs["items"] == []


async def test_rescan_without_changes_reads_no_tags(
    client: httpx.AsyncClient,
    state: AppState,
    library: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, owner = await _owner(client)
    root_id = await _root(state, library, owner)
    first = await _scan(state, root_id)
    assert first.added == 5
    calls = _count_reads(monkeypatch)
    again = await _scan(state, root_id)
    assert calls == []
    assert (again.read, again.added, again.updated, again.moved, again.missing) == (0,) * 5
    assert again.unchanged_folders == again.folders == 4
    # --full ignores the fingerprints: every file is read again (and nothing is lost).
    full = await _scan(state, root_id, full=True)
    assert len(calls) == 6 and full.read == 6 and full.updated == 5 and full.added == 0
    assert len(await _tracks(state, root_id)) == 5


async def test_moved_missing_changed_added_and_restored(
    client: httpx.AsyncClient, state: AppState, library: Path
) -> None:
    h, owner = await _owner(client)
    root_id = await _root(state, library, owner)
    await _scan(state, root_id)
    before = await _tracks(state, root_id)
    first_id = before["Band A/Album One/01 First.mp3"].id
    second_id = before["Band A/Album One/02 Second.flac"].id
    ogg_id = before["Band B/Other/ogg song.ogg"].id
    m4a_id = before["Band B/Other/mp4 song.m4a"].id
    loved = await client.put(f"/api/v1/tracks/{first_id}/love", headers=h)
    assert loved.status_code == 204

    album = library / "Band A" / "Album One"
    (album / "01 First.mp3").rename(album / "01 First (renamed).mp3")  # renamed in place
    (library / "Moved").mkdir()
    (album / "02 Second.flac").rename(library / "Moved" / "02 Second.flac")  # other folder
    m4a = library / "Band B" / "Other" / "mp4 song.m4a"
    kept = library.parent / "kept.m4a"
    shutil.copy2(m4a, kept)
    m4a.unlink()  # gone
    ogg = library / "Band B" / "Other" / "ogg song.ogg"
    tag_file(ogg, "ogg", _tags("Ogg Song (Remaster)", "Band B", "Other", 1))
    st = ogg.stat()
    os.utime(ogg, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    make_audio(library / "Band B" / "Other" / "new.opus", "opus", seconds=1.0, seed=7,
               tags=_tags("Brand New", "Band B", "Other", 3))  # fmt: skip

    report = await _scan(state, root_id)
    assert (report.moved, report.missing, report.updated, report.added) == (2, 1, 1, 1)
    assert report.unchanged_folders == 2  # the untagged album, "Band B" (broken.mp3)
    after = await _tracks(state, root_id)
    assert after["Band A/Album One/01 First (renamed).mp3"].id == first_id
    assert after["Moved/02 Second.flac"].id == second_id
    assert after["Band B/Other/ogg song.ogg"].id == ogg_id
    assert after["Band B/Other/ogg song.ogg"].title == "Ogg Song (Remaster)"
    assert after["Band B/Other/mp4 song.m4a"].status is TrackStatus.missing
    assert after["Band B/Other/new.opus"].codec == "opus"
    assert len(after) == 6
    moved = (await client.get(f"/api/v1/library/tracks/{first_id}", headers=h)).json()
    assert moved["loved"] is True and moved["title"] == "First"

    # The missing file comes back: the same track, ready again.
    shutil.copy2(kept, m4a)
    back = await _scan(state, root_id)
    assert (back.restored, back.added, back.missing) == (1, 0, 0)
    assert (await _tracks(state, root_id))["Band B/Other/mp4 song.m4a"].id == m4a_id
    restored = (await _tracks(state, root_id))["Band B/Other/mp4 song.m4a"]
    assert restored.status is TrackStatus.ready


async def test_a_vanished_folder_marks_its_tracks_missing_and_a_copy_is_a_duplicate(
    client: httpx.AsyncClient, state: AppState, library: Path
) -> None:
    _, owner = await _owner(client)
    root_id = await _root(state, library, owner)
    await _scan(state, root_id)
    shutil.copy2(library / "Band A" / "Album One" / "01 First.mp3", library / "Band B" / "copy.mp3")
    shutil.rmtree(library / "Folder Artist")
    report = await _scan(state, root_id)
    assert (report.missing, report.duplicates, report.added) == (1, 1, 0)
    tracks = await _tracks(state, root_id)
    missing = tracks["Folder Artist/2004 - Folder Album/01 - Title.flac"]
    assert missing.status is TrackStatus.missing


async def test_symlinked_root_is_resolved_and_links_inside_are_not_followed(
    client: httpx.AsyncClient, state: AppState, library: Path, tmp_path: Path
) -> None:
    _, owner = await _owner(client)
    alias = tmp_path / "alias"
    alias.symlink_to(library, target_is_directory=True)
    root_id = await _root(state, alias, owner)
    async with state.db.session() as s:
        root = await s.get(LibraryRoot, root_id)
        assert root is not None and root.path == str(library.resolve())
    report = await _scan(state, root_id)
    assert report.added == 5 and report.links_skipped == 2


@pytest.mark.usefixtures("job_runner")
async def test_process_on_queues_the_processing_job_for_scanned_files(
    client: httpx.AsyncClient, state: AppState, tmp_path: Path, source_tree: Path
) -> None:
    h, owner = await _owner(client)
    root = tmp_path / "small"
    shutil.copytree(source_tree / "Band A", root)
    root_id = await _root(state, root, owner)
    report = await _scan(state, root_id, process=True)
    assert report.added == 2 and report.jobs == 2
    async with state.db.session() as s:
        jobs = (await s.scalars(select(Job).where(Job.kind == "library.process_track"))).all()
    assert len(jobs) == 2
    for job in jobs:
        done = await wait_job(client, h, str(job.id), timeout=120)
        assert done["status"] == "succeeded", done
    tracks = await _tracks(state, root_id)
    for t in tracks.values():
        assert t.status is TrackStatus.ready and t.hls_key and t.artwork_key  # cover.jpg
    # Nothing changed: no new jobs.
    assert (await _scan(state, root_id, process=True)).jobs == 0


async def _finish_jobs(
    client: httpx.AsyncClient, h: dict[str, str], state: AppState, seen: set[uuid.UUID]
) -> list[dict[str, Any]]:
    """Wait for the processing jobs not in `seen` (and add them to it); their results."""
    async with state.db.session() as s:
        ids = (await s.scalars(select(Job.id).where(Job.kind == "library.process_track"))).all()
    done = []
    for job_id in [i for i in ids if i not in seen]:
        seen.add(job_id)
        job = await wait_job(client, h, str(job_id), timeout=120)
        assert job["status"] == "succeeded", job
        done.append(job["result"])
    return done


@pytest.mark.usefixtures("job_runner")
async def test_new_cover_and_retagged_file_keep_renditions_and_renew_artwork(
    client: httpx.AsyncClient, state: AppState, tmp_path: Path, source_tree: Path
) -> None:
    h, owner = await _owner(client)
    root = tmp_path / "album"
    shutil.copytree(source_tree / "Band A" / "Album One", root)
    root_id = await _root(state, root, owner)
    jobs: set[uuid.UUID] = set()
    assert (await _scan(state, root_id, process=True)).jobs == 2
    assert all(not r["renditions_kept"] for r in await _finish_jobs(client, h, state, jobs))
    before = await _tracks(state, root_id)
    media = state.settings.data_dir / "media"
    master = {p: (media / t.hls_key / "master.m3u8").stat().st_mtime_ns  # type: ignore[operator]
              for p, t in before.items()}  # fmt: skip

    # A new cover beside unchanged files: no tag is read, both tracks get it, HLS stays.
    (root / "cover.jpg").write_bytes(make_picture(size=(320, 320), color=(20, 90, 200)))
    report = await _scan(state, root_id, process=True)
    assert (report.read, report.artwork_refreshed, report.jobs) == (0, 2, 2)
    assert all(r["renditions_kept"] for r in await _finish_jobs(client, h, state, jobs))
    after = await _tracks(state, root_id)
    for path, t in after.items():
        old = before[path]
        assert t.hls_key == old.hls_key and t.audio_digest == old.audio_digest
        assert t.artwork_key and t.artwork_key != old.artwork_key
        assert (media / t.artwork_key / "600.jpg").is_file()
        assert not (media / str(old.artwork_key) / "600.jpg").exists()  # the old cover is gone
        assert (media / t.hls_key / "master.m3u8").stat().st_mtime_ns == master[path]
    tracks = (await client.get("/api/v1/library/tracks?mine=true", headers=h)).json()["items"]
    album_id = tracks[0]["album"]["id"]
    album = (await client.get(f"/api/v1/library/albums/{album_id}", headers=h)).json()
    assert album["artwork"]["large"] in {t["artwork"]["large"] for t in tracks}
    async with state.db.session() as s:
        album_key = await s.scalar(select(Album.artwork_key).where(Album.id == uuid.UUID(album_id)))
    assert album_key in {t.artwork_key for t in after.values()}  # the album follows the cover
    cover = await client.get(album["artwork"]["large"])
    assert cover.status_code == 200 and cover.headers["content-type"] == "image/jpeg"

    # Re-tagged: read and updated, processed again, and still the same renditions.
    tag_file(root / "01 First.mp3", "mp3", _tags("First (Remastered)", "Band A", "Album One", 1))
    report = await _scan(state, root_id, process=True)
    assert (report.read, report.updated, report.jobs) == (1, 1, 1)
    [result] = await _finish_jobs(client, h, state, jobs)
    assert result["renditions_kept"] is True
    retagged = (await _tracks(state, root_id))["01 First.mp3"]
    assert retagged.title == "First (Remastered)" and retagged.status is TrackStatus.ready
    assert retagged.hls_key == before["01 First.mp3"].hls_key


async def test_batch_catalog_builds_what_catalog_builds(state: AppState) -> None:
    meta = TrackMetadata(
        title="x", artists=["Ärtist Öne"], album="Älbum (Deluxe)", year=1999, date="1999-02"
    )

    async def build(catalog_cls: type[Catalog]) -> list[dict[str, Any]]:
        async with state.db.sessionmaker() as s:
            catalog = catalog_cls(s)
            if isinstance(catalog, BatchCatalog):
                await catalog.prefetch([meta])
            artist = await catalog.artist("Ärtist Öne", "mbid-1")
            album = await catalog.album(
                "Älbum (Deluxe)", artist, year=1999, date="1999-02", mb_release_id="r"
            )
            if isinstance(catalog, BatchCatalog):
                assert await catalog.settle() == {}
            await s.flush()
            out = []
            for row in (artist, album):
                values = {c.key: getattr(row, c.key) for c in row.__table__.columns}
                out.append(
                    {
                        k: v
                        for k, v in values.items()
                        if k not in ("id", "artist_id", "created_at", "updated_at")
                    }
                )
            await s.rollback()
            return out

    assert await build(BatchCatalog) == await build(Catalog)


# --- the admin endpoint and the job ----------------------------------------------------------


@pytest.fixture
def allowed(state: AppState, library: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(state.settings, "library_roots", [library.parent])
    return library


async def test_endpoint_refuses_paths_outside_the_roots(
    client: httpx.AsyncClient, allowed: Path, outside_tree: Path
) -> None:
    admin = bearer(await register(client))  # the first account is the admin
    for path in (
        str(outside_tree),  # elsewhere
        f"{allowed}/../../{outside_tree.name}",  # `..`
        str(allowed / "escape"),  # a link inside the root pointing out
        "relative/path",
        "/",
    ):
        r = await client.post("/api/v1/admin/library/scans", headers=admin, json={"path": path})
        assert r.status_code == 400, (path, r.text)
        assert r.json()["code"] == "root_not_allowed"
    missing = await client.post(
        "/api/v1/admin/library/scans", headers=admin, json={"path": str(allowed / "nope")}
    )
    assert missing.status_code == 400 and missing.json()["code"] == "folder_not_found"


async def test_endpoint_is_for_admins_only(client: httpx.AsyncClient, allowed: Path) -> None:
    await register(client)  # the admin
    listener = bearer(await register(client))
    r = await client.post(
        "/api/v1/admin/library/scans", headers=listener, json={"path": str(allowed)}
    )
    assert r.status_code == 403
    anonymous = await client.post("/api/v1/admin/library/scans", json={"path": str(allowed)})
    assert anonymous.status_code == 401


@pytest.mark.usefixtures("job_runner")
async def test_scan_job_through_the_endpoint(
    client: httpx.AsyncClient, state: AppState, allowed: Path
) -> None:
    admin = bearer(await register(client))
    owner_tokens = await register(client)
    owner = bearer(owner_tokens)
    owner_id = (await client.get("/api/v1/me", headers=owner)).json()["id"]
    r = await client.post(
        "/api/v1/admin/library/scans",
        headers=admin,
        json={"path": str(allowed), "user_id": owner_id, "process": False},
    )
    assert r.status_code == 202, r.text
    job = await wait_job(client, admin, r.json()["job_id"], timeout=120)
    assert job["status"] == "succeeded", job
    assert job["result"]["added"] == 5 and job["result"]["skipped"] == 1
    mine = (await client.get("/api/v1/library/tracks?mine=true", headers=owner)).json()
    assert len(mine["items"]) == 5
    # Same root again, for another owner: refused; a second scan changes nothing.
    conflict = await client.post(
        "/api/v1/admin/library/scans",
        headers=admin,
        json={"path": str(allowed), "user_id": str(uuid.uuid4())},
    )
    assert conflict.status_code == 409
    again = await client.post(
        "/api/v1/admin/library/scans", headers=admin, json={"path": str(allowed) + "/"}
    )
    assert again.status_code == 202 and again.json()["root_id"] == r.json()["root_id"]
    job = await wait_job(client, admin, again.json()["job_id"], timeout=120)
    assert job["status"] == "succeeded" and job["result"]["read"] == 0
    # A folder inside that root, or one around it, would index the same files twice.
    for path in (allowed / "Band A", allowed.parent):
        body = {"path": str(path)}
        r = await client.post("/api/v1/admin/library/scans", headers=admin, json=body)
        assert r.status_code == 409, (path, r.text)
        assert r.json()["code"] == "root_overlaps"
        assert r.json()["existing_root"] == str(allowed.resolve())
    async with state.db.session() as s:
        assert len((await s.scalars(select(LibraryRoot))).all()) == 1


# --- the CLI ---------------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    from tonearm.config import get_settings
    from tonearm.kit import crypto

    data = tmp_path / "cli-data"
    monkeypatch.setenv("TONEARM_DATA_DIR", str(data))
    monkeypatch.setenv("TONEARM_DATABASE_URL", f"sqlite:///{data / 'cli.db'}")
    monkeypatch.delenv("TONEARM_SECRET_KEY", raising=False)
    monkeypatch.delenv("TONEARM_ENCRYPTION_KEYS", raising=False)
    get_settings.cache_clear()
    saved = crypto._keyring  # the app under test in this process keeps its own keys
    yield data
    crypto._keyring = saved
    get_settings.cache_clear()


def test_cli_scan(cli_env: Path, library: Path) -> None:
    from tonearm.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    no_admin = runner.invoke(app, ["scan", str(library), "--no-process"])
    assert no_admin.exit_code == 1 and "User not found" in no_admin.output
    created = runner.invoke(
        app,
        ["user", "create", "--email", "dj@example.com", "--username", "deejay",
         "--password", "long enough pw", "--admin"],
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    (library / "mix.m3u").write_text("Band A/Album One/01 First.mp3\nBand B/Other/ogg song.ogg\n")
    first = runner.invoke(app, ["scan", str(library), "--no-process", "--workers", "2"])
    assert first.exit_code == 0, first.output
    assert "added" in first.output and "│ 5" in first.output.split("added", 1)[1][:40]
    assert "playlist files: 1 added" in first.output  # the playlists domain's after-scan hook
    again = runner.invoke(app, ["scan", str(library), "--user", "DeeJay", "--no-process"])
    assert again.exit_code == 0, again.output
    assert "unchanged folders" in again.output
    unknown = runner.invoke(app, ["scan", str(library), "--user", "nobody"])
    assert unknown.exit_code == 1
    bad = runner.invoke(app, ["scan", str(library), "--visibility", "secret"])
    assert bad.exit_code == 2


@pytest.mark.usefixtures("job_runner")
async def test_admin_lists_roots_with_their_last_scan_and_scans_again(
    client: httpx.AsyncClient, state: AppState, allowed: Path
) -> None:
    admin = bearer(await register(client))
    r = await client.get("/api/v1/admin/library/roots", headers=admin)
    assert r.json() == {"allowed": [str(allowed.parent)], "items": []}
    r = await client.post(
        "/api/v1/admin/library/scans", headers=admin, json={"path": str(allowed), "process": False}
    )
    first = r.json()
    await wait_job(client, admin, first["job_id"], timeout=120)
    [root] = (await client.get("/api/v1/admin/library/roots", headers=admin)).json()["items"]
    assert root["id"] == first["root_id"] and root["path"] == str(allowed.resolve())
    assert root["tracks"] == 5 and root["missing"] == 0 and root["last_scan_at"]
    assert root["last_scan"]["job_id"] == first["job_id"]
    assert root["last_scan"]["status"] == "succeeded"
    assert root["last_scan"]["result"]["added"] == 5
    assert root["owner_name"]

    r = await client.post(
        f"/api/v1/admin/library/roots/{root['id']}/scans",
        headers=admin,
        json={"full": True, "process": False},  # no processing jobs left running at teardown
    )
    assert r.status_code == 202
    again = await wait_job(client, admin, r.json()["job_id"], timeout=120)
    assert again["status"] == "succeeded" and again["result"]["read"] == 6  # full: every file
    [root] = (await client.get("/api/v1/admin/library/roots", headers=admin)).json()["items"]
    assert root["last_scan"]["job_id"] == r.json()["job_id"]
    r = await client.post(
        f"/api/v1/admin/library/roots/{uuid.uuid4()}/scans", headers=admin, json={}
    )
    assert (r.status_code, r.json()["code"]) == (404, "library_root_not_found")
    listener = bearer(await register(client))
    assert (await client.get("/api/v1/admin/library/roots", headers=listener)).status_code == 403

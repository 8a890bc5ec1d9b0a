"""Get-or-create under concurrency (issue 9, item 4): uploads and folder scans that name the same
new artist and album at the same time all succeed, and the catalog ends with one row of each.
Six uploads at once by one new artist gave one 201 and five 500s on SQLite; on PostgreSQL, a
500 with `duplicate key value violates unique constraint "uq_artists_name_key"`.

Each upload is its own request, unit of work and connection (the app's pool), and each scan
batch its own transaction: they really interleave between their look-up and their insert."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio
from tests.library.factories import upload
from tonearm.library.scan.roots import ensure_root
from tonearm.library.scan.scanner import Scanner, ScanOptions, ScanReport
from tonearm.models.library import Album, Artist, Track, TrackArtist
from tonearm.platform.state import AppState

ROUNDS = 3  # a fresh artist each round: each round is a new race
UPLOADS = 6


def _tags(artist: str, album: str, n: int) -> dict[str, Any]:
    return {
        "title": f"Song {n}",
        "artists": [artist, f"{artist} Guest"],
        "album": album,
        "album_artist": artist,
        "track_number": n,
        "genres": ["Race Pop"],
    }


@pytest.fixture(scope="module")
def race_files(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, Any]]:
    """Per round: the upload files and two folders to scan, all by that round's new artist."""
    base = tmp_path_factory.mktemp("races")
    out: dict[int, dict[str, Any]] = {}
    for rnd in range(ROUNDS):
        artist, album = f"Racing Artist {rnd}", f"Photo Finish {rnd}"
        uploads = [
            make_audio(
                base / f"r{rnd}" / f"up{n}.mp3",
                "mp3",
                seconds=0.5,
                seed=100 * rnd + n,
                tags=_tags(artist, album, n),
            )
            for n in range(UPLOADS)
        ]
        folders = []
        for f in range(2):
            folder = base / f"r{rnd}" / f"scan{f}" / artist / album
            for n in range(2):
                make_audio(
                    folder / f"{n:02d} scanned.flac",
                    "flac",
                    seconds=0.5,
                    seed=100 * rnd + 50 + 10 * f + n,
                    tags=_tags(artist, album, 20 + 10 * f + n),
                )
            folders.append(base / f"r{rnd}" / f"scan{f}")
        out[rnd] = {"artist": artist, "album": album, "uploads": uploads, "folders": folders}
    return out


async def _root(state: AppState, path: Path, owner: uuid.UUID) -> uuid.UUID:
    async with state.db.session() as s:
        return (await ensure_root(s, path.resolve(), owner)).id


async def _scan(state: AppState, root_id: uuid.UUID) -> ScanReport:
    opts = ScanOptions(pool="thread", workers=1, process=False)
    return await Scanner(state.db, root_id, opts).run()


async def _count(state: AppState, model: Any, *where: Any) -> int:
    async with state.db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_parallel_uploads_and_scans_create_one_artist_and_album(
    client: httpx.AsyncClient, state: AppState, race_files: dict[int, dict[str, Any]]
) -> None:
    h = bearer(await register(client))
    owner = uuid.UUID((await client.get("/api/v1/me", headers=h)).json()["id"])
    for rnd, files in race_files.items():
        roots = [await _root(state, folder, owner) for folder in files["folders"]]
        results = await asyncio.gather(
            *(upload(client, h, path) for path in files["uploads"]),
            *(_scan(state, root_id) for root_id in roots),
            return_exceptions=True,
        )
        responses, reports = results[:UPLOADS], results[UPLOADS:]
        for r in responses:
            assert isinstance(r, httpx.Response), repr(r)
            assert r.status_code == 201, r.text
        for report in reports:
            assert isinstance(report, ScanReport), repr(report)
            assert (report.added, report.errors) == (2, 0), report

        artist_key = files["artist"].lower()
        assert await _count(state, Artist, Artist.name_key == artist_key) == 1, f"round {rnd}"
        assert await _count(state, Artist, Artist.name_key == f"{artist_key} guest") == 1
        assert await _count(state, Album, Album.title_key == files["album"].lower()) == 1
        async with state.db.session() as s:
            album_ids = set(
                await s.scalars(
                    select(Track.album_id)
                    .join(Album)
                    .where(Album.title_key == files["album"].lower())
                )
            )
            credited = await s.scalar(
                select(func.count(func.distinct(TrackArtist.track_id)))
                .join(Artist)
                .where(Artist.name_key == artist_key)
            )
        assert len(album_ids) == 1
        assert credited == UPLOADS + 4  # every upload and every scanned file, on the one row


async def test_a_scan_batch_meets_rows_written_after_its_look_up(
    state: AppState,
    client: httpx.AsyncClient,
    race_files: dict[int, dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The race window of a scan batch, made certain: between the batch's look-up (which
    finds the artist and album new) and its insert, an upload's unit of work creates both and
    commits. The batch's tracks then point at those rows; the batch used to fail on the
    unique key."""
    from tonearm.library.catalog.builder import Catalog
    from tonearm.library.scan.batch_catalog import BatchCatalog

    files = race_files[0]
    h = bearer(await register(client))
    owner = uuid.UUID((await client.get("/api/v1/me", headers=h)).json()["id"])
    made: dict[str, uuid.UUID] = {}
    real_prefetch = BatchCatalog.prefetch

    async def prefetch_then_lose_the_race(self: BatchCatalog, metas: Any) -> None:
        await real_prefetch(self, metas)
        async with state.db.session() as other:
            catalog = Catalog(other)
            artist = await catalog.artist(files["artist"])
            guest = await catalog.artist(f"{files['artist']} Guest")
            album = await catalog.album(files["album"], artist)
            made.update(artist=artist.id, guest=guest.id, album=album.id)

    monkeypatch.setattr(BatchCatalog, "prefetch", prefetch_then_lose_the_race)
    report = await _scan(state, await _root(state, files["folders"][0], owner))
    assert (report.added, report.errors) == (2, 0), report
    async with state.db.session() as s:
        tracks = (await s.scalars(select(Track))).all()
        credits = set(await s.scalars(select(TrackArtist.artist_id)))
    assert {(t.album_id, t.album_artist_id) for t in tracks} == {(made["album"], made["artist"])}
    assert credits == {made["artist"], made["guest"]}
    assert await _count(state, Artist) == 2 and await _count(state, Album) == 1


async def test_the_same_file_uploaded_at_once_is_one_track(
    client: httpx.AsyncClient, state: AppState, race_files: dict[int, dict[str, Any]]
) -> None:
    """A track is found or created by its owner and content hash: the same file sent in
    several requests at once gives one track, the others answer it as their duplicate (one
    got 201, the rest a unique-key 500). The losers' stored copies are removed."""
    h = bearer(await register(client))
    first = await upload(client, h, race_files[0]["uploads"][1])  # its artist and album exist
    assert first.status_code == 201, first.text
    path = race_files[0]["uploads"][0]
    responses = await asyncio.gather(*(upload(client, h, path) for _ in range(4)))
    for r in responses:
        assert r.status_code == 201, r.text
    items = [r.json()["items"][0] for r in responses]
    assert len({i["track"]["id"] for i in items}) == 1
    assert sorted(i["duplicate"] for i in items) == [False, True, True, True]
    assert await _count(state, Track) == 2
    owner = (await client.get("/api/v1/me", headers=h)).json()["id"]
    originals = list((state.settings.data_dir / "media" / "tracks" / owner).rglob("original*"))
    assert sorted(p.parent.name for p in originals) == sorted(
        [first.json()["items"][0]["track"]["id"], items[0]["track"]["id"]]
    )

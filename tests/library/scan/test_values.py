"""The scan writer's fast paths give what the shared code gives: `track_values` against
`apply_metadata`, one bulk INSERT per batch whatever the mix of formats."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, cast

from sqlalchemy import event, select

from tests.audio_fixtures import make_audio
from tests.library.scan.test_scan import _owner, _root, _scan
from tonearm.library.catalog.metadata import TrackMetadata, apply_metadata
from tonearm.library.scan.batch_catalog import BatchCatalog
from tonearm.library.scan.values import Memo, track_values
from tonearm.models.library import Album, Artist, Track
from tonearm.platform.state import AppState

CASES = [
    TrackMetadata(
        title="  Song   One ",
        artists=["Ärtist Öne", "  ", "Second"],
        featured=["Second", "Guest", "guest "],
        album="Älbum (Deluxe)",
        year=1999,
        date="1999-02",
        genres=["Rock", " ", "rock", "Hip  Hop"],
        mb_artist_id="mbid-1",
        mb_release_id="release-1",
        track_number=1,
        track_total=12,
        disc_number=1,
        disc_total=2,
    ),
    TrackMetadata(title="", artists=[], genres=[]),  # Untitled, Unknown Artist, no album
    TrackMetadata(
        title="x" * 2000,
        artists=["ARTIST öne"],  # folds with the first case's artist
        featured=["artist one"],  # and so does this one: one credit, not two
        album="älbum (deluxe)",
        album_artist="Ärtist Öne",
        genres=[f"Genre {i}" for i in range(30)],
        explicit=True,
        lyrics="line one\nline two",
        bpm=120.5,
        key="Am",
        isrc="USRC17607839",
        mb_recording_id="recording-1",
        replaygain_track_gain=-6.5,
        replaygain_album_gain=-7.25,
        year=2001,
    ),
    TrackMetadata(
        title="Café del Mar",
        artists=["Ａ Band", "a band"],  # NFKC folds the full-width letter
        album="Compilation",
        album_artist="   ",  # blank: the first main artist is the album artist
        explicit=False,
    ),
    TrackMetadata(title="No Album", artists=["Loner"], album="  ", album_artist="Someone"),
]


class _Holder:
    pass


async def _build(state: AppState, fast: bool) -> list[Any]:
    """Every case through one batch catalog (as a scan batch does), ids resolved to what
    they name; the session is rolled back."""
    async with state.db.sessionmaker() as s:
        catalog = BatchCatalog(s)
        memo = Memo()
        with s.no_autoflush:
            await catalog.prefetch(CASES)
            made: list[tuple[dict[str, Any], list[tuple[uuid.UUID, int, str]]]] = []
            for meta in CASES:
                if fast:
                    made.append(await track_values(meta, catalog, memo))
                    continue
                holder = _Holder()
                await apply_metadata(cast(Track, holder), meta, catalog)
                values = {k: v for k, v in vars(holder).items() if k not in ("credits", "album")}
                made.append(
                    (values, [(c.artist_id, c.position, c.role) for c in holder.credits])  # type: ignore[attr-defined]
                )
            assert await catalog.settle() == {}
            await s.flush()
        artists = {
            a.id: (a.name, a.sort_name, a.name_key, a.mbid, a.search_text)
            for a in (await s.scalars(select(Artist))).all()
        }
        albums = {
            a.id: (a.title, a.title_key, artists[a.artist_id], a.year, a.date, a.mb_release_id)
            for a in (await s.scalars(select(Album))).all()
            if a.artist_id is not None
        }
        await s.rollback()
    out = []
    for values, credits in made:
        named = dict(values)
        named["album_id"] = albums.get(values["album_id"]) if values["album_id"] else None
        named["album_artist_id"] = (
            artists[values["album_artist_id"]] if values["album_artist_id"] else None
        )
        out.append((named, [(artists[a], position, role) for a, position, role in credits]))
    return [out, sorted(artists.values()), sorted(albums.values(), key=repr)]


async def test_track_values_are_what_apply_metadata_gives(state: AppState) -> None:
    fast = await _build(state, fast=True)
    shared = await _build(state, fast=False)
    assert fast == shared
    rows, artists, albums = fast
    # The cases do reach what they are about.
    assert [len(credits) for _, credits in rows] == [3, 1, 1, 1, 1]
    assert rows[1][0]["title"] == "Untitled" and rows[1][0]["album_id"] is None
    assert len(rows[2][0]["genres"]) == 20 and len(rows[2][0]["title"]) == 1024
    assert rows[4][0]["album_id"] is None and rows[4][0]["album_artist_tag"] == "Someone"
    assert len(albums) == 2 and len(artists) == 6


async def test_one_bulk_insert_of_tracks_per_batch_whatever_the_formats(
    client: Any, state: AppState, tmp_path: Path
) -> None:
    """MP3s have no sample depth, FLACs have one: the ORM's bulk INSERT split such a mix
    into one statement per run of rows with the same non-NULL columns."""
    music = tmp_path / "music"
    for n, fmt in enumerate(("mp3", "flac", "mp3", "flac"), start=1):
        tags = {"title": f"Song {n}", "artists": ["Band"], "album": "Mixed", "track_number": n}
        make_audio(music / f"{n:02d}.{fmt}", fmt, seconds=0.5, seed=n, tags=tags)
    _, owner = await _owner(client)
    root_id = await _root(state, music, owner)
    inserts: list[int] = []

    def count(_conn: Any, _cursor: Any, statement: str, params: Any, _ctx: Any, many: bool) -> None:
        if statement.startswith("INSERT INTO tracks "):
            inserts.append(len(params) if many else 1)

    engine = state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        report = await _scan(state, root_id)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert report.added == 4
    async with state.db.session() as s:
        depths = set((await s.scalars(select(Track.bits_per_sample))).all())
    assert None in depths and len(depths) > 1  # the mix the test is about
    assert inserts == [4]

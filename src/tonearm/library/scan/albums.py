"""Album grouping by folder, as Navidrome does: the tracks in one folder with one album title
are one album.

Its album artist is the one the folder's tracks give (the most common, when they disagree);
when none gives one, the tracks' common artist, or "Various Artists" when their artists
differ. Without this, tracks of a soundtrack that lack the album artist tag each went to an
album of their own artist beside the real one, under the same name.

It runs after a scan wrote its batches, over the folders that changed, reading what the
database holds (a folder's files may have been written in different batches, and unchanged
files of a changed folder were not read again). A track from before the album artist tag was
kept (`album_artist_tag` NULL) counts as giving its album's artist.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.text import fold, nfc
from tonearm.library.catalog.builder import Catalog
from tonearm.library.catalog.repository import LibraryRepository
from tonearm.library.scan.files import folder_of
from tonearm.models.library import Album, Artist, Track, TrackArtist

VARIOUS_ARTISTS = "Various Artists"
VARIOUS_ARTISTS_MBID = "89ad4ac3-39f7-470e-963a-56509c546377"  # MusicBrainz's own
IN_CHUNK = 500


@dataclass(slots=True)
class _Row:
    id: uuid.UUID
    path: str
    album_id: uuid.UUID
    album_title: str
    album_artist: str  # the album's artist now
    album_artist_id: uuid.UUID | None
    tag: str | None
    main_artist: str
    artwork_key: str | None
    year: int | None


def album_artist_for(given: Iterable[str], mains: Iterable[str]) -> str:
    """The album artist of one folder's album: the most common one given, else the one main
    artist all tracks share, else Various Artists."""
    named = Counter(nfc(g) for g in given if nfc(g))
    if named:
        best = max(named.values())
        return sorted(name for name, n in named.items() if n == best)[0]
    artists = {fold(m): m for m in mains if nfc(m)}
    if len(artists) == 1:
        return next(iter(artists.values()))
    return VARIOUS_ARTISTS


def _select(root_id: uuid.UUID) -> Select[Any]:
    """What grouping needs of each track of the root, its first credit joined directly (a
    subquery over all credits was materialized and scanned once per track on SQLite)."""
    album_artist = Artist.__table__.alias("album_artist")
    first_artist = Artist.__table__.alias("first_artist")
    return (
        select(
            Track.id,
            Track.path,
            Track.album_id,
            Album.title,
            album_artist.c.name,
            Album.artist_id,
            Track.album_artist_tag,
            first_artist.c.name,
            Track.artwork_key,
            Album.year,
        )
        .join(Album, Album.id == Track.album_id)
        .outerjoin(album_artist, album_artist.c.id == Album.artist_id)
        .outerjoin(TrackArtist, and_(TrackArtist.track_id == Track.id, TrackArtist.position == 0))
        .outerjoin(first_artist, first_artist.c.id == TrackArtist.artist_id)
        .where(Track.root_id == root_id)
    )


async def _rows(
    s: AsyncSession, root_id: uuid.UUID, paths: list[str], root_tracks: int | None = None
) -> list[_Row]:
    """The rows of the tracks at `paths`. When they are a good part of the root's tracks
    (`root_tracks`, e.g. a first scan) one statement reads the whole root and the paths are
    picked out here; else IN lists of IN_CHUNK paths."""
    if not paths:
        return []
    stmt = _select(root_id)
    if root_tracks is not None and 2 * len(paths) >= root_tracks:
        wanted = set(paths)
        results = [r for r in (await s.execute(stmt)).all() if r[1] in wanted]
    else:
        results = []
        for i in range(0, len(paths), IN_CHUNK):
            part = paths[i : i + IN_CHUNK]
            results += (await s.execute(stmt.where(Track.path.in_(part)))).all()
    return [
        _Row(
            id=r[0],
            path=r[1],
            album_id=r[2],
            album_title=r[3],
            album_artist=r[4] or "",
            album_artist_id=r[5],
            tag=r[6],
            main_artist=r[7] or "",
            artwork_key=r[8],
            year=r[9],
        )
        for r in sorted(results, key=lambda r: r[1])  # ties in the title vote: first by path
    ]


async def group_folders(
    s: AsyncSession, root_id: uuid.UUID, paths: list[str], root_tracks: int | None = None
) -> int:
    """Regroup the albums of the tracks at `paths` (the files of the changed folders) by
    folder and album title. Returns how many tracks moved to another album. `root_tracks`
    (about how many tracks the root has) lets a scan of most of the root read it at once."""
    groups: dict[tuple[str, str], list[_Row]] = defaultdict(list)
    for row in await _rows(s, root_id, paths, root_tracks):
        groups[(folder_of(row.path), fold(row.album_title))].append(row)
    plans: list[tuple[str, str, list[_Row]]] = []
    for rows in groups.values():
        given = [r.album_artist if r.tag is None else r.tag for r in rows]
        target = album_artist_for(given, [r.main_artist for r in rows])
        title = Counter(r.album_title for r in rows).most_common(1)[0][0]
        movers = [r for r in rows if fold(r.album_artist) != fold(target)]
        if movers:
            plans.append((target, title, movers))
    if not plans:
        return 0
    catalog = Catalog(s)
    repo = LibraryRepository(s)
    moved = 0
    # Artists, then albums, each in sorted order: the order every catalog writer takes.
    for name in sorted({fold(t): t for t, _, _ in plans}.values(), key=fold):
        await catalog.artist(name, VARIOUS_ARTISTS_MBID if name == VARIOUS_ARTISTS else None)
    for target, title, movers in sorted(plans, key=lambda p: (fold(p[1]), fold(p[0]))):
        artist = await catalog.artist(target)
        years = [r.year for r in movers if r.year]
        album = await catalog.album(title, artist, year=min(years) if years else None)
        ids = [r.id for r in movers]
        await s.execute(
            update(Track)
            .where(Track.id.in_(ids))
            .values(album_id=album.id, album_artist_id=artist.id)
            .execution_options(synchronize_session=False)
        )
        for r in movers:
            if r.artwork_key:
                await repo.album_art_moved(album.id, None, r.artwork_key, r.id)
                await repo.album_art_moved(r.album_id, r.artwork_key, None, r.id)
        moved += len(ids)
    return moved

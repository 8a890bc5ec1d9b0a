"""Library queries. Every read is scoped to what the caller may see: their own tracks and
public ones (unlisted tracks only by id). Writes check ownership here too."""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Select,
    bindparam,
    case,
    exists,
    false,
    func,
    or_,
    select,
    true,
    union,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from tonearm.kit.pagination import PageParams, keyset, split_page
from tonearm.kit.text import fold
from tonearm.models.library import (
    Album,
    Artist,
    LibraryRoot,
    Track,
    TrackAlias,
    TrackArtist,
    Visibility,
)

TRACK_SORTS: dict[str, Any] = {
    "created": Track.created_at,
    "title": Track.title_key,
    "year": func.coalesce(Track.year, 0),
    "plays": Track.play_count,
    "duration": Track.duration,
}
ALBUM_SORTS: dict[str, Any] = {
    "title": Album.title_key,
    "year": func.coalesce(Album.year, 0),
    "created": Album.created_at,
}


def listable(viewer: uuid.UUID | BindParameter[Any] | None) -> ColumnElement[bool]:
    """Tracks that may appear in lists and search for this viewer. A bound parameter that
    turns out None matches no owner, so it means a guest too."""
    if viewer is None:
        return Track.visibility == Visibility.public
    return or_(Track.owner_id == viewer, Track.visibility == Visibility.public)


def _album_covers() -> Select[Any]:
    """Per album in `ids`, its cover as `viewer` may see it (`LibraryRepository.album_covers`)."""
    preferred = case((Track.artwork_key == Album.artwork_key, 0), else_=1)
    rank = func.row_number().over(
        partition_by=Track.album_id,
        order_by=(
            preferred,
            func.coalesce(Track.disc_number, 1),
            func.coalesce(Track.track_number, 0),
            Track.id,
        ),
    )
    ids = bindparam("ids", expanding=True, type_=Track.album_id.type)
    viewer = bindparam("viewer", type_=Track.owner_id.type)
    ranked = (
        select(Track.album_id, Track.artwork_key, rank.label("rank"))
        .join(Album, Album.id == Track.album_id)
        .where(Track.album_id.in_(ids), Track.artwork_key.is_not(None), listable(viewer))
        .subquery()
    )
    return select(ranked.c.album_id, ranked.c.artwork_key).where(ranked.c.rank == 1)


def readable(viewer: uuid.UUID | None) -> ColumnElement[bool]:
    """Tracks that may be opened by id (adds unlisted)."""
    shared = Track.visibility.in_([Visibility.public, Visibility.unlisted])
    return shared if viewer is None else or_(Track.owner_id == viewer, shared)


def album_stats(
    viewer: uuid.UUID | BindParameter[Any] | None, ids: Sequence[uuid.UUID] | Select[Any]
) -> Any:
    """Per album: how many tracks the viewer may list, and their total duration. `ids` is a
    list or a query of album ids."""
    return (
        select(
            Track.album_id.label("album_id"),
            func.count().label("track_count"),  # count(*): the listing index alone answers
            func.coalesce(func.sum(Track.duration), 0.0).label("duration"),
        )
        .where(listable(viewer), Track.album_id.in_(_id_list(ids)))
        .group_by(Track.album_id)
        .subquery()
    )


def artist_stats(
    viewer: uuid.UUID | BindParameter[Any] | None, ids: Sequence[uuid.UUID] | Select[Any]
) -> Any:
    """Per artist: the tracks the viewer may list that credit the artist or sit on an album
    of theirs (a compilation's album artist, credited on none of its tracks, has its tracks),
    and their albums."""
    credited = (
        select(
            TrackArtist.artist_id.label("artist_id"),
            Track.id.label("track_id"),
            Track.album_id.label("album_id"),
        )
        .join(Track, Track.id == TrackArtist.track_id)
        .where(listable(viewer), TrackArtist.artist_id.in_(_id_list(ids)))
    )
    on_album = select(
        Track.album_artist_id.label("artist_id"),
        Track.id.label("track_id"),
        Track.album_id.label("album_id"),
    ).where(listable(viewer), Track.album_artist_id.in_(_id_list(ids)))
    both = union(credited, on_album).subquery()
    return (
        select(
            both.c.artist_id,
            func.count(func.distinct(both.c.track_id)).label("track_count"),
            func.count(func.distinct(both.c.album_id)).label("album_count"),
        )
        .group_by(both.c.artist_id)
        .subquery()
    )


def track_art_prefix(track_id: uuid.UUID) -> str:
    """Where every artwork version of a track lives (a deleted track takes all of it)."""
    return f"artwork/tracks/{track_id}/"


def _id_list(ids: Sequence[uuid.UUID] | Select[Any]) -> Any:
    return ids if isinstance(ids, Select) else list(ids)


def _filtered_tracks(
    viewer: uuid.UUID | None,
    artist_id: uuid.UUID | None,
    album_id: uuid.UUID | None,
    genre: str | None,
    year: int | None,
    mine: bool,
) -> Select[Any]:
    """The tracks the viewer may list, narrowed by the library's filters (`genre` folded)."""
    stmt = select(Track).where(listable(viewer))
    if mine:
        stmt = stmt.where(Track.owner_id == viewer if viewer else false())
    if artist_id:
        stmt = stmt.where(
            exists().where(TrackArtist.track_id == Track.id, TrackArtist.artist_id == artist_id)
        )
    if album_id:
        stmt = stmt.where(Track.album_id == album_id)
    if genre:
        stmt = stmt.where(Track.genre_key.contains(f"|{genre}|", autoescape=True))
    if year is not None:
        stmt = stmt.where(Track.year == year)
    return stmt


_ALBUM_COVERS = _album_covers()  # built once, bound per call: no ORM, no SQL build


def album_covers(
    conn: Connection, ids: Collection[uuid.UUID], viewer: uuid.UUID | None
) -> dict[uuid.UUID, str]:
    """`LibraryRepository.album_covers` on a synchronous connection (search)."""
    if not ids:
        return {}
    rows = conn.execute(_ALBUM_COVERS, {"viewer": viewer, "ids": list(ids)})
    return {album_id: key for album_id, key in rows.all()}


class LibraryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    # --- tracks --------------------------------------------------------------------------
    async def track_for(
        self, track_id: uuid.UUID, viewer: uuid.UUID | None, *, full: bool = True
    ) -> Track | None:
        """The track if the viewer may open it. `full=False` skips credits and album (for
        streaming, which only needs the row)."""
        stmt = select(Track).where(Track.id == track_id, readable(viewer))
        if full:
            stmt = stmt.options(*track_options())
        return await self.s.scalar(stmt)

    async def tracks_where(self, viewer: uuid.UUID | None, *clauses: Any) -> list[Track]:
        """Tracks the viewer may open that match every clause, oldest first, loaded for
        presenting."""
        rows = await self.s.scalars(
            select(Track)
            .where(readable(viewer), *clauses)
            .order_by(Track.created_at, Track.id)
            .options(*track_options())
        )
        return list(rows.unique().all())

    async def root(self, root_id: uuid.UUID) -> LibraryRoot | None:
        return await self.s.get(LibraryRoot, root_id)

    async def owned_track(self, track_id: uuid.UUID, owner: uuid.UUID) -> Track | None:
        return await self.s.scalar(
            select(Track)
            .where(Track.id == track_id, Track.owner_id == owner)
            .options(*track_options())
        )

    async def track_by_hash(self, owner: uuid.UUID, *content_hashes: str) -> Track | None:
        """The owner's track of a file with one of these content hashes: its own file's, or
        one folded into it (`TrackAlias`)."""
        hashes = [h for h in content_hashes if h]
        aliased = select(TrackAlias.track_id).where(
            TrackAlias.owner_id == owner, TrackAlias.content_hash.in_(hashes)
        )
        return await self.s.scalar(
            select(Track)
            .where(
                Track.owner_id == owner,
                or_(Track.content_hash.in_(hashes), Track.id.in_(aliased)),
            )
            .order_by(Track.created_at)
            .limit(1)
            .options(*track_options())
        )

    async def list_tracks(
        self,
        viewer: uuid.UUID | None,
        params: PageParams,
        *,
        sort: str = "created",
        descending: bool = True,
        artist_id: uuid.UUID | None = None,
        album_id: uuid.UUID | None = None,
        genre: str | None = None,
        year: int | None = None,
        mine: bool = False,
    ) -> tuple[list[Track], str | None]:
        sort_expr = TRACK_SORTS[sort]
        stmt = _filtered_tracks(viewer, artist_id, album_id, genre, year, mine)
        stmt = keyset(
            stmt.options(*track_options()), sort_expr, Track.id, params, descending=descending
        )
        rows = list((await self.s.scalars(stmt)).unique().all())
        key = _sort_value(sort)
        return split_page(rows, params, lambda t: (key(t), t.id))

    async def random_tracks(
        self,
        viewer: uuid.UUID | None,
        limit: int,
        *,
        artist_id: uuid.UUID | None = None,
        album_id: uuid.UUID | None = None,
        genre: str | None = None,
        year: int | None = None,
        mine: bool = False,
    ) -> list[Track]:
        """Up to `limit` of the tracks the filters select, at random: the ones that follow a
        random id (ids are random UUIDs), wrapping round, shuffled. Two index range scans
        instead of ordering a million rows by random()."""
        base = _filtered_tracks(viewer, artist_id, album_id, genre, year, mine).options(
            *track_options()
        )
        pivot = uuid.uuid4()
        rows = list(
            (await self.s.scalars(base.where(Track.id >= pivot).order_by(Track.id).limit(limit)))
            .unique()
            .all()
        )
        if len(rows) < limit:
            rest = base.where(Track.id < pivot).order_by(Track.id).limit(limit - len(rows))
            rows += list((await self.s.scalars(rest)).unique().all())
        random.shuffle(rows)
        return rows

    async def genres(self, viewer: uuid.UUID | None) -> list[tuple[str, int, int]]:
        """(name, tracks, albums) of every genre on the tracks the viewer may list; a track
        holds several. Names that fold alike are one genre (the most used spelling)."""
        dialect = self.s.bind.dialect.name if self.s.bind else "sqlite"
        each = (
            func.json_array_elements_text(Track.genres)
            if dialect == "postgresql"
            else func.json_each(Track.genres)
        ).table_valued("value")
        rows = await self.s.execute(
            select(each.c.value, Track.album_id, func.count(Track.id))
            .select_from(Track)
            .join(each, true())
            .where(listable(viewer), Track.genre_key != "")
            .group_by(each.c.value, Track.album_id)
        )
        names: dict[str, Counter[str]] = defaultdict(Counter)
        tracks: Counter[str] = Counter()
        albums: dict[str, set[uuid.UUID]] = defaultdict(set)
        for name, album_id, count in rows.all():
            if not isinstance(name, str) or not name.strip():
                continue
            key = fold(name)
            names[key][name] += int(count)
            tracks[key] += int(count)
            if album_id is not None:
                albums[key].add(album_id)
        merged = {
            # The most used spelling; on a tie, the capitalised one ("Rock" over "rock").
            key: (
                max(spellings.items(), key=lambda kv: (kv[1], kv[0] != kv[0].lower(), kv[0]))[0],
                tracks[key],
                len(albums[key]),
            )
            for key, spellings in names.items()
        }
        return sorted(merged.values(), key=lambda g: fold(g[0]))

    async def album_tracks(self, album_id: uuid.UUID, viewer: uuid.UUID | None) -> list[Track]:
        stmt = (
            select(Track)
            .where(Track.album_id == album_id, listable(viewer))
            .order_by(
                func.coalesce(Track.disc_number, 1),
                func.coalesce(Track.track_number, 0),
                Track.title_key,
            )
            .options(*track_options())
        )
        return list((await self.s.scalars(stmt)).unique().all())

    # --- albums --------------------------------------------------------------------------
    async def list_albums(
        self,
        viewer: uuid.UUID | None,
        params: PageParams,
        *,
        sort: str = "title",
        descending: bool = False,
        artist_id: uuid.UUID | None = None,
        year: int | None = None,
        genre: str | None = None,
    ) -> tuple[list[tuple[Album, int, float]], str | None]:
        visible = exists().where(Track.album_id == Album.id, listable(viewer))
        if genre:
            visible = visible.where(Track.genre_key.contains(f"|{genre}|", autoescape=True))
        stmt = select(Album).where(visible).options(selectinload(Album.artist))
        if artist_id:
            stmt = stmt.where(Album.artist_id == artist_id)
        if year is not None:
            stmt = stmt.where(Album.year == year)
        stmt = keyset(stmt, ALBUM_SORTS[sort], Album.id, params, descending=descending)
        key = _album_sort_value(sort)
        page, nxt = split_page(
            list((await self.s.scalars(stmt)).all()), params, lambda a: (key(a), a.id)
        )
        stats = await self.albums_with_stats([a.id for a in page], viewer)
        return [stats[a.id] for a in page if a.id in stats], nxt

    async def album_for(
        self, album_id: uuid.UUID, viewer: uuid.UUID | None
    ) -> tuple[Album, int, float] | None:
        return (await self.albums_with_stats([album_id], viewer)).get(album_id)

    async def albums_with_stats(
        self, ids: Sequence[uuid.UUID], viewer: uuid.UUID | None
    ) -> dict[uuid.UUID, tuple[Album, int, float]]:
        if not ids:
            return {}
        stats = album_stats(viewer, ids)
        rows = await self.s.execute(
            select(Album, stats.c.track_count, stats.c.duration)
            .join(stats, stats.c.album_id == Album.id)
            .where(Album.id.in_(list(ids)))
            .options(selectinload(Album.artist))
        )
        return {r[0].id: (r[0], int(r[1]), float(r[2])) for r in rows.all()}

    async def artists_with_stats(
        self, ids: Sequence[uuid.UUID], viewer: uuid.UUID | None
    ) -> dict[uuid.UUID, tuple[Artist, int, int]]:
        if not ids:
            return {}
        stats = artist_stats(viewer, ids)
        rows = await self.s.execute(
            select(Artist, stats.c.track_count, stats.c.album_count)
            .join(stats, stats.c.artist_id == Artist.id)
            .where(Artist.id.in_(list(ids)))
        )
        return {r[0].id: (r[0], int(r[1]), int(r[2])) for r in rows.all()}

    # --- artists -------------------------------------------------------------------------
    async def list_artists(
        self, viewer: uuid.UUID | None, params: PageParams, *, descending: bool = False
    ) -> tuple[list[tuple[Artist, int, int]], str | None]:
        credited = (
            select(TrackArtist.track_id)
            .join(Track, Track.id == TrackArtist.track_id)
            .where(TrackArtist.artist_id == Artist.id, listable(viewer))
            .exists()
        )
        # The album artist of a compilation is listed too, credited on its tracks or not.
        album_artist = (
            select(Track.id).where(Track.album_artist_id == Artist.id, listable(viewer)).exists()
        )
        stmt = keyset(
            select(Artist).where(or_(credited, album_artist)),
            Artist.sort_name,
            Artist.id,
            params,
            descending=descending,
        )
        page, nxt = split_page(
            list((await self.s.scalars(stmt)).all()), params, lambda a: (a.sort_name, a.id)
        )
        stats = await self.artists_with_stats([a.id for a in page], viewer)
        return [stats[a.id] for a in page if a.id in stats], nxt

    async def artist_for(
        self, artist_id: uuid.UUID, viewer: uuid.UUID | None
    ) -> tuple[Artist, int, int] | None:
        return (await self.artists_with_stats([artist_id], viewer)).get(artist_id)

    async def album_art_moved(
        self,
        album_id: uuid.UUID,
        old_key: str | None,
        new_key: str | None,
        track_id: uuid.UUID | None,
    ) -> None:
        """A track's artwork went from `old_key` to `new_key` (None: it has none now, or the
        track is going away). An album without a cover, or showing the old one, shows the
        new one; one left without falls back to another of its tracks' covers."""
        album = await self.s.get(Album, album_id)
        if album is None:
            return
        if new_key and album.artwork_key in (None, old_key):
            album.artwork_key = new_key
        elif old_key and album.artwork_key == old_key:
            album.artwork_key = await self.s.scalar(
                select(Track.artwork_key)
                .where(
                    Track.album_id == album_id,
                    Track.id != track_id,
                    Track.artwork_key.is_not(None),
                )
                .order_by(Track.disc_number, Track.track_number)
                .limit(1)
            )

    async def album_covers(
        self, ids: Sequence[uuid.UUID], viewer: uuid.UUID | None
    ) -> dict[uuid.UUID, str]:
        """Per album, the cover this viewer may see: only a track the viewer may list gives
        one (an album shows another user's private track's cover to nobody but its owner).
        The album's own choice (`Album.artwork_key`) when such a track carries it, else the
        first such track's in disc and track order. Albums without one are left out."""
        if not ids:
            return {}
        conn = await self.s.connection()
        return await conn.run_sync(album_covers, ids, viewer)

    async def albums_by_ids(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Album]:
        if not ids:
            return {}
        rows = await self.s.scalars(
            select(Album).where(Album.id.in_(list(ids))).options(selectinload(Album.artist))
        )
        return {a.id: a for a in rows.all()}


def track_options() -> list[Any]:
    """What a presented track needs loaded with it: credits, album and album artist."""
    return [
        selectinload(Track.credits),
        selectinload(Track.album).selectinload(Album.artist),
    ]


def _sort_value(sort: str) -> Any:
    return {
        "created": lambda t: t.created_at,
        "title": lambda t: t.title_key,
        "year": lambda t: t.year or 0,
        "plays": lambda t: t.play_count,
        "duration": lambda t: t.duration,
    }[sort]


def _album_sort_value(sort: str) -> Any:
    return {
        "title": lambda a: a.title_key,
        "year": lambda a: a.year or 0,
        "created": lambda a: a.created_at,
    }[sort]

"""Full-text search over tracks, albums and artists.

Matching is by word prefix over folded text (lower-case, accents removed), so "bjo jog" finds
"Björk – Jóga". Results come in three tiers, each bounded so that a one-letter query over a
million tracks costs the same as a precise one:

1. the exact title/name, then titles/names that start with the query: one ordered B-tree
   range scan on the folded key (the exact key sorts before every longer key it prefixes);
2. only if that came up short, full-text hits anywhere in title, artists and album: FTS5 on
   SQLite, a stored tsvector with a GIN index on PostgreSQL. Up to `CANDIDATES` matches are
   taken unscored and ordered by how short the title is (the term is most of it), then by
   plays. Queries shorter than `MIN_TEXT_QUERY` characters use tier 1 only;
3. only if both came up short, typo-tolerant hits (`typo.Corrector`): misspelt words may
   also be the indexed words one edit away, and tier 2 runs again with that query, on at
   most `FUZZY_CANDIDATES` matches; what it finds comes after what tiers 1 and 2 found.
   On SQLite each vocabulary probe reads every segment of the FTS5 index; `index.merge_index`
   (after a large scan) and `index.rebuild_index` (`tonearm db vacuum`) merge them into one.

Only what the caller may list is returned.

Each entity is one statement (tracks add one for their artist credits; a typo adds the two
look-ups once per search and one statement per entity): tiers 1 and 2 are a ranked UNION
ALL joined to the rows, with the counts and the viewer's loves alongside. The statements are
built once per dialect and shape and take the query as bound parameters, and they return
rows, not ORM objects; `search` runs them all through `kit.db.read` (on SQLite one worker-
thread hop in all). At a million tracks the SQL takes about 3 ms of CPU (bench/RESULTS.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    String,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy import table as sa_table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from tonearm.kit.db import read
from tonearm.kit.text import fold, search_terms
from tonearm.library.catalog import views
from tonearm.library.catalog.repository import album_covers, album_stats, artist_stats, listable
from tonearm.library.schemas import ArtistRef
from tonearm.library.search.terms import fts5_query, tsquery
from tonearm.library.search.typo import Corrector
from tonearm.models.library import Album, Artist, Love, Track, TrackArtist

# SET LOCAL of both in one round trip.
_NO_SEQ_SCANS = text(
    "SELECT set_config('enable_seqscan', 'off', true),"
    " set_config('plan_cache_mode', 'force_generic_plan', true)"
)

CANDIDATES = 200
FUZZY_CANDIDATES = 50  # the typo tier's: its words are rarer, and each candidate is checked
MIN_TEXT_QUERY = 3  # characters; shorter queries use the key tier only
# The bound parameters every search statement takes.
VIEWER = bindparam("viewer", type_=Track.owner_id.type)  # None: a guest, public tracks only
FOLDED = bindparam("folded", type_=String())
UPPER = bindparam("upper", type_=String())
MATCH = bindparam("match", type_=String())  # the FTS5 or tsquery text
LIMIT = bindparam("limit", type_=Integer())


def _text_candidates(dialect: str, table: str, candidates: int = CANDIDATES) -> Any:
    """A subquery of up to CANDIDATES keys of rows matching every term as a word prefix.
    Unordered on purpose: scoring every match of a broad prefix is what makes full-text
    search slow at a million rows; the candidates are ordered cheaply afterwards."""
    if dialect == "postgresql":
        query = func.to_tsquery(literal_column("'simple'"), MATCH)
        t = sa_table(table, column("id"), column("search_vector"))
        return (
            select(t.c.id.label("key"))
            .where(t.c.search_vector.op("@@")(query))
            .limit(candidates)
            .subquery()
        )
    fts = sa_table(f"{table}_fts", column("rowid"))
    return (
        select(fts.c.rowid.label("key"))
        .where(text(f"{table}_fts MATCH :match").bindparams(MATCH))
        .limit(candidates)
        .subquery()
    )


def _hits(
    dialect: str,
    model: Any,
    key_col: InstrumentedAttribute[Any],
    visible: Any,
    tiebreak: InstrumentedAttribute[Any],
    descending: bool,
    with_text: bool,
    fuzzy: bool = False,
) -> Any:
    """A CTE of up to `limit` ids per tier, with columns (id, tier, rank). Full-text hits
    rank by key length, then by `tiebreak`. `fuzzy`: the full-text tier alone, unconditional
    (its match is the corrected query; the caller drops what the first two tiers found)."""
    table = model.__tablename__
    join_key: Any = literal_column(f"{table}.id" if dialect == "postgresql" else f"{table}.rowid")
    length = func.length(key_col)
    if fuzzy:
        cand = _text_candidates(dialect, table, FUZZY_CANDIDATES)
        order = (length, tiebreak.desc() if descending else tiebreak)
        return (
            select(
                model.id.label("id"),
                literal_column("3").label("tier"),
                func.row_number().over(order_by=order).label("rank"),
            )
            .join(cand, cand.c.key == join_key)
            .where(visible)
            .order_by(*order)
            .limit(LIMIT)
            .cte(f"{table}_hits")
        )
    prefix = (
        select(model.id.label("id"), key_col.label("k"))
        .where(visible, key_col >= FOLDED, key_col < UPPER)
        .order_by(key_col)
        .limit(LIMIT)
        .cte(f"{table}_prefix")
    )
    arms = [
        select(
            prefix.c.id,
            literal_column("1").label("tier"),
            func.row_number().over(order_by=prefix.c.k).label("rank"),
        )
    ]
    if with_text:
        cand = _text_candidates(dialect, table)
        short = select(func.count()).select_from(prefix).scalar_subquery() < LIMIT
        ranked = (
            select(model.id.label("id"), length.label("n"), tiebreak.label("t"))
            .join(cand, cand.c.key == join_key)
            # Only when the prefix tier came up short (a one-time test: the full-text scan
            # is skipped otherwise), and only rows that tier did not cover.
            .where(short, visible, or_(key_col < FOLDED, key_col >= UPPER))
            .order_by(length, tiebreak.desc() if descending else tiebreak)
            .limit(LIMIT)
            .subquery()
        )
        t = ranked.c.t.desc() if descending else ranked.c.t
        arms.append(
            select(
                ranked.c.id,
                literal_column("2").label("tier"),
                func.row_number().over(order_by=(ranked.c.n, t)).label("rank"),
            )
        )
    return union_all(*arms).cte(f"{table}_hits")


# The track columns a result reads (`views.TRACK_COLUMNS`), its album's, and its album
# artist's: rows, not ORM objects (loading ten tracks as objects cost more than finding them).
_ALBUM_COLUMNS = (
    Album.title.label("album_title"),
    Album.year.label("album_year"),
    Album.artist_id.label("album_artist_ref"),
    Artist.name.label("album_artist_name"),
)


@cache
def _tracks_stmt(dialect: str, with_text: bool, fuzzy: bool = False) -> Any:
    hits = _hits(
        dialect,
        Track,
        Track.title_key,
        listable(VIEWER),
        Track.play_count,
        True,
        with_text,
        fuzzy,
    )
    loved = exists().where(Love.user_id == VIEWER, Love.track_id == Track.id)
    columns = [getattr(Track, c) for c in views.TRACK_COLUMNS]
    return (
        select(*columns, *_ALBUM_COLUMNS, loved.label("loved"))
        .select_from(hits)
        .join(Track, Track.id == hits.c.id)
        .outerjoin(Album, Album.id == Track.album_id)
        .outerjoin(Artist, Artist.id == Album.artist_id)
        .order_by(hits.c.tier, hits.c.rank)
        .limit(LIMIT)
    )


# The artists credited on the tracks found, in credit order.
_CREDITS = (
    select(TrackArtist.track_id, Artist.id, Artist.name, TrackArtist.role)
    .join(Artist, Artist.id == TrackArtist.artist_id)
    .where(TrackArtist.track_id.in_(bindparam("ids", expanding=True)))
    .order_by(TrackArtist.track_id, TrackArtist.position)
)


@cache
def _albums_stmt(dialect: str, with_text: bool, fuzzy: bool = False) -> Any:
    visible = exists().where(Track.album_id == Album.id, listable(VIEWER))
    hits = _hits(dialect, Album, Album.title_key, visible, Album.title, False, with_text, fuzzy)
    stats = album_stats(VIEWER, select(hits.c.id))
    return (
        select(
            Album.id,
            Album.title,
            Album.year,
            Album.artist_id,
            Artist.name.label("artist_name"),
            stats.c.track_count,
            stats.c.duration,
        )
        .select_from(hits)
        .join(Album, Album.id == hits.c.id)
        .join(stats, stats.c.album_id == Album.id)
        .outerjoin(Artist, Artist.id == Album.artist_id)
        .order_by(hits.c.tier, hits.c.rank)
        .limit(LIMIT)
    )


@cache
def _artists_stmt(dialect: str, with_text: bool, fuzzy: bool = False) -> Any:
    visible = (
        exists()
        .where(TrackArtist.artist_id == Artist.id, Track.id == TrackArtist.track_id)
        .where(listable(VIEWER))
    )
    hits = _hits(
        dialect, Artist, Artist.name_key, visible, Artist.sort_name, False, with_text, fuzzy
    )
    stats = artist_stats(VIEWER, select(hits.c.id))
    return (
        select(Artist.id, Artist.name, stats.c.track_count, stats.c.album_count)
        .select_from(hits)
        .join(Artist, Artist.id == hits.c.id)
        .join(stats, stats.c.artist_id == Artist.id)
        .order_by(hits.c.tier, hits.c.rank)
        .limit(LIMIT)
    )


@dataclass
class Found:
    """What a search found, as rows: tracks (`views.TRACK_COLUMNS`, their album's columns and
    `loved`), each track's credited artists, albums (with `track_count`, `duration`) and
    artists (with `track_count`, `album_count`), best first."""

    tracks: list[Row[Any]]
    credits: dict[uuid.UUID, list[ArtistRef]]
    albums: list[Row[Any]]
    artists: list[Row[Any]]
    covers: dict[uuid.UUID, str]  # album id -> the cover key the viewer may see


async def search(session: AsyncSession, viewer: uuid.UUID | None, q: str, limit: int) -> Found:
    """Up to `limit` tracks, albums and artists matching `q` that the viewer may list;
    albums and artists with the counts of those tracks. Its statements run together
    (`kit.db.read`: on SQLite in one worker-thread hop, not four per statement)."""
    return await read(session, lambda conn: Searcher(conn).search(viewer, q, limit))


class Searcher:
    """The search's statements on one synchronous connection (see `search`)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self._no_seq_scans = False
        self.typos = Corrector(conn)  # tracks, albums and artists share its corrections

    def _params(self, viewer: uuid.UUID | None, q: str, limit: int) -> dict[str, Any] | None:
        folded = fold(q)
        terms = search_terms(q)
        if not terms or not folded:
            return None
        match = tsquery(terms) if self.dialect == "postgresql" else fts5_query(terms)
        return {
            "viewer": viewer,
            "folded": folded,
            "upper": folded + "\U0010ffff",
            "match": match,
            "limit": limit,
        }

    def _run(self, build: Any, viewer: uuid.UUID | None, q: str, limit: int) -> list[Any]:
        params = self._params(viewer, q, limit)
        if params is None:
            return []
        with_text = len(params["folded"]) >= MIN_TEXT_QUERY
        conn = self.conn  # rows, straight from Core: no ORM objects
        if not with_text:
            del params["match"]
        if self.dialect == "postgresql" and not self._no_seq_scans:
            # PostgreSQL guesses badly how many rows a prefix tsquery matches, and with
            # LIMIT in sight it then scans the table instead of the GIN index: fine on a
            # small table, a full scan of albums or artists on a large one. Every statement
            # here has an index to follow; this transaction only is told so. With nothing
            # left to choose but the order of index look-ups, the plan of each prepared
            # statement is made once per connection (generic) instead of at every search:
            # planning cost 1.3-4.4 ms per statement, more than running it.
            conn.execute(_NO_SEQ_SCANS)
            self._no_seq_scans = True
        rows = list(conn.execute(build(self.dialect, with_text), params).all())
        if len(rows) >= limit or not with_text:
            return rows
        match = self.typos.correct(q)
        if match is None:
            return rows
        # Tier 3: the corrected query through the full-text tier, after what tiers 1 and 2
        # found (fetched again by it when the correction kept their words, hence the margin).
        seen = {r.id for r in rows}
        fuzzy = {"viewer": viewer, "match": match, "limit": limit + len(rows)}
        for r in conn.execute(build(self.dialect, True, True), fuzzy).all():
            if len(rows) >= limit:
                break
            if r.id not in seen:
                rows.append(r)
        return rows

    def search(self, viewer: uuid.UUID | None, q: str, limit: int) -> Found:
        tracks = self._run(_tracks_stmt, viewer, q, limit)
        credits: dict[uuid.UUID, list[ArtistRef]] = {t.id: [] for t in tracks}
        if tracks:
            for track_id, artist_id, name, role in self.conn.execute(
                _CREDITS, {"ids": list(credits)}
            ):
                credits[track_id].append(views.artist_ref_of(artist_id, name, role))
        albums = self._run(_albums_stmt, viewer, q, limit)
        # The covers this viewer may see: the albums', and those of tracks without their own.
        ids = {t.album_id for t in tracks if t.album_id and not t.artwork_key}
        return Found(
            tracks=tracks,
            credits=credits,
            albums=albums,
            artists=self._run(_artists_stmt, viewer, q, limit),
            covers=album_covers(self.conn, ids | {a.id for a in albums}, viewer),
        )

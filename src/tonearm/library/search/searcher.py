"""Full-text search over tracks, albums and artists.

Matching is by word prefix over folded text (lower-case, accents removed), so "bjo jog" finds
"Björk – Jóga". Results come in two tiers, each bounded so that a one-letter query over a
million tracks costs the same as a precise one:

1. the exact title/name, then titles/names that start with the query: one ordered B-tree
   range scan on the folded key (the exact key sorts before every longer key it prefixes);
2. only if that came up short, full-text hits anywhere in title, artists and album: FTS5 on
   SQLite, a stored tsvector with a GIN index on PostgreSQL. Up to `CANDIDATES` matches are
   taken unscored and ordered by how short the title is (the term is most of it), then by
   plays. Queries shorter than `MIN_TEXT_QUERY` characters use tier 1 only.

Only what the caller may list is returned.

Each entity is one statement (tracks add one for their artist credits): the tiers are a
ranked UNION ALL joined to the rows, with the counts and the viewer's loves alongside. The
statements are built once per dialect and shape and take the query as bound parameters, so a
search pays neither for building SQL nor for extra round trips. At a million tracks the SQL
takes a few milliseconds; those two were most of the rest."""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from sqlalchemy import (
    Integer,
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
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, contains_eager, defer, selectinload

from tonearm.kit.text import fold, search_terms
from tonearm.library.catalog.repository import album_stats, artist_stats, listable
from tonearm.models.library import Album, Artist, Love, Track, TrackArtist

SEARCH_TABLES = ("tracks", "albums", "artists")
CANDIDATES = 200
MIN_TEXT_QUERY = 3  # characters; shorter queries use the key tier only
SHORT_TERM = 3  # prefixes up to this long are indexed whole (FTS5 prefix='1 2 3', PG 0004)

# The bound parameters every search statement takes.
VIEWER = bindparam("viewer", type_=Track.owner_id.type)  # None: a guest, public tracks only
FOLDED = bindparam("folded", type_=String())
UPPER = bindparam("upper", type_=String())
MATCH = bindparam("match", type_=String())  # the FTS5 or tsquery text
LIMIT = bindparam("limit", type_=Integer())


def _fts5_query(terms: list[str]) -> str:
    return " ".join(f'"{t}"*' for t in terms)


def _tsquery(terms: list[str]) -> str:
    # Words' first 1-3 letters are lexemes of their own (migration 0004), so a short term is
    # one exact look-up; a longer one is a prefix match over the few words that share it.
    return " & ".join(t if len(t) <= SHORT_TERM else f"{t}:*" for t in terms)


def _text_candidates(dialect: str, table: str) -> Any:
    """A subquery of up to CANDIDATES keys of rows matching every term as a word prefix.
    Unordered on purpose: scoring every match of a broad prefix is what makes full-text
    search slow at a million rows; the candidates are ordered cheaply afterwards."""
    if dialect == "postgresql":
        query = func.to_tsquery(literal_column("'simple'"), MATCH)
        t = sa_table(table, column("id"), column("search_vector"))
        return (
            select(t.c.id.label("key"))
            .where(t.c.search_vector.op("@@")(query))
            .limit(CANDIDATES)
            .subquery()
        )
    fts = sa_table(f"{table}_fts", column("rowid"))
    return (
        select(fts.c.rowid.label("key"))
        .where(text(f"{table}_fts MATCH :match").bindparams(MATCH))
        .limit(CANDIDATES)
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
) -> Any:
    """A CTE of up to `limit` ids per tier, with columns (id, tier, rank). Full-text hits
    rank by key length, then by `tiebreak`."""
    table = model.__tablename__
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
        join_key: Any = literal_column(
            f"{table}.id" if dialect == "postgresql" else f"{table}.rowid"
        )
        length = func.length(key_col)
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


@cache
def _tracks_stmt(dialect: str, with_text: bool) -> Any:
    hits = _hits(
        dialect, Track, Track.title_key, listable(VIEWER), Track.play_count, True, with_text
    )
    loved = exists().where(Love.user_id == VIEWER, Love.track_id == Track.id)
    return (
        select(Track, loved.label("loved"))
        .select_from(hits)
        .join(Track, Track.id == hits.c.id)
        .outerjoin(Album, Album.id == Track.album_id)
        .outerjoin(Artist, Artist.id == Album.artist_id)
        .options(
            contains_eager(Track.album).contains_eager(Album.artist),
            selectinload(Track.credits),
            defer(Track.lyrics, raiseload=True),
        )
        .order_by(hits.c.tier, hits.c.rank)
        .limit(LIMIT)
    )


@cache
def _albums_stmt(dialect: str, with_text: bool) -> Any:
    visible = exists().where(Track.album_id == Album.id, listable(VIEWER))
    hits = _hits(dialect, Album, Album.title_key, visible, Album.title, False, with_text)
    stats = album_stats(VIEWER, select(hits.c.id))
    return (
        select(Album, stats.c.track_count, stats.c.duration)
        .select_from(hits)
        .join(Album, Album.id == hits.c.id)
        .join(stats, stats.c.album_id == Album.id)
        .outerjoin(Artist, Artist.id == Album.artist_id)
        .options(contains_eager(Album.artist))
        .order_by(hits.c.tier, hits.c.rank)
        .limit(LIMIT)
    )


@cache
def _artists_stmt(dialect: str, with_text: bool) -> Any:
    visible = (
        exists()
        .where(TrackArtist.artist_id == Artist.id, Track.id == TrackArtist.track_id)
        .where(listable(VIEWER))
    )
    hits = _hits(dialect, Artist, Artist.name_key, visible, Artist.sort_name, False, with_text)
    stats = artist_stats(VIEWER, select(hits.c.id))
    return (
        select(Artist, stats.c.track_count, stats.c.album_count)
        .select_from(hits)
        .join(Artist, Artist.id == hits.c.id)
        .join(stats, stats.c.artist_id == Artist.id)
        .order_by(hits.c.tier, hits.c.rank)
        .limit(LIMIT)
    )


class Searcher:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session
        self.dialect = session.bind.dialect.name if session.bind else "sqlite"
        self._no_seq_scans = False

    def _params(self, viewer: uuid.UUID | None, q: str, limit: int) -> dict[str, Any] | None:
        folded = fold(q)
        terms = search_terms(q)
        if not terms or not folded:
            return None
        match = _tsquery(terms) if self.dialect == "postgresql" else _fts5_query(terms)
        return {
            "viewer": viewer,
            "folded": folded,
            "upper": folded + "\U0010ffff",
            "match": match,
            "limit": limit,
        }

    async def _run(self, build: Any, viewer: uuid.UUID | None, q: str, limit: int) -> list[Any]:
        params = self._params(viewer, q, limit)
        if params is None:
            return []
        with_text = len(params["folded"]) >= MIN_TEXT_QUERY
        if not with_text:
            del params["match"]
        if self.dialect == "postgresql" and not self._no_seq_scans:
            # PostgreSQL guesses badly how many rows a prefix tsquery matches, and with
            # LIMIT in sight it then scans the table instead of the GIN index: fine on a
            # small table, a full scan of albums or artists on a large one. Every statement
            # here has an index to follow; this transaction only is told so.
            await self.s.execute(text("SET LOCAL enable_seqscan = off"))
            self._no_seq_scans = True
        return list((await self.s.execute(build(self.dialect, with_text), params)).all())

    async def tracks(
        self, viewer: uuid.UUID | None, q: str, limit: int
    ) -> tuple[list[Track], set[uuid.UUID]]:
        """Matching tracks, best first, and which of them the viewer loves."""
        rows = await self._run(_tracks_stmt, viewer, q, limit)
        return [r[0] for r in rows], {r[0].id for r in rows if r[1]}

    async def albums(
        self, viewer: uuid.UUID | None, q: str, limit: int
    ) -> list[tuple[Album, int, float]]:
        """Matching albums with at least one track the viewer may list, with the count and
        duration of those tracks."""
        rows = await self._run(_albums_stmt, viewer, q, limit)
        return [(a, int(n), float(d)) for a, n, d in rows]

    async def artists(
        self, viewer: uuid.UUID | None, q: str, limit: int
    ) -> list[tuple[Artist, int, int]]:
        """Matching artists credited on a track the viewer may list, with their track and
        album counts."""
        rows = await self._run(_artists_stmt, viewer, q, limit)
        return [(a, int(n), int(m)) for a, n, m in rows]


async def rebuild_index(engine: AsyncEngine) -> None:
    """Bring the search index back in step with the rows, after `tonearm db vacuum`.

    On SQLite the FTS5 tables are external-content indexes keyed by the tables' implicit
    rowids, which VACUUM is allowed to renumber (tables without an INTEGER PRIMARY KEY), so
    they are rebuilt from the rows in one transaction; the rebuild also repairs an index that
    went out of step any other way. PostgreSQL's GIN indexes follow the rows by themselves.
    Safe while the server runs; writers wait for the rebuild."""
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        if auto.dialect.name != "sqlite":
            return
        await auto.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            for table in SEARCH_TABLES:
                fts = f"{table}_fts"  # our own table names, not input
                await auto.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608
        except BaseException:
            await auto.exec_driver_sql("ROLLBACK")
            raise
        await auto.exec_driver_sql("COMMIT")
        await auto.exec_driver_sql("PRAGMA optimize")

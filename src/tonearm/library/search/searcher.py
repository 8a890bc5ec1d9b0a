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
3. only if both came up short, typo-tolerant hits: each word of `FUZZY_MIN` letters or more
   that is not a word of the index may also be any indexed word one edit away from it (a
   letter missing, extra, changed, or two swapped, the first letter trusted: "knalgn" ->
   "knalgan"), and tier 2 runs again with that query; what it finds comes after what tiers
   1 and 2 found. Indexed words are kept as typed ("love" does not also find "glove").
   The vocabulary is `tracks_fts_vocab` (migration 9e3b5c71d2a8): an fts5vocab view of the
   tracks' FTS5 index on SQLite, a trigger-kept table of words on PostgreSQL; the tracks'
   search text holds their album and artists, so it covers all three. Two look-ups: which
   words are indexed (or start one), then the edits of those that are not, for at most
   `FUZZY_TERMS` words: one range scan for the edits past the first `HEAD` letters, an
   exact probe for each of the others, so the cost does not grow with the vocabulary.
   Each word keeps its `CORRECTIONS` most used neighbours. On SQLite a probe reads every
   segment of the FTS5 index; `rebuild_index` (`tonearm db vacuum`) merges them into one.

Only what the caller may list is returned.

Each entity is one statement (tracks add one for their artist credits; a typo adds the two
look-ups once per search and one statement per entity): tiers 1 and 2 are a ranked UNION
ALL joined to the rows, with the counts and the viewer's loves alongside. The statements are
built once per dialect and shape and take the query as bound parameters, so a search pays
neither for building SQL nor for extra round trips. At a million tracks the SQL
takes a few milliseconds; those two were most of the rest."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    String,
    Text,
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
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from tonearm.kit.db import read
from tonearm.kit.text import fold, search_terms
from tonearm.library.catalog import views
from tonearm.library.catalog.repository import album_covers, album_stats, artist_stats, listable
from tonearm.library.schemas import ArtistRef
from tonearm.models.library import Album, Artist, Love, Track, TrackArtist

SEARCH_TABLES = ("tracks", "albums", "artists")
CANDIDATES = 200
FUZZY_CANDIDATES = 50  # the typo tier's: its words are rarer, and each candidate is checked
MIN_TEXT_QUERY = 3  # characters; shorter queries use the key tier only
SHORT_TERM = 3  # prefixes up to this long are indexed whole (FTS5 prefix='1 2 3', PG 0004)
FUZZY_MIN = 4  # letters; shorter words have too many neighbours to guess from
FUZZY_TERMS = 3  # misspelt words corrected per query, at most
CORRECTIONS = 5  # indexed words tried in place of one misspelt word, at most
ALPHABET = "abcdefghijklmnopqrstuvwxyz"  # letters tried in an insertion or substitution
HEAD = 4  # letters: a word's edits past them are found by one range scan, not probes

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


def _edits(word: str) -> set[str]:
    """The words one edit away from `word` (Damerau: delete, transpose, replace, insert),
    over a-z and the word's own letters. The first letter is trusted: it may be missing or
    swapped with the second, not replaced or preceded by another (as in most spellers)."""
    letters = sorted(set(ALPHABET) | set(word))
    out: set[str] = set()
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        if i:
            out.update(head + c + tail for c in letters)
        if tail:
            out.add(head + tail[1:])
            if i:
                out.update(head + c + tail[1:] for c in letters)
        if len(tail) > 1:
            out.add(head + tail[1] + tail[0] + tail[2:])
    out.discard(word)
    return out


# The vocabulary look-ups, in two steps so that a word typed right costs one probe, not ~55
# per letter: the first indexed word each term starts (the term itself when it is a word),
# then which of the misspelt terms' edits are indexed words, and how many tracks use each.
_STARTS_SQLITE = text(
    "SELECT j.value, (SELECT v.term FROM tracks_fts_vocab AS v"
    " WHERE v.term >= j.value AND v.term < j.value || char(1114111) LIMIT 1)"
    " FROM json_each(:terms) AS j"
).bindparams(bindparam("terms", type_=String()))
# One range scan per head, each its own arm: joined to json_each, SQLite would scan the
# whole vocabulary instead. (Only the arm numbers are formatted in; values are bound.)
_HEAD_ARMS = "".join(
    f" UNION ALL SELECT term, doc FROM tracks_fts_vocab WHERE term >= :h{i} AND term < :u{i}"  # noqa: S608
    for i in range(FUZZY_TERMS)
)
_PROBES = "SELECT v.term, v.doc FROM json_each(:edits) AS j JOIN tracks_fts_vocab AS v"
_WORDS_SQLITE = text(f"{_PROBES} ON v.term = j.value{_HEAD_ARMS}").bindparams(
    bindparam("edits", type_=String()),
    *(bindparam(f"{x}{i}", type_=String()) for x in "hu" for i in range(FUZZY_TERMS)),
)
_STARTS_POSTGRESQL = text(
    "SELECT t, (SELECT v.word FROM tracks_fts_vocab AS v"
    ' WHERE v.word >= t COLLATE "C" AND v.word < (t || chr(1114111)) COLLATE "C"'
    " ORDER BY v.word LIMIT 1)"
    " FROM unnest(CAST(:terms AS text[])) AS t"
).bindparams(bindparam("terms", type_=ARRAY(Text())))
_WORDS_POSTGRESQL = text(
    "SELECT v.word, v.uses FROM tracks_fts_vocab AS v WHERE v.word = ANY(CAST(:edits AS text[]))"
    " UNION ALL"
    " SELECT v.word, v.uses FROM unnest(CAST(:heads AS text[])) AS h"
    ' JOIN tracks_fts_vocab AS v ON v.word >= h COLLATE "C"'
    ' AND v.word < (h || chr(1114111)) COLLATE "C"'
).bindparams(bindparam("edits", type_=ARRAY(Text())), bindparam("heads", type_=ARRAY(Text())))


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
        self._corrected: dict[str, str | None] = {}  # query -> corrected match, per search

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
            # here has an index to follow; this transaction only is told so.
            conn.execute(text("SET LOCAL enable_seqscan = off"))
            self._no_seq_scans = True
        rows = list(conn.execute(build(self.dialect, with_text), params).all())
        if len(rows) >= limit or not with_text:
            return rows
        match = self._correct(q)
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

    def _correct(self, q: str) -> str | None:
        """The query's full-text match with its misspelt words replaced by the indexed words
        one edit away, or None when no word needs it or none could be corrected. Computed
        once per search (tracks, albums and artists share it)."""
        if q in self._corrected:
            return self._corrected[q]
        terms = search_terms(q)
        checked = list(dict.fromkeys(t for t in terms if len(t) >= FUZZY_MIN))[:FUZZY_TERMS]
        match = None
        if checked:
            stmt = self._vocab(_STARTS_POSTGRESQL, _STARTS_SQLITE, checked)
            first: dict[str, str | None] = dict(self.conn.execute(*stmt).all())
            starts = {t for t, w in first.items() if w is not None}  # start an indexed word
            edits = {t: _edits(t) for t in checked if first[t] != t}  # not indexed words
            uses: dict[str, int] = {}  # indexed words among the edits, and their tracks
            if edits:
                # The edits past the first HEAD letters all start like the term: one range
                # scan of the words that do finds them; the others are probed one by one.
                heads = sorted({t[:HEAD] for t in edits if len(t) > HEAD + 1})
                probes = sorted(
                    e
                    for t, es in edits.items()
                    for e in es
                    if len(t) <= HEAD + 1 or not e.startswith(t[:HEAD])
                )
                stmt = self._vocab(_WORDS_POSTGRESQL, _WORDS_SQLITE, probes, "edits")
                if self.dialect == "postgresql":
                    stmt[1]["heads"] = heads
                else:
                    for i in range(FUZZY_TERMS):  # an empty range for each head not there
                        head = heads[i] if i < len(heads) else ""
                        stmt[1][f"h{i}"] = head
                        stmt[1][f"u{i}"] = head + "\U0010ffff" if head else ""
                uses = {w: int(n) for w, n in self.conn.execute(*stmt)}
            groups: list[tuple[str | None, list[str]]] = []  # (prefix kept, whole words)
            corrected = False
            for t in terms:
                if t not in edits:
                    groups.append((t, []))  # short, or an indexed word: kept as typed
                    continue
                near = sorted((w for w in edits[t] if w in uses), key=lambda w: (-uses[w], w))
                if not near and t not in starts:
                    break  # nothing resembles it: every term must match, so nothing does
                groups.append((t if t in starts else None, near[:CORRECTIONS]))
                corrected = corrected or bool(near)
            else:
                if corrected:
                    match = self._match(groups)
        self._corrected[q] = match
        return match

    def _vocab(
        self, postgres: Any, sqlite: Any, words: list[str], name: str = "terms"
    ) -> tuple[Any, dict[str, Any]]:
        """A vocabulary statement and its parameter: an array on PostgreSQL, JSON on SQLite
        (one bound value either way, whatever the number of words)."""
        if self.dialect == "postgresql":
            return postgres, {name: words}
        return sqlite, {name: json.dumps(words)}

    def _match(self, groups: list[tuple[str | None, list[str]]]) -> str:
        """The full-text match of each term kept as a word prefix (as in tier 2), or any of
        its corrections as whole words, or either."""
        postgres = self.dialect == "postgresql"
        parts = []
        for prefix, words in groups:
            if postgres:
                alts = ([_tsquery([prefix])] if prefix else []) + words
                parts.append(alts[0] if len(alts) == 1 else "(" + " | ".join(alts) + ")")
            else:
                alts = ([_fts5_query([prefix])] if prefix else []) + [f'"{w}"' for w in words]
                parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
        return (" & " if postgres else " AND ").join(parts)  # FTS5: no implicit AND after ()

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


# The PostgreSQL vocabulary recounted from the rows (as migration 9e3b5c71d2a8 fills it).
_RECOUNT_POSTGRESQL = (
    "LOCK TABLE tracks IN SHARE MODE",  # writers wait; readers and searches go on
    "DELETE FROM tracks_fts_vocab",
    "INSERT INTO tracks_fts_vocab (word, uses) SELECT w, count(*) FROM tracks,"
    " unnest(tsvector_to_array(to_tsvector('simple', tracks.search_text))) AS w GROUP BY w",
)


async def _fts_commands(auto: Any, commands: tuple[str, ...]) -> None:
    """Run FTS5 special commands on each search index, in one write transaction."""
    await auto.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        for table in SEARCH_TABLES:
            fts = f"{table}_fts"  # our own table names, not input
            for command in commands:  # ours too
                await auto.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('{command}')")  # noqa: S608
    except BaseException:
        await auto.exec_driver_sql("ROLLBACK")
        raise
    await auto.exec_driver_sql("COMMIT")


async def merge_index(engine: AsyncEngine) -> None:
    """Merge each FTS5 index into one segment (SQLite; PostgreSQL's GIN indexes need
    nothing). A scan writes its tracks in many transactions, each leaving a segment behind,
    and every term look-up reads every segment: at a million tracks the typo tier's probes
    took 12 ms on the index a first scan leaves, 0.2 ms merged. Writers wait meanwhile
    (about 2.5 s at a million tracks); readers go on."""
    async with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            await _fts_commands(
                await conn.execution_options(isolation_level="AUTOCOMMIT"), ("optimize",)
            )


async def rebuild_index(engine: AsyncEngine) -> None:
    """Bring the search index back in step with the rows, after `tonearm db vacuum`.

    On SQLite the FTS5 tables are external-content indexes keyed by the tables' implicit
    rowids, which VACUUM is allowed to renumber (tables without an INTEGER PRIMARY KEY), so
    they are rebuilt from the rows in one transaction and merged into one segment each; the
    rebuild also repairs an index that went out of step any other way, and with it the typo
    tier's vocabulary (an fts5vocab view of the tracks' index). PostgreSQL's GIN indexes
    follow the rows by themselves; its vocabulary table is recounted from the rows in one
    transaction. Safe while the server runs; writers wait for the rebuild."""
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        if auto.dialect.name == "postgresql":
            await auto.exec_driver_sql("BEGIN")
            try:
                for statement in _RECOUNT_POSTGRESQL:
                    await auto.exec_driver_sql(statement)
            except BaseException:
                await auto.exec_driver_sql("ROLLBACK")
                raise
            await auto.exec_driver_sql("COMMIT")
            await auto.exec_driver_sql("ANALYZE tracks_fts_vocab")
            return
        if auto.dialect.name != "sqlite":
            return
        # Rebuilt, then one segment: a term look-up (every query, ~400 of them for a typo)
        # reads each segment's B-tree; a rebuild leaves several.
        await _fts_commands(auto, ("rebuild", "optimize"))
        await auto.exec_driver_sql("PRAGMA optimize")

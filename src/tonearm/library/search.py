"""Full-text search over tracks, albums and artists.

Matching is by word prefix over folded text (lower-case, accents removed), so "bjo jog" finds
"Björk – Jóga". Results come in three tiers, each capped so that a one-letter query over a
million tracks costs the same as a precise one:

1. exact title/name hits (a B-tree look-up on the folded key),
2. titles/names that start with the query (a B-tree range scan),
3. full-text hits anywhere in title, artists and album: FTS5 on SQLite, a stored tsvector
   with a GIN index on PostgreSQL. Up to `CANDIDATES` matches are taken and ordered by how
   short the title is (the term is most of it), then by plays; queries shorter than
   `MIN_TEXT_QUERY` characters use tiers 1 and 2 only.

Only what the caller may list is returned."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import column, func, literal_column, select, text
from sqlalchemy import table as sa_table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, joinedload, selectinload

from tonearm.kit.text import fold, search_terms
from tonearm.library.repository import listable
from tonearm.models.library import Album, Artist, Track, TrackArtist

CANDIDATES = 200
MIN_TEXT_QUERY = 3  # characters; shorter queries use the key tiers only


def _fts5_query(terms: list[str]) -> str:
    return " ".join(f'"{t}"*' for t in terms)


def _tsquery(terms: list[str]) -> str:
    return " & ".join(f"{t}:*" for t in terms)


def _upper_bound(prefix: str) -> str:
    return prefix + "\U0010ffff"


class Searcher:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session
        self.dialect = session.bind.dialect.name if session.bind else "sqlite"

    def _text_candidates(self, table: str, terms: list[str]) -> Any:
        """A subquery of up to CANDIDATES keys of rows matching every term as a word prefix.
        Unordered on purpose: scoring every match of a broad prefix is what makes full-text
        search slow at a million rows; the candidates are ordered cheaply afterwards."""
        if self.dialect == "postgresql":
            query = func.to_tsquery(literal_column("'simple'"), _tsquery(terms))
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
            .where(text(f"{table}_fts MATCH :q").bindparams(q=_fts5_query(terms)))
            .limit(CANDIDATES)
            .subquery()
        )

    def _join_key(self, table: str) -> Any:
        return literal_column(f"{table}.id" if self.dialect == "postgresql" else f"{table}.rowid")

    async def _tiered(
        self,
        model: Any,
        table: str,
        key_col: InstrumentedAttribute[Any],
        q: str,
        limit: int,
        visible: Any,
        options: list[Any],
        tiebreak: Any,
    ) -> list[Any]:
        folded = fold(q)
        terms = search_terms(q)
        if not terms or not folded:
            return []
        # Tier 1 then tier 2, each walking the key's index in order and stopping at `limit`.
        ids: list[uuid.UUID] = list(
            (
                await self.s.scalars(
                    select(model.id).where(visible, key_col == folded).limit(limit)
                )
            ).all()
        )
        if len(ids) < limit:
            more = await self.s.scalars(
                select(model.id)
                .where(visible, key_col > folded, key_col < _upper_bound(folded))
                .order_by(key_col)
                .limit(limit)
            )
            ids += [i for i in more.all() if i not in ids][: limit - len(ids)]
        if len(ids) < limit and len(folded) >= MIN_TEXT_QUERY:
            cand = self._text_candidates(table, terms)
            more = await self.s.scalars(
                select(model.id)
                .join(cand, cand.c.key == self._join_key(table))
                .where(visible)
                .order_by(func.length(key_col), tiebreak)
                .limit(limit + len(ids))
            )
            ids += [i for i in more.all() if i not in ids][: limit - len(ids)]
        if not ids:
            return []
        rows = (
            (await self.s.scalars(select(model).where(model.id.in_(ids)).options(*options)))
            .unique()
            .all()
        )
        by_id = {r.id: r for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    async def tracks(self, viewer: uuid.UUID | None, q: str, limit: int) -> list[Track]:
        # Album and album artist come joined into the same query: fewer round trips.
        opts = [
            selectinload(Track.credits),
            joinedload(Track.album).joinedload(Album.artist),
        ]
        return await self._tiered(
            Track,
            "tracks",
            Track.title_key,
            q,
            limit,
            listable(viewer),
            opts,
            Track.play_count.desc(),
        )

    async def albums(self, viewer: uuid.UUID | None, q: str, limit: int) -> list[Album]:
        visible = select(Track.id).where(Track.album_id == Album.id, listable(viewer)).exists()
        return await self._tiered(
            Album,
            "albums",
            Album.title_key,
            q,
            limit,
            visible,
            [joinedload(Album.artist)],
            Album.title,
        )

    async def artists(self, viewer: uuid.UUID | None, q: str, limit: int) -> list[Artist]:
        visible = (
            select(TrackArtist.track_id)
            .join(Track, Track.id == TrackArtist.track_id)
            .where(TrackArtist.artist_id == Artist.id, listable(viewer))
            .exists()
        )
        return await self._tiered(
            Artist, "artists", Artist.name_key, q, limit, visible, [], Artist.sort_name
        )

"""Full-text search over tracks, albums and artists.

Matching is by word prefix over folded text (lower-case, accents removed), so "bjo jog" finds
"Björk – Jóga". SQLite uses the FTS5 tables kept in sync by triggers; PostgreSQL uses a GIN
index over to_tsvector('simple', search_text). Exact title/name hits rank first, then prefix
hits, then by text rank. Only what the caller may list is searched."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import case, column, func, literal_column, select, text
from sqlalchemy import table as sa_table
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from tonearm.kit.text import fold, search_terms
from tonearm.library.repository import _track_opts, listable
from tonearm.models.library import Album, Artist, Track, TrackArtist


def _fts5_query(terms: list[str]) -> str:
    return " ".join(f'"{t}"*' for t in terms)


def _tsquery(terms: list[str]) -> str:
    return " & ".join(f"{t}:*" for t in terms)


class Searcher:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session
        self.dialect = session.bind.dialect.name if session.bind else "sqlite"

    def _match(self, stmt: Any, table: str, model: Any, terms: list[str]) -> tuple[Any, Any]:
        """(statement with the match applied, rank expression: lower is better)."""
        if self.dialect == "postgresql":
            vector = func.to_tsvector(literal_column("'simple'"), model.search_text)
            query = func.to_tsquery(literal_column("'simple'"), _tsquery(terms))
            return stmt.where(vector.op("@@")(query)), -func.ts_rank(vector, query)
        fts = sa_table(f"{table}_fts", column("rowid"))
        stmt = stmt.join(fts, fts.c.rowid == literal_column(f"{table}.rowid")).where(
            text(f"{table}_fts MATCH :q").bindparams(q=_fts5_query(terms))
        )
        return stmt, func.bm25(literal_column(f"{table}_fts"))

    @staticmethod
    def _exactness(column: Any, query: str) -> Any:
        return case((column == query, 0), (column.startswith(query, autoescape=True), 1), else_=2)

    async def tracks(self, viewer: uuid.UUID | None, q: str, limit: int) -> list[Track]:
        terms = search_terms(q)
        if not terms:
            return []
        stmt, rank = self._match(select(Track), "tracks", Track, terms)
        stmt = (
            stmt.where(listable(viewer))
            .order_by(self._exactness(Track.title_key, fold(q)), rank, Track.play_count.desc())
            .limit(limit)
            .options(*_track_opts())
        )
        return list((await self.s.scalars(stmt)).unique().all())

    async def albums(self, viewer: uuid.UUID | None, q: str, limit: int) -> list[Album]:
        terms = search_terms(q)
        if not terms:
            return []
        stmt, rank = self._match(select(Album), "albums", Album, terms)
        visible = select(Track.id).where(Track.album_id == Album.id, listable(viewer)).exists()
        stmt = (
            stmt.where(visible)
            .order_by(self._exactness(Album.title_key, fold(q)), rank, Album.title_key)
            .limit(limit)
            .options(selectinload(Album.artist))
        )
        return list((await self.s.scalars(stmt)).all())

    async def artists(self, viewer: uuid.UUID | None, q: str, limit: int) -> list[Artist]:
        terms = search_terms(q)
        if not terms:
            return []
        stmt, rank = self._match(select(Artist), "artists", Artist, terms)
        visible = (
            select(TrackArtist.track_id)
            .join(Track, Track.id == TrackArtist.track_id)
            .where(TrackArtist.artist_id == Artist.id, listable(viewer))
            .exists()
        )
        stmt = (
            stmt.where(visible)
            .order_by(self._exactness(Artist.name_key, fold(q)), rank, Artist.sort_name)
            .limit(limit)
        )
        return list((await self.s.scalars(stmt)).all())

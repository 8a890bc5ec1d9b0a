"""Smart selections: a tree of rules over the library, a sort and a limit, compiled to one SQL
query over the tracks the viewer may list. Play counts, last played and loves are the viewer's
own (a guest has none).

The rules come validated (by the playlists domain) as plain JSON:
`{"all" | "any": [{"field", "op", "value"} | group, ...]}`. Text compares folded (case and
accents ignored). Numbers are whole units: `bit_rate` in kbps and `duration` in seconds, so
`is 320` means 320 <= kbps < 321. Dates: `in_the_last`/`not_in_the_last` days (never played
is "not in the last"), `before`/`after` a day (UTC; `after` starts the next day).

Random order is a seeded permutation (`(size mod p) * a + b mod p`, ids breaking ties), so
the pages of one read, which carry the seed in their cursor, agree with each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import utcnow
from tonearm.kit.text import fold
from tonearm.library.catalog.repository import listable
from tonearm.models.library import Album, Artist, Love, Track, TrackArtist
from tonearm.models.listening import Play

TEXT_FIELDS = ("artist", "album_artist", "album", "title", "genre", "format")
NUMBER_FIELDS = ("year", "play_count", "duration", "bit_rate")
DATE_FIELDS = ("added", "last_played")
BOOL_FIELDS = ("loved",)
FIELDS = TEXT_FIELDS + NUMBER_FIELDS + DATE_FIELDS + BOOL_FIELDS
OPS: dict[str, tuple[str, ...]] = {
    "text": ("is", "is_not", "contains", "not_contains", "starts_with", "ends_with"),
    "number": ("is", "is_not", "gt", "lt", "in_range"),
    "date": ("in_the_last", "not_in_the_last", "before", "after"),
    "bool": ("is",),
}
SORTS = (*FIELDS, "random")
_P = 1_000_003  # a prime above any size mod it


def field_type(field: str) -> str:
    if field in TEXT_FIELDS:
        return "text"
    if field in NUMBER_FIELDS:
        return "number"
    if field in DATE_FIELDS:
        return "date"
    if field in BOOL_FIELDS:
        return "bool"
    raise ValueError(f"unknown field {field!r}")


# As the library's face names them.
SMART_FIELDS, SMART_OPS, SMART_SORTS, smart_field_type = FIELDS, OPS, SORTS, field_type


class InvalidRule(ValueError):
    """A rule the compiler cannot read (the playlists domain validates before this)."""


@dataclass(frozen=True, slots=True)
class Selection:
    """What a smart playlist selects: rules, a sort (`random`, or a field) and a limit."""

    rules: Mapping[str, Any]
    sort: str = "title"
    descending: bool = False
    limit: int | None = None


class SmartQuery:
    def __init__(self, viewer: uuid.UUID | None, selection: Selection, seed: int = 0) -> None:
        self.viewer = viewer
        self.sel = selection
        self.seed = seed
        self.now = utcnow()

    # --- the viewer's annotations -----------------------------------------------------------
    def play_count(self) -> Any:
        if self.viewer is None:
            return literal(0)
        return (
            select(func.count(Play.id))
            .where(Play.user_id == self.viewer, Play.track_id == Track.id, Play.counted.is_(True))
            .correlate(Track)
            .scalar_subquery()
        )

    def last_played(self) -> Any:
        if self.viewer is None:
            return literal(None, Play.started_at.type)
        return (
            select(func.max(Play.started_at))
            .where(Play.user_id == self.viewer, Play.track_id == Track.id, Play.counted.is_(True))
            .correlate(Track)
            .scalar_subquery()
        )

    def loved(self) -> ColumnElement[bool]:
        if self.viewer is None:
            return false()
        return exists().where(Love.user_id == self.viewer, Love.track_id == Track.id)

    # --- where ------------------------------------------------------------------------------
    def where(self) -> ColumnElement[bool]:
        return and_(listable(self.viewer), self.node(self.sel.rules, 1))

    def node(self, node: Mapping[str, Any], depth: int) -> ColumnElement[bool]:
        if depth > 8:
            raise InvalidRule("rules nest too deep")
        if "field" in node:
            return self.rule(str(node["field"]), str(node["op"]), node.get("value"))
        if "all" in node and node["all"] is not None:
            parts = [self.node(n, depth + 1) for n in node["all"]]
            return and_(true(), *parts)
        if "any" in node and node["any"] is not None:
            parts = [self.node(n, depth + 1) for n in node["any"]]
            return or_(false(), *parts)
        raise InvalidRule("a group needs `all` or `any`")

    def rule(self, field: str, op: str, value: Any) -> ColumnElement[bool]:
        kind = field_type(field)
        if op not in OPS[kind]:
            raise InvalidRule(f"{op!r} does not apply to {field!r}")
        if kind == "text":
            return self._text(field, op, str(value))
        if kind == "number":
            return self._number(field, op, value)
        if kind == "date":
            return self._date(field, op, value)
        return self.loved() if bool(value) else not_(self.loved())

    def _text(self, field: str, op: str, raw: str) -> ColumnElement[bool]:
        v = fold(raw)
        negate = op in ("is_not", "not_contains")
        positive = {"is_not": "is", "not_contains": "contains"}.get(op, op)

        def match(col: Any) -> ColumnElement[bool]:
            col = func.coalesce(col, "")
            if positive == "is":
                return col == v
            if positive == "contains":
                return col.contains(v, autoescape=True)
            if positive == "starts_with":
                return col.startswith(v, autoescape=True)
            return col.endswith(v, autoescape=True)

        cond: ColumnElement[bool]
        if field == "title":
            cond = match(Track.title_key)
        elif field == "artist":
            cond = exists().where(
                TrackArtist.track_id == Track.id,
                Artist.id == TrackArtist.artist_id,
                match(Artist.name_key),
            )
        elif field == "album_artist":
            cond = exists().where(Artist.id == Track.album_artist_id, match(Artist.name_key))
        elif field == "album":
            cond = exists().where(Album.id == Track.album_id, match(Album.title_key))
        elif field == "genre":
            key = Track.genre_key
            if positive == "is":
                cond = key.contains(f"|{v}|", autoescape=True)
            elif positive == "contains":
                cond = key.contains(v, autoescape=True)
            elif positive == "starts_with":
                cond = key.contains(f"|{v}", autoescape=True)
            else:
                cond = key.contains(f"{v}|", autoescape=True)
        else:  # format: the codec or the container
            cond = or_(match(func.lower(Track.codec)), match(func.lower(Track.container)))
        return not_(cond) if negate else cond

    def _number(self, field: str, op: str, value: Any) -> ColumnElement[bool]:
        col, unit = {
            "year": (Track.year, 1),
            "play_count": (self.play_count(), 1),
            "duration": (Track.duration, 1.0),
            "bit_rate": (Track.bitrate, 1000),
        }[field]
        if op == "in_range":
            low, high = (int(v) for v in value)
            return and_(col >= low * unit, col < (high + 1) * unit)
        n = int(value)
        if op == "gt":
            return col >= (n + 1) * unit
        if op == "lt":
            return col < n * unit
        same = and_(col >= n * unit, col < (n + 1) * unit)
        return same if op == "is" else or_(col.is_(None), not_(same))

    def _date(self, field: str, op: str, value: Any) -> ColumnElement[bool]:
        col = Track.created_at if field == "added" else self.last_played()
        if op in ("in_the_last", "not_in_the_last"):
            cutoff = self.now - timedelta(days=int(value))
            if op == "in_the_last":
                return col >= cutoff
            return or_(col.is_(None), col < cutoff)
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        if op == "after":
            day = day + timedelta(days=1)
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return (col < start) if op == "before" else (col >= start)

    # --- order ------------------------------------------------------------------------------
    def sort_expr(self) -> Any:
        field = self.sel.sort
        if field == "random":
            a = 1 + self.seed % (_P - 1)
            b = (self.seed // _P) % _P
            return (func.coalesce(Track.size, 0) % _P * a + b) % _P
        return {
            "title": Track.title_key,
            "artist": func.lower(Track.artist_name),
            "album_artist": select(Artist.sort_name)
            .where(Artist.id == Track.album_artist_id)
            .correlate(Track)
            .scalar_subquery(),
            "album": select(Album.title_key)
            .where(Album.id == Track.album_id)
            .correlate(Track)
            .scalar_subquery(),
            "genre": Track.genre_key,
            "year": Track.year,
            "added": Track.created_at,
            "last_played": self.last_played(),
            "play_count": self.play_count(),
            "loved": case((self.loved(), 1), else_=0),
            "duration": Track.duration,
            "format": func.lower(Track.codec),
            "bit_rate": Track.bitrate,
        }[field]

    def order(self) -> list[Any]:
        expr = self.sort_expr()
        if self.sel.sort == "random":
            return [expr, Track.id]
        direction = expr.desc() if self.sel.descending else expr.asc()
        return [case((expr.is_(None), 1), else_=0), direction, Track.id]  # missing values last


async def smart_ids(
    s: AsyncSession,
    viewer: uuid.UUID | None,
    selection: Selection,
    *,
    offset: int = 0,
    count: int | None = None,
    seed: int = 0,
) -> list[uuid.UUID]:
    """Ids of the selected tracks, in order, from `offset` (`count` of them, or all)."""
    q = SmartQuery(viewer, selection, seed)
    stmt = select(Track.id).where(q.where()).order_by(*q.order()).offset(offset)
    remaining = None if selection.limit is None else max(selection.limit - offset, 0)
    take = [n for n in (count, remaining) if n is not None]
    if take:
        stmt = stmt.limit(min(take))
    return list((await s.scalars(stmt)).all())


async def smart_totals(
    s: AsyncSession, viewer: uuid.UUID | None, selection: Selection, seed: int = 0
) -> tuple[int, float]:
    """How many tracks the selection holds, and their seconds."""
    q = SmartQuery(viewer, selection, seed)
    stmt = select(Track.id, Track.duration).where(q.where())
    if selection.limit:
        stmt = stmt.order_by(*q.order()).limit(selection.limit)
    chosen = stmt.subquery()
    n, seconds = (
        await s.execute(
            select(func.count(chosen.c.id), func.coalesce(func.sum(chosen.c.duration), 0.0))
        )
    ).one()
    return int(n), float(seconds)


def in_order(rows: Sequence[Track], ids: Sequence[uuid.UUID]) -> list[Track]:
    by_id = {t.id: t for t in rows}
    return [by_id[i] for i in ids if i in by_id]

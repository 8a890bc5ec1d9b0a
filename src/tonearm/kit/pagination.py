"""Keyset pagination: `?limit=&cursor=` -> `{"items": [...], "next_cursor": "..."}`.

A cursor is an opaque, URL-safe encoding of the sort key of the last item returned. Ordering is
always by (sort column, id) so that ties are broken deterministically."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import and_, or_

from tonearm.kit.errors import BadRequest, documents

T = TypeVar("T")


class InvalidCursor(BadRequest):
    code, title = "invalid_cursor", "The pagination cursor is invalid"


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


class PageParams(BaseModel):
    limit: int = 50
    cursor: str | None = None


@documents(InvalidCursor)  # the repositories decode the cursor: every paged route may say 400
async def page_params(
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


def encode_cursor(values: Sequence[Any]) -> str:
    def conv(v: Any) -> Any:
        if isinstance(v, datetime):
            return {"t": v.isoformat()}
        if isinstance(v, uuid.UUID):
            return {"u": str(v)}
        return v

    raw = orjson.dumps([conv(v) for v in values])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, n: int) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = orjson.loads(raw)
        if not isinstance(data, list) or len(data) != n:
            raise ValueError("shape")
        out: list[Any] = []
        for v in data:
            if isinstance(v, dict) and "t" in v:
                out.append(datetime.fromisoformat(v["t"]))
            elif isinstance(v, dict) and "u" in v:
                out.append(uuid.UUID(v["u"]))
            elif isinstance(v, str | int | float | bool) or v is None:
                out.append(v)
            else:
                raise ValueError("value")
        return out
    except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise InvalidCursor() from exc


def keyset(
    stmt: Any,
    sort_col: Any,
    id_col: Any,
    params: PageParams,
    *,
    descending: bool = True,
) -> Any:
    """Apply order, the cursor predicate and limit+1 (to know whether there is a next page)."""
    if params.cursor:
        last_sort, last_id = decode_cursor(params.cursor, 2)
        if descending:
            cond = or_(sort_col < last_sort, and_(sort_col == last_sort, id_col < last_id))
        else:
            cond = or_(sort_col > last_sort, and_(sort_col == last_sort, id_col > last_id))
        stmt = stmt.where(cond)
    if descending:
        stmt = stmt.order_by(sort_col.desc(), id_col.desc())
    else:
        stmt = stmt.order_by(sort_col.asc(), id_col.asc())
    return stmt.limit(params.limit + 1)


def split_page(rows: Sequence[T], params: PageParams, key: Any) -> tuple[list[T], str | None]:
    """Cut the extra row off and build the next cursor from `key(last_row)`."""
    items = list(rows[: params.limit])
    nxt = encode_cursor(key(items[-1])) if len(rows) > params.limit and items else None
    return items, nxt

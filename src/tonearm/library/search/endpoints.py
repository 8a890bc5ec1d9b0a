"""GET /api/v1/search: tracks, albums and artists the caller may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tonearm.library.deps import Library
from tonearm.library.schemas import SearchResults
from tonearm.platform.auth import OptionalUser, viewer_id

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get("/search", operation_id="search-all")
async def search(
    svc: Library,
    principal: OptionalUser,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchResults:
    return await svc.search(viewer_id(principal), q, limit)

"""Builds the library's services for a request (the only place that does, for HTTP)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from tonearm.accounts.deps import OptionalUser
from tonearm.kit.deps import DbSession, State
from tonearm.kit.pagination import PageParams, page_params
from tonearm.library.catalog.service import LibraryService

Pages = Annotated[PageParams, Depends(page_params)]


def library_service(session: DbSession, state: State) -> LibraryService:
    return LibraryService(session, state.storage)


Library = Annotated[LibraryService, Depends(library_service)]


def viewer_of(principal: OptionalUser) -> uuid.UUID | None:
    return principal.id if principal else None

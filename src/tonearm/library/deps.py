"""Builds the library's services for a request (the only place that does, for HTTP)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from tonearm.kit.pagination import PageParams, page_params
from tonearm.library.catalog.service import LibraryService
from tonearm.library.ingest.service import IngestService
from tonearm.library.scan.service import ScanService
from tonearm.platform.deps import DbSession, State

Pages = Annotated[PageParams, Depends(page_params)]


async def library_service(session: DbSession, state: State) -> LibraryService:
    return LibraryService(session, state.storage)


Library = Annotated[LibraryService, Depends(library_service)]


async def ingest_service(session: DbSession, state: State) -> IngestService:
    return IngestService(session, state.storage)


Ingest = Annotated[IngestService, Depends(ingest_service)]


async def scan_service(session: DbSession, state: State) -> ScanService:
    return ScanService(session, state.settings.library_roots)


Scans = Annotated[ScanService, Depends(scan_service)]

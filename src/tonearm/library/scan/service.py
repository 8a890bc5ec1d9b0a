"""Starting a folder scan from the API: the folder must lie inside a configured library root;
it becomes (or already is) a `LibraryRoot`; the scan runs as a job, enqueued after commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.jobs.service import enqueue
from tonearm.library.scan.roots import allowed_path, ensure_root
from tonearm.models.library import Visibility


@dataclass(frozen=True, slots=True)
class ScanStart:
    job_id: uuid.UUID
    root_id: uuid.UUID


class ScanService:
    def __init__(self, session: AsyncSession, library_roots: list[Path]) -> None:
        self.s = session
        self.library_roots = library_roots

    async def start(
        self,
        admin: uuid.UUID,
        path: str,
        owner: uuid.UUID | None,
        visibility: Visibility | None,
        *,
        full: bool,
        process: bool,
    ) -> ScanStart:
        folder = allowed_path(path, self.library_roots)
        root = await ensure_root(self.s, folder, owner, visibility, default_owner=admin)
        job = await enqueue(
            self.s, "library.scan", owner_id=admin, root_id=root.id, full=full, process=process
        )
        return ScanStart(job_id=job.id, root_id=root.id)

"""Starting a folder scan from the API: the folder must lie inside a configured library root;
it becomes (or already is) a `LibraryRoot`; the scan runs as a job, enqueued after commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.accounts import get_user
from tonearm.jobs.service import enqueue
from tonearm.library.errors import RootNotFound
from tonearm.library.scan.roots import allowed_path, ensure_root
from tonearm.models.jobs import Job
from tonearm.models.library import LibraryRoot, Track, TrackStatus, Visibility


@dataclass(frozen=True, slots=True)
class RootState:
    root: LibraryRoot
    owner_name: str | None
    tracks: int
    missing: int
    last_scan: Job | None


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
        return await self._scan(admin, root, full=full, process=process)

    async def rescan(
        self, admin: uuid.UUID, root_id: uuid.UUID, *, full: bool, process: bool
    ) -> ScanStart:
        root = await self.s.get(LibraryRoot, root_id)
        if root is None:
            raise RootNotFound()
        return await self._scan(admin, root, full=full, process=process)

    async def _scan(
        self, admin: uuid.UUID, root: LibraryRoot, *, full: bool, process: bool
    ) -> ScanStart:
        job = await enqueue(
            self.s, "library.scan", owner_id=admin, root_id=root.id, full=full, process=process
        )
        root.last_scan_job_id = job.id
        return ScanStart(job_id=job.id, root_id=root.id)

    async def roots(self) -> list[RootState]:
        """Every library root, with its track counts and its last API-started scan."""
        roots = (await self.s.scalars(select(LibraryRoot).order_by(LibraryRoot.path))).all()
        counts: dict[tuple[uuid.UUID | None, TrackStatus], int] = {
            (r, st): int(n)
            for r, st, n in (
                await self.s.execute(
                    select(Track.root_id, Track.status, func.count())
                    .where(Track.root_id.is_not(None))
                    .group_by(Track.root_id, Track.status)
                )
            ).all()
        }
        job_ids = [r.last_scan_job_id for r in roots if r.last_scan_job_id]
        jobs = (
            {j.id: j for j in (await self.s.scalars(select(Job).where(Job.id.in_(job_ids)))).all()}
            if job_ids
            else {}
        )
        out = []
        for root in roots:
            owner = await get_user(self.s, root.owner_id)
            mine = {st: n for (r, st), n in counts.items() if r == root.id}
            out.append(
                RootState(
                    root=root,
                    owner_name=owner.username if owner else None,
                    tracks=sum(mine.values()),
                    missing=mine.get(TrackStatus.missing, 0),
                    last_scan=jobs.get(root.last_scan_job_id) if root.last_scan_job_id else None,
                )
            )
        return out

"""Migrations as the API sees them: start one (its job is queued after commit), read its
report, decide the review rows, apply, cancel, and the missing-tracks CSV. Every query is
scoped to the migration's owner."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm import providers
from tonearm.config import Settings
from tonearm.connections import ConnectionService, TokenKeeper
from tonearm.jobs.errors import JobFinished, JobNotFound
from tonearm.jobs.service import JobsService, enqueue
from tonearm.kit.pagination import PageParams, keyset, split_page
from tonearm.matching import Entry
from tonearm.migration.errors import (
    BadSide,
    MigrationBusy,
    MigrationNotFound,
    MigrationTrackNotFound,
    NotACandidate,
)
from tonearm.migration.rows import add_tracks, counts
from tonearm.migration.schemas import MigrationIn
from tonearm.models.migration import Migration, MigrationPlaylist, MigrationTrack
from tonearm.playlists import entries_csv, parse_file

RUN = "migration.run"
RUNNING = ("queued", "reading", "matching", "writing")


class MigrationService:
    def __init__(self, session: AsyncSession, settings: Settings, keeper: TokenKeeper) -> None:
        self.s = session
        self.settings = settings
        self.connections = ConnectionService(session, settings, keeper)

    # --- starting --------------------------------------------------------------------------
    async def _check_side(self, owner: uuid.UUID, side: dict[str, Any], role: str) -> None:
        if side["kind"] == "file" and role != "target":
            raise BadSide("A playlist file is a source through the upload route")
        if side["kind"] != "service":
            return
        slug = side["service"]
        service = self.connections.service(slug)
        needs: tuple[providers.Capability, ...] = (
            ("playlists_read",) if role == "source" else ("playlists_write",)
        )
        if role == "target" and not ({"search", "isrc"} & service.capabilities):
            raise BadSide(f"{service.name} cannot be searched, so nothing can be matched there")
        missing = [c for c in needs if c not in service.capabilities]
        if missing:
            raise BadSide(f"{service.name} cannot be a {role} here")
        conn = await self.connections.get(owner, slug)
        if conn.status != "active":
            raise providers.AuthRevoked(f"Reconnect {service.name} first")

    async def create(self, owner: uuid.UUID, data: MigrationIn) -> Migration:
        source, target = data.source.as_json(), data.target.as_json()
        if source == target:
            raise BadSide("The source and the target are the same")
        if data.playlists == "liked" and source["kind"] == "service":
            service = self.connections.service(source["service"])
            if "liked_read" not in service.capabilities:
                raise BadSide(f"{service.name} does not share its liked tracks")
        elif data.playlists == "liked":
            raise BadSide("Tonearm's loved tracks are not a playlist yet; choose playlists")
        await self._check_side(owner, source, "source")
        await self._check_side(owner, target, "target")
        m = Migration(
            owner_id=owner,
            source=source,
            target=target,
            selection={"playlists": data.playlists},
            dry_run=data.dry_run,
            policy=data.policy.model_dump(),
            status="queued",
            counts={},
        )
        self.s.add(m)
        await self.s.flush()
        await self._queue(m)
        return m

    async def create_from_file(
        self,
        owner: uuid.UUID,
        data: bytes,
        filename: str | None,
        target: dict[str, Any],
        *,
        dry_run: bool,
        strict_versions: bool,
    ) -> Migration:
        """A playlist file's playlists to a service (or the library): read now, matched by
        the job."""
        await self._check_side(owner, target, "target")
        parsed = parse_file(data, filename)
        m = Migration(
            owner_id=owner,
            source={"kind": "file", "name": (filename or "playlist")[:200]},
            target=target,
            selection={"playlists": "all"},
            dry_run=dry_run,
            policy={"strict_versions": strict_versions},
            status="queued",
            counts={},
        )
        self.s.add(m)
        await self.s.flush()
        for i, p in enumerate(parsed):
            row = MigrationPlaylist(
                migration_id=m.id,
                position=i,
                source_id=f"file:{i}",
                name=(p.name or filename or "Imported playlist")[:300],
                description=p.description,
                read=True,
            )
            self.s.add(row)
            await self.s.flush()
            add_tracks(self.s, m.id, row.id, p.entries)
        await self.s.flush()
        await self._queue(m)
        return m

    async def _queue(self, m: Migration) -> None:
        job = await enqueue(self.s, RUN, owner_id=m.owner_id, migration_id=m.id)
        m.job_id = job.id
        m.status = "queued"
        m.error = None

    # --- reading ---------------------------------------------------------------------------
    async def get(self, owner: uuid.UUID, migration_id: uuid.UUID) -> Migration:
        m = await self.s.scalar(
            select(Migration).where(Migration.id == migration_id, Migration.owner_id == owner)
        )
        if m is None:
            raise MigrationNotFound()
        return m

    async def page(
        self, owner: uuid.UUID, params: PageParams
    ) -> tuple[list[Migration], str | None]:
        stmt = select(Migration).where(Migration.owner_id == owner)
        rows = (
            await self.s.scalars(
                keyset(stmt, Migration.created_at, Migration.id, params, descending=True)
            )
        ).all()
        return split_page(rows, params, lambda m: (m.created_at, m.id))

    async def playlists(self, m: Migration) -> list[tuple[MigrationPlaylist, int]]:
        rows = await self.s.execute(
            select(MigrationPlaylist, func.count(MigrationTrack.id))
            .outerjoin(MigrationTrack, MigrationTrack.playlist_id == MigrationPlaylist.id)
            .where(MigrationPlaylist.migration_id == m.id)
            .group_by(MigrationPlaylist.id)
            .order_by(MigrationPlaylist.position)
        )
        return [(p, int(n)) for p, n in rows.all()]

    async def tracks(
        self,
        owner: uuid.UUID,
        migration_id: uuid.UUID,
        params: PageParams,
        bucket: str | None = None,
    ) -> tuple[list[MigrationTrack], str | None]:
        m = await self.get(owner, migration_id)
        stmt = select(MigrationTrack).where(MigrationTrack.migration_id == m.id)
        if bucket == "skipped":
            stmt = stmt.where(MigrationTrack.decided_by == "skipped")
        elif bucket == "undecided":
            stmt = stmt.where(
                MigrationTrack.bucket == "review", MigrationTrack.decided_by.is_(None)
            )
        elif bucket:
            stmt = stmt.where(MigrationTrack.bucket == bucket)
        # One order over every playlist: the track's id breaks ties of equal positions.
        rows = (
            await self.s.scalars(
                keyset(stmt, MigrationTrack.position, MigrationTrack.id, params, descending=False)
            )
        ).all()
        return split_page(rows, params, lambda t: (t.position, t.id))

    # --- deciding and applying -------------------------------------------------------------
    async def decide(
        self,
        owner: uuid.UUID,
        migration_id: uuid.UUID,
        track_id: uuid.UUID,
        choice: str | None,
        skip: bool,
    ) -> MigrationTrack:
        m = await self.get(owner, migration_id)
        if m.status in RUNNING:
            raise MigrationBusy("Wait until it stops for review")
        row = await self.s.scalar(
            select(MigrationTrack).where(
                MigrationTrack.id == track_id, MigrationTrack.migration_id == m.id
            )
        )
        if row is None:
            raise MigrationTrackNotFound()
        if row.written:
            raise MigrationBusy("This track is already written at the target")
        if skip:
            row.decided_by, row.target_track_id = "skipped", None
        else:
            allowed = {str(c.get("id")) for c in row.candidates or []}
            if row.target_track_id:
                allowed.add(row.target_track_id)
            if choice not in allowed:
                raise NotACandidate()
            row.target_track_id, row.decided_by = choice, "user"
        await self.s.flush()
        m.counts = await counts(self.s, m.id)
        return row

    async def apply(self, owner: uuid.UUID, migration_id: uuid.UUID) -> Migration:
        """Write what was decided (a dry run becomes a real one); the rows still undecided
        are left out. Also resumes a failed or waiting migration."""
        m = await self.get(owner, migration_id)
        if m.status in RUNNING:
            raise MigrationBusy()
        m.dry_run = False
        m.policy = {**(m.policy or {}), "confirmed": True}  # the user saw the estimate
        undecided = await self.s.scalars(
            select(MigrationTrack).where(
                MigrationTrack.migration_id == m.id,
                MigrationTrack.bucket == "review",
                MigrationTrack.decided_by.is_(None),
            )
        )
        for row in undecided.all():
            row.decided_by = "skipped"
        await self._queue(m)
        m.finished_at = None
        return m

    async def cancel(self, owner: uuid.UUID, migration_id: uuid.UUID) -> Migration:
        m = await self.get(owner, migration_id)
        if m.job_id is not None and m.status in (*RUNNING, "waiting"):
            with contextlib.suppress(JobFinished, JobNotFound):  # it ended on its own
                await JobsService(self.s).cancel(m.job_id, owner)
        if m.status not in ("done",):
            m.status = "cancelled"
        return m

    async def missing_csv(self, owner: uuid.UUID, migration_id: uuid.UUID) -> tuple[str, bytes]:
        """The tracks that did not make it (unmatched, skipped, refused), as CSV."""
        m = await self.get(owner, migration_id)
        rows = await self.s.scalars(
            select(MigrationTrack)
            .join(MigrationPlaylist, MigrationPlaylist.id == MigrationTrack.playlist_id)
            .where(MigrationTrack.migration_id == m.id)
            .order_by(MigrationPlaylist.position, MigrationTrack.position)
        )
        missing: Sequence[MigrationTrack] = [
            r for r in rows.all() if r.decided_by == "skipped" or r.bucket == "unmatched" or r.error
        ]
        entries = [Entry.from_json(r.entry) for r in missing]
        target = m.target.get("service") or "tonearm"
        return f"missing-on-{target}.csv", entries_csv("Missing tracks", entries)

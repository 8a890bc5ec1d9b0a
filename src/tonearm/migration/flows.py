"""A migration's work, in steps that each commit what they did, so a job killed at any point
and started again resumes where it stopped, writes each track once, and asks the services
nothing it already asked:

1. read: the source's playlists (the selection), then each playlist's tracks, one
   transaction per playlist;
2. match: the tracks not looked up yet, in batches, against the target's catalog (ISRC,
   then search; answers kept in `service_lookups`), each batch's decisions committed;
3. stop for the user when some rows need review (or on a dry run): they confirm or change
   those rows, then apply, which runs the job again from here;
4. write: per playlist, create it at the target (its id committed before anything is added),
   then append the decided tracks in the target's batch size. A batch is marked in flight
   before it is sent; a crash between the send and the record is reconciled against the
   target's items before anything else is sent.

A 429 the service's pace could not wait out, or a spent daily quota, parks the migration
("waiting") with a new job queued for when the service said to come back. A track the
service refuses is marked with its error and the rest go on.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm import providers
from tonearm.config import Settings
from tonearm.connections import ConnectionService, TokenKeeper
from tonearm.kit.db import utcnow
from tonearm.kit.storage import Storage
from tonearm.matching import Entry, Matcher, Policy
from tonearm.migration.lookups import DatabaseLookups
from tonearm.migration.rows import add_tracks, candidate, chosen_before, counts
from tonearm.migration.sides import LIKED, LibrarySide, ServiceSide, Side
from tonearm.migration.writing import WriteSteps
from tonearm.models.migration import Migration, MigrationPlaylist, MigrationTrack
from tonearm.playlists import PlaylistsFacade

log = structlog.get_logger(__name__)

MATCH_BATCH = 100
Sessions = Callable[[], AbstractAsyncContextManager[AsyncSession]]
Report = Callable[[Migration], Awaitable[None]]


class Parked(Exception):
    """The migration waits (a quota, a long rate limit) until `until`."""

    def __init__(self, until: datetime, why: str) -> None:
        super().__init__(why)
        self.until = until
        self.why = why


@dataclass
class Outcome:
    status: str
    counts: dict[str, int]
    resume_at: datetime | None = None


class MigrationFlow(WriteSteps):
    def __init__(
        self,
        sessions: Sessions,
        settings: Settings,
        storage: Storage,
        keeper: TokenKeeper,
        *,
        report: Report | None = None,
        check: Callable[[], None] = lambda: None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.storage = storage
        self.keeper = keeper
        self.report = report
        self.check = check  # raises when the job was cancelled
        self._clients: dict[str, Any] = {}
        self._reported: Migration | None = None
        self._musicbrainz: Any = None
        self._countries: dict[str, str] = {}

    # --- sides -----------------------------------------------------------------------------
    async def side(self, s: AsyncSession, owner: uuid.UUID, where: dict[str, Any]) -> Side:
        if where.get("kind") == "service":
            slug = str(where["service"])
            if slug not in self._clients:
                conns = ConnectionService(s, self.settings, self.keeper)
                self._clients[slug] = await conns.client(owner, slug)
                self._countries[slug] = (await conns.get(owner, slug)).country or ""
            return ServiceSide(slug, self._clients[slug])
        library = LibrarySide(PlaylistsFacade(s, self.storage), owner, self.settings.base_url)
        return library

    # --- the steps -------------------------------------------------------------------------
    async def run(self, migration_id: uuid.UUID) -> Outcome:
        outcome = await self._run(migration_id)
        await self._report()
        return outcome

    async def _report(self) -> None:
        """Tell the job (progress, the SSE stream) what was just committed. Never inside a
        session that wrote: on SQLite the job's own update would wait for its lock."""
        m, self._reported = self._reported, None
        if m is not None and self.report is not None:
            await self.report(m)

    async def _run(self, migration_id: uuid.UUID) -> Outcome:
        try:
            await self._read(migration_id)
            if await self._over_quota(migration_id):
                async with self.sessions() as s:
                    return await self._finish(s, await self._load(s, migration_id), "review")
            if await self._to_files(migration_id):
                async with self.sessions() as s:
                    m = await self._load(s, migration_id)
                    return await self._finish(s, m, "review" if m.dry_run else "done")
            await self._match(migration_id)
            async with self.sessions() as s:
                m = await self._load(s, migration_id)
                undecided = await s.scalar(
                    select(func.count()).where(
                        MigrationTrack.migration_id == m.id,
                        MigrationTrack.bucket == "review",
                        MigrationTrack.decided_by.is_(None),
                    )
                )
                if undecided and m.policy.get("auto"):  # a sync run: left for the user
                    await s.execute(
                        update(MigrationTrack)
                        .where(
                            MigrationTrack.migration_id == m.id,
                            MigrationTrack.bucket == "review",
                            MigrationTrack.decided_by.is_(None),
                        )
                        .values(decided_by="skipped")
                    )
                elif m.dry_run or undecided:
                    return await self._finish(s, m, "review")
            await self._write(migration_id)
            async with self.sessions() as s:
                m = await self._load(s, migration_id)
                return await self._finish(s, m, "done")
        except Parked as parked:
            async with self.sessions() as s:
                m = await self._load(s, migration_id)
                m.resume_at = parked.until
                m.error = parked.why
                return await self._finish(s, m, "waiting")

    async def _load(self, s: AsyncSession, migration_id: uuid.UUID) -> Migration:
        m = await s.get(Migration, migration_id)
        if m is None:
            raise LookupError(f"migration {migration_id} is gone")
        return m

    async def _finish(self, s: AsyncSession, m: Migration, status: str) -> Outcome:
        m.status = status
        m.counts = await counts(s, m.id)
        if status in ("done", "review"):
            m.error = None
        if status == "done":
            m.finished_at = utcnow()
        await s.flush()
        self._reported = m
        return Outcome(status, m.counts, m.resume_at)

    async def _set_status(self, migration_id: uuid.UUID, status: str) -> None:
        async with self.sessions() as s:
            m = await self._load(s, migration_id)
            m.status = status
            m.counts = await counts(s, m.id)
            self._reported = m
        await self._report()

    # --- 1. read ---------------------------------------------------------------------------
    async def _read(self, migration_id: uuid.UUID) -> None:
        async with self.sessions() as s:
            m = await self._load(s, migration_id)
            known = await s.scalar(
                select(func.count()).where(MigrationPlaylist.migration_id == m.id)
            )
            if not known:  # (no write before the service answers: see _report)
                source = await self.side(s, m.owner_id, m.source)
                wanted = m.selection.get("playlists")
                if wanted == "all":
                    chosen = await self._guard(source.playlists())
                elif wanted == LIKED:
                    chosen = [await self._guard(source.playlist(LIKED))]
                else:
                    chosen = [await self._guard(source.playlist(str(p))) for p in wanted or []]
                m.status = "reading"
                for i, p in enumerate(chosen):
                    s.add(
                        MigrationPlaylist(
                            migration_id=m.id,
                            position=i,
                            source_id=p.id,
                            name=p.name[:300],
                            description=p.description,
                            snapshot=p.snapshot,
                            target_id=(m.target.get("playlist_id") if len(chosen) == 1 else None),
                        )
                    )
            unread = (
                await s.scalars(
                    select(MigrationPlaylist.id)
                    .where(
                        MigrationPlaylist.migration_id == m.id, MigrationPlaylist.read.is_(False)
                    )
                    .order_by(MigrationPlaylist.position)
                )
            ).all()
        for playlist_id in unread:
            self.check()
            async with self.sessions() as s:
                m = await self._load(s, migration_id)
                row = await s.get(MigrationPlaylist, playlist_id)
                assert row is not None
                source = await self.side(s, m.owner_id, m.source)
                entries = await self._guard(source.entries(row.source_id))
                add_tracks(s, m.id, row.id, entries)
                row.read = True
            await self._set_status(migration_id, "reading")

    # --- a quota's estimate ----------------------------------------------------------------
    async def _over_quota(self, migration_id: uuid.UUID) -> bool:
        """For a target with a daily quota (YouTube): the estimate, kept on the migration; True
        when it takes more than today's quota and the user has not said go yet."""
        async with self.sessions() as s:
            m = await self._load(s, migration_id)
            slug = m.target.get("service")
            service = providers.get(slug) if m.target.get("kind") == "service" and slug else None
            quota = service.quota(self.settings) if service else None
            if service is None or quota is None:
                return False
            budget = ConnectionService(s, self.settings, self.keeper).budget(service)
            assert budget is not None
            used = {bucket: await budget.used(bucket) for bucket in quota.limits}
            pending = await s.scalar(
                select(func.count()).where(
                    MigrationTrack.migration_id == m.id, MigrationTrack.looked_up.is_(False)
                )
            )
            unwritten = await s.scalar(
                select(func.count()).where(
                    MigrationTrack.migration_id == m.id,
                    MigrationTrack.written.is_(False),
                    MigrationTrack.decided_by.is_distinct_from("skipped"),
                )
            )
            new_playlists = await s.scalar(
                select(func.count()).where(
                    MigrationPlaylist.migration_id == m.id, MigrationPlaylist.target_id.is_(None)
                )
            )
            plan = providers.TransferPlan(
                int(unwritten or 0), int(pending or 0), int(new_playlists or 0)
            )
            m.estimate = service.estimate(self.settings, plan, used)
            days = int((m.estimate or {}).get("days", 0))
            return days > 1 and not m.policy.get("confirmed")

    # --- 2. match --------------------------------------------------------------------------
    async def _match(self, migration_id: uuid.UUID) -> None:
        async with self.sessions() as s:
            m = await self._load(s, migration_id)
            target_where, owner = dict(m.target), m.owner_id
            policy = Policy(strict_versions=bool(m.policy.get("strict_versions", True)))
            pending = await s.scalar(
                select(func.count()).where(
                    MigrationTrack.migration_id == m.id, MigrationTrack.looked_up.is_(False)
                )
            )
            if not pending:
                return
            m.status = "matching"
        slug = str(target_where.get("service") or "")
        parked: providers.ProviderError | None = None
        while True:
            self.check()
            async with self.sessions() as s:
                rows = list(
                    (
                        await s.scalars(
                            select(MigrationTrack)
                            .where(
                                MigrationTrack.migration_id == migration_id,
                                MigrationTrack.looked_up.is_(False),
                            )
                            .order_by(MigrationTrack.playlist_id, MigrationTrack.position)
                            .limit(MATCH_BATCH)
                        )
                    ).all()
                )
                if not rows:
                    break
                target = await self.side(s, owner, target_where)
                if isinstance(target, LibrarySide):
                    await target.load()
                lookups = DatabaseLookups(s, slug or "tonearm", self._countries.get(slug, ""))
                catalog = target.catalog(lookups)
                entries = [Entry.from_json(r.entry) for r in rows]
                if slug:
                    entries = await self._enrich(entries)
                direct = [e.provider_ids.get(slug) if slug else None for e in entries]
                todo = [i for i, d in enumerate(direct) if not d]
                try:
                    matches = await Matcher(catalog, policy).match_many([entries[i] for i in todo])
                except (providers.QuotaExhausted, providers.RateLimited) as exc:
                    parked = exc
                    matches = []
                await lookups.save()  # the answers given, also those before a quota stop
                if parked is not None:
                    break
                by_index = dict(zip(todo, matches, strict=True))
                chosen = await chosen_before(s, owner, migration_id, target_where, rows)
                for i, row in enumerate(rows):
                    row.looked_up = True
                    if direct[i]:
                        row.bucket, row.score, row.rule = "matched", 1.0, "id"
                        row.reason = f"Already on {target.name} (the source names its id)."
                        row.target_track_id, row.decided_by = direct[i], "engine"
                        continue
                    match = by_index[i]
                    row.bucket, row.score, row.rule = match.bucket, match.score, match.rule
                    row.reason = match.reason
                    row.target_track_id = match.track_id
                    row.decided_by = "engine" if match.bucket != "review" else None
                    row.candidates = [candidate(catalog, c) for c in match.candidates]
                    if match.bucket == "review" and row.key in chosen:
                        row.target_track_id, row.decided_by = chosen[row.key], "user"
                        row.reason = f"You chose this one before. {match.reason}"
            await self._set_status(migration_id, "matching")
        if parked is not None:
            raise _parked(parked) from parked

    # --- enrichment ------------------------------------------------------------------------
    async def _enrich(self, entries: list[Entry]) -> list[Entry]:
        """An entry with a MusicBrainz recording id but no ISRC (a library track tagged by
        Picard) gets the recording's ISRC from MusicBrainz (1 request/s, cached), so a
        service's ISRC look-up can find the very recording. MusicBrainz down or slow: the
        entry goes on without it."""
        wanted = [i for i, e in enumerate(entries) if e.mb_recording_id and not e.isrc]
        if not wanted:
            return entries
        if self._musicbrainz is None:
            self._musicbrainz = providers.get("musicbrainz").client(
                self.settings, self.keeper.http, None
            )
        out = list(entries)
        for i in wanted:
            try:
                found = await self._musicbrainz.track(str(entries[i].mb_recording_id))
            except providers.ProviderError:
                continue
            if found.isrc:
                out[i] = dataclasses.replace(entries[i], isrc=found.isrc)
        return out

    # --- errors ----------------------------------------------------------------------------
    async def _guard(self, call: Awaitable[Any]) -> Any:
        """Await `call`; a wait longer than the pace allows parks the migration."""
        try:
            return await call
        except (providers.QuotaExhausted, providers.RateLimited) as exc:
            raise _parked(exc) from exc


def _parked(exc: providers.ProviderError) -> Parked:
    if isinstance(exc, providers.QuotaExhausted):
        until = exc.resets_at or utcnow() + timedelta(hours=1)
    else:
        retry_after = getattr(exc, "retry_after", None)
        until = utcnow() + timedelta(seconds=retry_after if retry_after is not None else 60.0)
    return Parked(until, exc.detail or exc.title)


__all__ = ["MigrationFlow", "Outcome", "Parked"]

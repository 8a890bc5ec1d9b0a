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

import uuid
from collections.abc import Awaitable, Callable, Sequence
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
from tonearm.matching import Entry, Matcher, Policy, entry_key
from tonearm.migration.lookups import DatabaseLookups
from tonearm.migration.sides import LIKED, LibrarySide, ServiceSide, Side
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


async def counts(s: AsyncSession, migration_id: uuid.UUID) -> dict[str, int]:
    rows = (
        await s.execute(
            select(
                MigrationTrack.bucket,
                MigrationTrack.looked_up,
                MigrationTrack.written,
                MigrationTrack.decided_by,
                func.count(),
            )
            .where(MigrationTrack.migration_id == migration_id)
            .group_by(
                MigrationTrack.bucket,
                MigrationTrack.looked_up,
                MigrationTrack.written,
                MigrationTrack.decided_by,
            )
        )
    ).all()
    out = dict.fromkeys(
        ("tracks", "looked_up", "matched", "review", "unmatched", "skipped", "written"), 0
    )
    for bucket, looked_up, written, decided_by, n in rows:
        out["tracks"] += n
        if looked_up:
            out["looked_up"] += n
        if decided_by == "skipped":
            out["skipped"] += n
        elif bucket in ("matched", "review", "unmatched"):
            out[bucket] += n
        if written:
            out["written"] += n
    return out


class MigrationFlow:
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
        try:
            await self._read(migration_id)
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
        if self.report:
            await self.report(m)
        return Outcome(status, m.counts, m.resume_at)

    async def _set_status(self, migration_id: uuid.UUID, status: str) -> None:
        async with self.sessions() as s:
            m = await self._load(s, migration_id)
            m.status = status
            m.counts = await counts(s, m.id)
            if self.report:
                await self.report(m)

    # --- 1. read ---------------------------------------------------------------------------
    async def _read(self, migration_id: uuid.UUID) -> None:
        async with self.sessions() as s:
            m = await self._load(s, migration_id)
            known = await s.scalar(
                select(func.count()).where(MigrationPlaylist.migration_id == m.id)
            )
            if not known:
                m.status = "reading"
                source = await self.side(s, m.owner_id, m.source)
                wanted = m.selection.get("playlists")
                if wanted == "all":
                    chosen = await self._guard(source.playlists())
                elif wanted == LIKED:
                    chosen = [await self._guard(source.playlist(LIKED))]
                else:
                    chosen = [await self._guard(source.playlist(str(p))) for p in wanted or []]
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
                catalog = target.catalog(
                    DatabaseLookups(s, slug or "tonearm", self._countries.get(slug, ""))
                )
                entries = [Entry.from_json(r.entry) for r in rows]
                direct = [e.provider_ids.get(slug) if slug else None for e in entries]
                todo = [i for i, d in enumerate(direct) if not d]
                try:
                    matches = await Matcher(catalog, policy).match_many([entries[i] for i in todo])
                except (providers.QuotaExhausted, providers.RateLimited) as exc:
                    parked = exc  # the answers already given commit with this block
                    matches = []
                if parked is not None:
                    break
                by_index = dict(zip(todo, matches, strict=True))
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
                    row.candidates = [_candidate(catalog, c) for c in match.candidates]
            await self._set_status(migration_id, "matching")
        if parked is not None:
            raise _parked(parked) from parked

    # --- 4. write --------------------------------------------------------------------------
    async def _write(self, migration_id: uuid.UUID) -> None:
        async with self.sessions() as s:
            m = await self._load(s, migration_id)
            m.status = "writing"
            owner, target_where = m.owner_id, dict(m.target)
            playlists = (
                await s.scalars(
                    select(MigrationPlaylist.id)
                    .where(MigrationPlaylist.migration_id == m.id)
                    .order_by(MigrationPlaylist.position)
                )
            ).all()
        for playlist_id in playlists:
            await self._write_playlist(migration_id, playlist_id, owner, target_where)

    async def _write_playlist(
        self,
        migration_id: uuid.UUID,
        playlist_id: uuid.UUID,
        owner: uuid.UUID,
        target_where: dict[str, Any],
    ) -> None:
        async with self.sessions() as s:
            row = await s.get(MigrationPlaylist, playlist_id)
            assert row is not None
            target = await self.side(s, owner, target_where)
            planned = await self._planned(s, playlist_id)
            if not planned and row.target_id is None:
                return  # nothing found: no empty playlist at the target
            if row.target_id is None:
                made = await self._guard(target.create(row.name, row.description))
                row.target_id, row.target_url = made.id, made.url
            elif row.writing or target_where.get("playlist_id"):
                # A batch's answer was lost, or the playlist existed before (a sync pair's):
                # what it holds already counts as written.
                await self._reconcile(s, target, row, planned)
                if target_where.get("removals"):
                    await self._remove_extra(target, row.target_id, planned)
            target_id = row.target_id
            batch = target.add_batch
        while True:
            self.check()
            async with self.sessions() as s:
                todo = await self._planned(s, playlist_id, unwritten=batch)
                if not todo:
                    return
                row = await s.get(MigrationPlaylist, playlist_id)
                assert row is not None
                row.writing = True
            async with self.sessions() as s:
                target = await self.side(s, owner, target_where)
                done, failed = await self._send(target, target_id, todo)
                await s.execute(
                    update(MigrationTrack)
                    .where(MigrationTrack.id.in_([t.id for t in done]))
                    .values(written=True)
                )
                for t, why in failed:
                    await s.execute(
                        update(MigrationTrack)
                        .where(MigrationTrack.id == t.id)
                        .values(error=why[:500], decided_by="skipped")
                    )
                await s.execute(
                    update(MigrationPlaylist)
                    .where(MigrationPlaylist.id == playlist_id)
                    .values(writing=False)
                )
            await self._set_status(migration_id, "writing")

    async def _send(
        self, target: Side, target_id: str, todo: Sequence[MigrationTrack]
    ) -> tuple[list[MigrationTrack], list[tuple[MigrationTrack, str]]]:
        """Append the batch; if the service refuses it, one by one, so one bad track does not
        keep the others out."""
        ids = [str(t.target_track_id) for t in todo]
        try:
            await self._guard(target.append(target_id, ids))
            return list(todo), []
        except providers.ProviderError as exc:
            if isinstance(exc, STOPPING) or len(todo) == 1:
                if len(todo) == 1 and not isinstance(exc, STOPPING):
                    return [], [(todo[0], exc.detail or exc.title)]
                raise
        done, failed = [], []
        for t in todo:
            try:
                await self._guard(target.append(target_id, [str(t.target_track_id)]))
                done.append(t)
            except providers.ProviderError as exc:
                if isinstance(exc, STOPPING):
                    raise
                failed.append((t, exc.detail or exc.title))
        return done, failed

    async def _remove_extra(
        self, target: Side, target_id: str, planned: list[MigrationTrack]
    ) -> None:
        """One-way sync with removals on: what the target holds and the source no longer
        does goes."""
        keep = {str(t.target_track_id) for t in planned}
        extra = [t for t in await self._guard(target.contents(target_id)) if t not in keep]
        if extra:
            await self._guard(target.remove(target_id, list(dict.fromkeys(extra))))

    async def _planned(
        self, s: AsyncSession, playlist_id: uuid.UUID, *, unwritten: int | None = None
    ) -> list[MigrationTrack]:
        """The tracks going to the target, in order: decided, with a target id, not skipped
        (`unwritten`: only the first that many not written yet; the write loop asks for one
        batch at a time instead of loading the whole playlist for each)."""
        query = (
            select(MigrationTrack)
            .where(
                MigrationTrack.playlist_id == playlist_id,
                MigrationTrack.target_track_id.is_not(None),
                MigrationTrack.decided_by.in_(("engine", "user")),
            )
            .order_by(MigrationTrack.position)
        )
        if unwritten is not None:
            query = query.where(MigrationTrack.written.is_(False)).limit(unwritten)
        rows = await s.scalars(query)
        return list(rows.all())

    async def _reconcile(
        self, s: AsyncSession, target: Side, row: MigrationPlaylist, planned: list[MigrationTrack]
    ) -> None:
        """A batch was sent and its answer lost: what the target holds counts as written."""
        assert row.target_id is not None
        there: dict[str, int] = {}
        for track_id in await self._guard(target.contents(row.target_id)):
            there[track_id] = there.get(track_id, 0) + 1
        for t in planned:
            if t.written:
                there[str(t.target_track_id)] = there.get(str(t.target_track_id), 0) - 1
        for t in planned:
            key = str(t.target_track_id)
            if not t.written and there.get(key, 0) > 0:
                t.written = True
                there[key] -= 1
        row.writing = False
        await s.flush()

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


STOPPING = (
    providers.RateLimited,
    providers.QuotaExhausted,
    providers.ProviderUnavailable,
    providers.AuthExpired,
    providers.AuthRevoked,
)


def add_tracks(
    s: AsyncSession, migration_id: uuid.UUID, playlist_id: uuid.UUID, entries: Sequence[Entry]
) -> None:
    for i, entry in enumerate(entries):
        s.add(
            MigrationTrack(
                migration_id=migration_id,
                playlist_id=playlist_id,
                position=i,
                entry=entry.to_json(),
                key=entry_key(entry),
            )
        )


def _candidate(catalog: Any, c: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": c.track_id, "score": c.score, "reason": c.reason}
    get = getattr(catalog, "get", None)
    track = get(c.track_id) if get else None
    if isinstance(track, providers.ServiceTrack):
        out["track"] = track.to_json()
    elif track is not None:  # a library CatalogTrack
        out["track"] = {
            "id": track.id,
            "title": track.title,
            "artists": list(track.artists),
            "album": track.album,
            "duration": track.duration,
        }
    return out

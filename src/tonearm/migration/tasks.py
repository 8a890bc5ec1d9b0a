"""The migration domain's jobs: a migration's run, a sync pair's run, and the tick that starts
the sync pairs that are due."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from tonearm import providers
from tonearm.connections import TokenKeeper
from tonearm.jobs.context import JobContext, publish_job_event
from tonearm.jobs.errors import PermanentJobError
from tonearm.jobs.registry import job
from tonearm.jobs.scheduler import periodic
from tonearm.jobs.service import enqueue
from tonearm.kit.db import utcnow
from tonearm.migration.flows import MigrationFlow, Outcome
from tonearm.migration.service import RUN
from tonearm.migration.sides import ServiceSide
from tonearm.migration.sync import SYNC, snapshot_unchanged, start_run
from tonearm.models.migration import Migration, MigrationPlaylist, SyncPair


def _flow(ctx: JobContext) -> MigrationFlow:
    state = ctx.env.state

    async def report(m: Migration) -> None:
        c = m.counts or {}
        total = max(1, int(c.get("tracks", 0)))
        done = int(c.get("looked_up", 0)) + int(c.get("written", 0))
        await publish_job_event(
            ctx.env.pubsub,
            ctx.job_id,
            ctx.owner_id,
            {
                "type": "migration",
                "id": str(ctx.job_id),
                "migration": str(m.id),
                "status": m.status,
                "counts": c,
            },
        )
        await ctx.progress(min(0.99, done / (2 * total)), _message(m.status, c))

    return MigrationFlow(
        ctx.session,
        state.settings,
        state.storage,
        state.get(TokenKeeper),
        report=report,
        check=ctx.check_cancelled,
    )


def _message(status: str, c: dict[str, Any]) -> str:
    return (
        f"{status}: {c.get('looked_up', 0)}/{c.get('tracks', 0)} looked up, "
        f"{c.get('matched', 0)} matched, {c.get('review', 0)} to review, "
        f"{c.get('unmatched', 0)} not found, {c.get('written', 0)} written"
    )


async def _run_one(ctx: JobContext, flow: MigrationFlow, migration_id: uuid.UUID) -> Outcome:
    try:
        outcome = await flow.run(migration_id)
    except providers.ProviderUnavailable as exc:  # temporary: the job's retries resume it
        await _note(ctx, migration_id, exc, "failed" if ctx.attempt >= ctx.max_attempts else None)
        raise
    except (providers.ProviderError, providers.ProviderUnsupported) as exc:  # the user acts
        await _note(ctx, migration_id, exc, "failed")
        raise PermanentJobError(exc.detail or exc.title) from exc
    if outcome.status == "waiting" and outcome.resume_at is not None:
        async with ctx.session() as s:
            m = await s.get(Migration, migration_id)
            if m is not None and m.sync_pair_id is None:
                later = await enqueue(
                    s, RUN, owner_id=m.owner_id, run_after=outcome.resume_at, migration_id=m.id
                )
                m.job_id = later.id
    return outcome


async def _note(
    ctx: JobContext,
    migration_id: uuid.UUID,
    exc: providers.ProviderError | providers.ProviderUnsupported,
    status: str | None,
) -> None:
    async with ctx.session() as s:
        m = await s.get(Migration, migration_id)
        if m is not None:
            m.error = f"{exc.code}: {exc.detail or exc.title}"[:1000]
            if status:
                m.status = status


@job("migration.run", retries=3)
async def run_migration(ctx: JobContext, migration_id: uuid.UUID) -> dict[str, Any]:
    async with ctx.session() as s:
        m = await s.get(Migration, migration_id)
        if m is None or m.owner_id != ctx.owner_id:
            raise PermanentJobError("the migration is gone")
        if m.status in ("cancelled", "done"):
            return {"status": m.status}
    outcome = await _run_one(ctx, _flow(ctx), migration_id)
    await ctx.progress(1.0, _message(outcome.status, outcome.counts))
    return {"status": outcome.status, "counts": outcome.counts}


@job("migration.sync", retries=2)
async def run_sync(ctx: JobContext, pair_id: uuid.UUID) -> dict[str, Any]:
    flow = _flow(ctx)
    async with ctx.session() as s:
        pair = await s.get(SyncPair, pair_id)
        if pair is None or pair.owner_id != ctx.owner_id:
            raise PermanentJobError("the sync pair is gone")
        if not pair.enabled:
            return {"status": "disabled"}
        snapshot = await _source_snapshot(s, flow, pair)
        if snapshot_unchanged(pair, snapshot):
            pair.last_run_at = utcnow()
            pair.last_result = {
                **(pair.last_result or {}),
                "unchanged": True,
                "at": utcnow().isoformat(),
            }
            return {"status": "unchanged"}
        made = [m.id for m in await start_run(s, pair)]
    results = []
    for migration_id in made:
        outcome = await _run_one(ctx, flow, migration_id)
        results.append({"migration": str(migration_id), **outcome.counts, "status": outcome.status})
        async with ctx.session() as s:
            await _remember_target(s, pair_id, migration_id)
    async with ctx.session() as s:
        pair = await s.get(SyncPair, pair_id)
        if pair is not None:
            pair.last_run_at = utcnow()
            pair.last_result = {"snapshot": snapshot, "runs": results, "at": utcnow().isoformat()}
    return {"status": "synced", "runs": results}


async def _source_snapshot(s: Any, flow: MigrationFlow, pair: SyncPair) -> str | None:
    if pair.source.get("kind") != "service":
        return None
    side = await flow.side(s, pair.owner_id, pair.source)
    if not isinstance(side, ServiceSide):
        return None
    try:
        return (await side.playlist(str(pair.source["playlist_id"]))).snapshot
    except providers.ProviderError:
        return None


async def _remember_target(s: Any, pair_id: uuid.UUID, migration_id: uuid.UUID) -> None:
    """The first run of a pair: its name (the source playlist's), and the target playlist it
    created, kept."""
    pair = await s.get(SyncPair, pair_id)
    if pair is None:
        return
    row = await s.scalar(
        select(MigrationPlaylist).where(MigrationPlaylist.migration_id == migration_id)
    )
    if row is None:
        return
    if not pair.name:
        pair.name = row.name[:300]
    if row.target_id and not pair.target.get("playlist_id"):
        pair.target = {**pair.target, "playlist_id": row.target_id}


@periodic("migration.sync_due", every=timedelta(minutes=1))
@job("migration.sync_due")
async def sync_due(ctx: JobContext) -> dict[str, Any]:
    """Queue a run of every sync pair that is due."""
    now = utcnow()
    started = 0
    async with ctx.session() as s:
        pairs = (
            await s.scalars(
                select(SyncPair)
                .where(SyncPair.enabled.is_(True), SyncPair.next_run_at <= now)
                .limit(200)
            )
        ).all()
        for pair in pairs:
            await enqueue(s, SYNC, owner_id=pair.owner_id, pair_id=pair.id)
            pair.next_run_at = now + timedelta(minutes=pair.interval_minutes)
            started += 1
    return {"started": started}

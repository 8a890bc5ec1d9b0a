"""Sync pairs: a source playlist kept in step with a target playlist on an interval.

One way (the default) adds what the source gained; removals only when the user turns them
on. Two ways is a union: each side gets what the other has. A run is one migration per
direction with `auto` set (rows the engine is unsure of are left out and listed, not
waited on), against the existing target playlist, whose items count as written, so nothing
is added twice. A source whose snapshot id did not change since the last run is not read.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm import providers
from tonearm.config import Settings
from tonearm.connections import TokenKeeper
from tonearm.jobs.service import enqueue
from tonearm.kit.db import utcnow
from tonearm.migration.errors import BadSide, SyncPairNotFound
from tonearm.migration.schemas import SyncPairIn, SyncPairPatch
from tonearm.migration.service import MigrationService
from tonearm.models.migration import Migration, SyncPair

SYNC = "migration.sync"


class SyncService:
    def __init__(self, session: AsyncSession, settings: Settings, keeper: TokenKeeper) -> None:
        self.s = session
        self.settings = settings
        self.migrations = MigrationService(session, settings, keeper)

    async def list(self, owner: uuid.UUID) -> list[SyncPair]:
        rows = await self.s.scalars(
            select(SyncPair).where(SyncPair.owner_id == owner).order_by(SyncPair.created_at)
        )
        return list(rows.all())

    async def get(self, owner: uuid.UUID, pair_id: uuid.UUID) -> SyncPair:
        pair = await self.s.scalar(
            select(SyncPair).where(SyncPair.id == pair_id, SyncPair.owner_id == owner)
        )
        if pair is None:
            raise SyncPairNotFound()
        return pair

    async def create(self, owner: uuid.UUID, data: SyncPairIn) -> SyncPair:
        source = {**data.source.as_json(), "playlist_id": data.source_playlist_id}
        target = data.target.as_json()
        if data.target_playlist_id:
            target["playlist_id"] = data.target_playlist_id
        if data.source.as_json() == data.target.as_json():
            raise BadSide("The source and the target are the same")
        if data.mode == "two_way" and not data.target_playlist_id:
            raise BadSide("Two-way sync needs an existing target playlist")
        await self.migrations._check_side(owner, source, "source")
        await self.migrations._check_side(owner, target, "target")
        if data.mode == "two_way":
            await self.migrations._check_side(owner, target, "source")
            await self.migrations._check_side(owner, source, "target")
        pair = SyncPair(
            owner_id=owner,
            source=source,
            target=target,
            mode=data.mode,
            removals=data.removals and data.mode == "one_way",
            interval_minutes=data.interval_minutes,
            next_run_at=utcnow(),
        )
        self.s.add(pair)
        await self.s.flush()
        await self.run_now(owner, pair.id)
        return pair

    async def update(self, owner: uuid.UUID, pair_id: uuid.UUID, data: SyncPairPatch) -> SyncPair:
        pair = await self.get(owner, pair_id)
        if data.mode is not None:
            if data.mode == "two_way" and not pair.target.get("playlist_id"):
                raise BadSide("Two-way sync needs an existing target playlist")
            pair.mode = data.mode
        if data.removals is not None:
            pair.removals = data.removals and pair.mode == "one_way"
        if data.interval_minutes is not None:
            pair.interval_minutes = data.interval_minutes
        if data.enabled is not None:
            pair.enabled = data.enabled
        await self.s.flush()
        return pair

    async def delete(self, owner: uuid.UUID, pair_id: uuid.UUID) -> None:
        pair = await self.get(owner, pair_id)
        await self.s.delete(pair)
        await self.s.flush()

    async def run_now(self, owner: uuid.UUID, pair_id: uuid.UUID) -> SyncPair:
        pair = await self.get(owner, pair_id)
        await enqueue(self.s, SYNC, owner_id=owner, pair_id=pair.id)
        pair.next_run_at = utcnow() + timedelta(minutes=pair.interval_minutes)
        return pair


def directions(pair: SyncPair) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(source, target) of each migration a run makes."""
    forward_target = {**pair.target, "removals": pair.removals}
    out = [(dict(pair.source), forward_target)]
    if pair.mode == "two_way":
        out.append(({**pair.target}, {**pair.source}))
    return out


async def start_run(s: AsyncSession, pair: SyncPair) -> list[Migration]:
    """The migrations of one run, created in the caller's transaction (not queued: the sync
    job runs them itself, one after the other)."""
    made = []
    for source, target in directions(pair):
        side_source = {k: v for k, v in source.items() if k in ("kind", "service")}
        m = Migration(
            owner_id=pair.owner_id,
            source=side_source,
            target=target,
            selection={"playlists": [source["playlist_id"]]},
            dry_run=False,
            policy={"strict_versions": True, "auto": True},
            status="queued",
            counts={},
            sync_pair_id=pair.id,
        )
        s.add(m)
        made.append(m)
    await s.flush()
    return made


def snapshot_unchanged(pair: SyncPair, snapshot: str | None) -> bool:
    last = (pair.last_result or {}).get("snapshot")
    return bool(snapshot) and snapshot == last and pair.mode == "one_way"


__all__ = ["SYNC", "SyncService", "directions", "providers", "snapshot_unchanged", "start_run"]

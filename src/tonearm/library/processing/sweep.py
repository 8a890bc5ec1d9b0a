"""The library's stored objects that no track owns: an upload's original stored just before a
crash (kill -9 between the write and the commit), renditions of a job killed half-way whose
track is gone. Each library key names its track; a key whose track does not exist and that
has not been written for the sweep grace is deleted, on local disk and S3 alike."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import select

from tonearm.jobs.context import JobContext
from tonearm.jobs.registry import job
from tonearm.jobs.scheduler import periodic
from tonearm.kit.storage import Storage
from tonearm.models.library import Track

log = structlog.get_logger(__name__)

BATCH = 500


def _segment(n: int) -> Callable[[str], str]:
    return lambda rest: rest.split("/")[n]


# Prefix -> the track id in the rest of the key (see ingest and processing for the layouts).
OWNED: dict[str, Callable[[str], str]] = {
    "tracks/": _segment(1),  # tracks/{owner}/{track}/original.ext
    "hls/": _segment(0),  # hls/{track}/...
    "waveforms/": lambda rest: rest.split("/")[0].removesuffix(".json"),  # waveforms/{track}.json
    "artwork/tracks/": _segment(0),  # artwork/tracks/{track}/{version}/{size}.jpg
}


def _track_id(prefix: str, key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(OWNED[prefix](key[len(prefix) :]))
    except (ValueError, IndexError):
        return None  # not a layout this sweep knows: never touched


async def sweep_orphans(
    storage: Storage, existing: Callable[[set[uuid.UUID]], Any], grace: timedelta
) -> dict[str, int]:
    """Delete the objects under the library's prefixes whose track `existing` (ids -> the
    ones with a row) does not know, once older than `grace`."""
    cutoff = datetime.now(UTC) - grace
    checked = deleted = 0

    async def settle(batch: dict[uuid.UUID, list[str]]) -> None:
        nonlocal deleted
        alive = await existing(set(batch))
        for track_id, keys in batch.items():
            if track_id in alive:
                continue
            for key in keys:
                stat = await storage.stat(key)
                if stat is None or (stat.modified is not None and stat.modified >= cutoff):
                    continue  # gone already, or written a moment ago (an upload committing)
                await storage.delete(key)
                deleted += 1
                log.info("orphan_deleted", key=key)

    for prefix in OWNED:
        batch: dict[uuid.UUID, list[str]] = {}
        async for key in storage.list(prefix):
            track_id = _track_id(prefix, key)
            if track_id is None:
                continue
            checked += 1
            batch.setdefault(track_id, []).append(key)
            if len(batch) >= BATCH:
                await settle(batch)
                batch = {}
        if batch:
            await settle(batch)
    return {"checked": checked, "deleted": deleted}


@periodic("library.sweep_orphans", every=timedelta(hours=6), at_start=True)
@job("library.sweep_orphans", retries=1)
async def sweep_orphans_job(ctx: JobContext) -> dict[str, int]:
    """Stored objects no track owns, after the grace (`TONEARM_SWEEP_GRACE_SECONDS`).
    Idempotent."""
    state = ctx.env.state

    async def existing(ids: set[uuid.UUID]) -> set[uuid.UUID]:
        async with ctx.session() as s:
            rows = await s.execute(select(Track.id).where(Track.id.in_(ids)))
            return {r[0] for r in rows}

    grace = timedelta(seconds=state.settings.sweep_grace_seconds)
    return await sweep_orphans(state.storage, existing, grace)

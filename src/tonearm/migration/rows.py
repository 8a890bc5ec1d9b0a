"""A migration's rows: the counts its report shows, tracks stored from a source, and a
candidate as the report lists it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm import providers
from tonearm.matching import Entry, entry_key
from tonearm.models.migration import Migration, MigrationTrack


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


def candidate(catalog: Any, c: Any) -> dict[str, Any]:
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


async def chosen_before(
    s: AsyncSession,
    owner: uuid.UUID,
    migration_id: uuid.UUID,
    target: dict[str, Any],
    rows: list[MigrationTrack],
) -> dict[str, str]:
    """What the owner chose in earlier migrations to the same place for these entries (by
    `entry_key`), the latest choice first: a re-run does not ask again."""
    keys = list({r.key for r in rows})
    if not keys:
        return {}
    where = (target.get("kind"), target.get("service"))
    found = await s.execute(
        select(MigrationTrack.key, MigrationTrack.target_track_id, Migration.target)
        .join(Migration, Migration.id == MigrationTrack.migration_id)
        .where(
            Migration.owner_id == owner,
            Migration.id != migration_id,
            MigrationTrack.key.in_(keys),
            MigrationTrack.decided_by == "user",
            MigrationTrack.target_track_id.is_not(None),
        )
        .order_by(Migration.created_at)
    )
    out: dict[str, str] = {}
    for key, track_id, was in found.all():
        if (was.get("kind"), was.get("service")) == where:
            out[key] = str(track_id)
    return out

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
from tonearm.models.migration import MigrationTrack


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

"""Rows to out models."""

from __future__ import annotations

from typing import Any

from tonearm.migration.schemas import (
    CandidateOut,
    Counts,
    MigrationOut,
    MigrationPlaylistOut,
    MigrationSummary,
    MigrationTrackOut,
    SyncPairOut,
)
from tonearm.models.migration import Migration, MigrationPlaylist, MigrationTrack, SyncPair


def _counts(m: Migration) -> Counts:
    return Counts(**{k: v for k, v in (m.counts or {}).items() if k in Counts.model_fields})


def migration(m: Migration, playlists: list[tuple[MigrationPlaylist, int]]) -> MigrationOut:
    return MigrationOut(
        id=m.id,
        source=m.source,
        target=m.target,
        selection=m.selection,
        dry_run=m.dry_run,
        policy=m.policy or {},
        status=m.status,
        counts=_counts(m),
        job_id=m.job_id,
        playlists=[
            MigrationPlaylistOut(
                id=p.id,
                source_id=p.source_id,
                name=p.name,
                target_id=p.target_id,
                target_url=p.target_url,
                tracks=n,
            )
            for p, n in playlists
        ],
        resume_at=m.resume_at,
        estimate=m.estimate,
        error=m.error,
        sync_pair_id=m.sync_pair_id,
        created_at=m.created_at,
        finished_at=m.finished_at,
    )


def summary(m: Migration) -> MigrationSummary:
    return MigrationSummary(
        id=m.id,
        source=m.source,
        target=m.target,
        status=m.status,
        counts=_counts(m),
        dry_run=m.dry_run,
        sync_pair_id=m.sync_pair_id,
        created_at=m.created_at,
        finished_at=m.finished_at,
    )


def track(t: MigrationTrack) -> MigrationTrackOut:
    cands: list[dict[str, Any]] = t.candidates or []
    return MigrationTrackOut(
        id=t.id,
        playlist_id=t.playlist_id,
        position=t.position,
        entry=t.entry,
        bucket=t.bucket,
        score=t.score,
        rule=t.rule,
        reason=t.reason,
        candidates=[CandidateOut(**c) for c in cands],
        target_track_id=t.target_track_id,
        decided_by=t.decided_by,
        written=t.written,
        error=t.error,
    )


def sync_pair(p: SyncPair) -> SyncPairOut:
    return SyncPairOut(
        id=p.id,
        name=p.name,
        source=p.source,
        target=p.target,
        mode=p.mode,
        removals=p.removals,
        interval_minutes=p.interval_minutes,
        enabled=p.enabled,
        next_run_at=p.next_run_at,
        last_run_at=p.last_run_at,
        last_result=p.last_result,
        created_at=p.created_at,
    )

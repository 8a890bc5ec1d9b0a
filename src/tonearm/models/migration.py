"""Migrations: playlists moved from one place (a streaming service, the Tonearm library, an
uploaded playlist file) to another, track by track, with every decision kept.

A migration holds its playlists and, for each, its tracks in order: the entry the source gave
(`Entry.to_json()`), what the matching engine decided (bucket, score, rule, reason, up to
three candidates) and what was written. Every step is stored as it happens, so a restarted
job resumes where the last one stopped and a re-run looks nothing up twice.

`service_lookups` keeps each catalog answer (an ISRC look-up, a search) per service, shared
by every migration: a second migration of the same songs spends no quota.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tonearm.kit.db import Base, IdMixin, TimestampMixin, utcnow


class Migration(IdMixin, TimestampMixin, Base):
    __tablename__ = "migrations"

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # {"kind": "service", "service": "spotify"} | {"kind": "library"} | {"kind": "file", ...}
    source: Mapped[dict[str, Any]] = mapped_column(JSON)
    target: Mapped[dict[str, Any]] = mapped_column(JSON)
    # {"playlists": [ids]} | {"playlists": "all"} | {"playlists": "liked"}
    selection: Mapped[dict[str, Any]] = mapped_column(JSON)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # queued, reading, matching, review, writing, waiting (a quota or rate limit: resume_at),
    # done, failed, cancelled
    status: Mapped[str] = mapped_column(String(16), default="queued")
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    job_id: Mapped[uuid.UUID | None] = mapped_column()
    sync_pair_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sync_pairs.id", ondelete="SET NULL")
    )
    resume_at: Mapped[datetime | None] = mapped_column()
    estimate: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (Index("ix_migrations_owner_created", "owner_id", "created_at"),)


class MigrationPlaylist(IdMixin, Base):
    __tablename__ = "migration_playlists"

    migration_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("migrations.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    source_id: Mapped[str] = mapped_column(String(255))  # "liked" for the liked tracks
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    snapshot: Mapped[str | None] = mapped_column(String(255))
    # Where it goes: an existing playlist (a sync pair's) or the one this migration created.
    target_id: Mapped[str | None] = mapped_column(String(255))
    target_url: Mapped[str | None] = mapped_column(String(2048))
    read: Mapped[bool] = mapped_column(Boolean, default=False)  # every track is stored
    # writing: a batch was sent and its answer not yet recorded (a crash there is reconciled
    # against the target's items before anything is sent again)
    writing: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_migration_playlists_migration", "migration_id", "position"),)


class MigrationTrack(IdMixin, Base):
    __tablename__ = "migration_tracks"

    migration_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("migrations.id", ondelete="CASCADE"))
    playlist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("migration_playlists.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)
    key: Mapped[str] = mapped_column(String(40))  # matching.entry_key
    looked_up: Mapped[bool] = mapped_column(Boolean, default=False)
    bucket: Mapped[str | None] = mapped_column(String(16))  # matched, review, unmatched
    score: Mapped[float | None] = mapped_column(Float)
    rule: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    candidates: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    target_track_id: Mapped[str | None] = mapped_column(String(255))
    # engine, user (a review row confirmed or changed), skipped (the user said leave it out)
    decided_by: Mapped[str | None] = mapped_column(String(16))
    written: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_migration_tracks_playlist", "playlist_id", "position"),
        Index("ix_migration_tracks_migration_bucket", "migration_id", "bucket"),
    )


class ServiceLookup(Base):
    """A catalog's answer to one question (`isrc:<isrc>`, `search:<words>`), as ServiceTrack
    JSON, per service and catalog country."""

    __tablename__ = "service_lookups"

    provider: Mapped[str] = mapped_column(String(32), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    tracks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncPair(IdMixin, TimestampMixin, Base):
    """A source playlist kept in sync with a target playlist on an interval: one way (new
    source tracks are added; removals only when `removals`), or two ways (a union)."""

    __tablename__ = "sync_pairs"

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    source: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"kind", "service"?, "playlist_id"}
    target: Mapped[dict[str, Any]] = mapped_column(JSON)
    name: Mapped[str] = mapped_column(String(300), default="")
    mode: Mapped[str] = mapped_column(String(8), default="one_way")  # one_way | two_way
    removals: Mapped[bool] = mapped_column(Boolean, default=False)
    interval_minutes: Mapped[int] = mapped_column(Integer, default=360)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    next_run_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_run_at: Mapped[datetime | None] = mapped_column()
    last_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_sync_pairs_due", "enabled", "next_run_at"),)

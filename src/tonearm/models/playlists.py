"""Playlists: a user's ordered lists of tracks (or of entries not in the library yet), smart
playlists (rules evaluated when read), and the matching decisions a user made on import.

An item is a library track (`track_id`) or an external entry kept as its source gave it
(`entry`, `Entry.to_json()`); an item keeps its entry even once matched, so a rematch or an
export can use what the file said. Positions are 0..n-1 within a playlist, kept dense by the
service (no unique constraint: a move shifts a range in one UPDATE).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tonearm.kit.db import Base, IdMixin, TimestampMixin, utcnow
from tonearm.models.library import Visibility


class PlaylistKind(enum.StrEnum):
    static = "static"
    smart = "smart"


def _enum(e: type[enum.Enum]) -> Enum:
    return Enum(e, native_enum=False, length=16, validate_strings=True)


class Playlist(IdMixin, TimestampMixin, Base):
    __tablename__ = "playlists"

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), default="")  # folded, for sorting
    description: Mapped[str] = mapped_column(Text, default="")
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility), default=Visibility.private)
    kind: Mapped[PlaylistKind] = mapped_column(_enum(PlaylistKind), default=PlaylistKind.static)
    rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # smart playlists
    cover_key: Mapped[str | None] = mapped_column(String(512))  # an uploaded cover
    # Static playlists: kept by the service on every change (smart ones are counted when read).
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    # A playlist file found by a folder scan: which root, where, and its fingerprint.
    source_root_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("library_roots.id", ondelete="SET NULL")
    )
    source_path: Mapped[str | None] = mapped_column(String(2048))
    source_fingerprint: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_playlists_owner_updated", "owner_id", "updated_at"),
        Index("ix_playlists_visibility_updated", "visibility", "updated_at"),
        Index("ix_playlists_source", "source_root_id", "source_path"),
    )


class PlaylistItem(IdMixin, Base):
    __tablename__ = "playlist_items"

    playlist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    track_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    entry: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # as the source gave it
    # How the entry was resolved: {"rule": "fuzzy", "score": 0.97, "reason": "..."}.
    match: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_playlist_items_position", "playlist_id", "position"),
        Index("ix_playlist_items_track", "track_id"),
    )


class MatchDecision(Base):
    """What a user decided for an entry on import (a track, or None: keep it external); the
    same entry (by `matching.entry_key`) in a later import resolves the same way."""

    __tablename__ = "match_decisions"

    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    entry_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    track_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

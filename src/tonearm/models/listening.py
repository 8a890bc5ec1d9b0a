"""Listening: plays (a play counts once, past 30 s or complete, on the track's play count)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tonearm.kit.db import Base, IdMixin, utcnow


class Play(IdMixin, Base):
    """One listen: started, then progress updates, maybe completed."""

    __tablename__ = "plays"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    track_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    position: Mapped[float] = mapped_column(Float, default=0.0)
    completed: Mapped[bool] = mapped_column(default=False)
    counted: Mapped[bool] = mapped_column(default=False)  # past 30 s or completed
    client: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_plays_user_started", "user_id", "started_at"),
        Index("ix_plays_track", "track_id"),
    )

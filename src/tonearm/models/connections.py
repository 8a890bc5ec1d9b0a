"""Connections: a user's accounts on streaming and scrobbling services, their OAuth tokens
(encrypted at rest, `tonearm keys rotate` re-encrypts them), the user's own OAuth app where a
service allows one, and the OAuth authorizations in flight (state and PKCE verifier, single
use, ten minutes)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tonearm.kit.crypto import EncryptedText
from tonearm.kit.db import Base, IdMixin, TimestampMixin


class Connection(IdMixin, TimestampMixin, Base):
    __tablename__ = "connections"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(32))
    account_id: Mapped[str] = mapped_column(String(255), default="")
    account_name: Mapped[str | None] = mapped_column(String(255))
    country: Mapped[str | None] = mapped_column(String(2))
    # active | reconnect (the service refused the refresh token; the user must connect again)
    status: Mapped[str] = mapped_column(String(16), default="active")
    access_token: Mapped[str] = mapped_column(EncryptedText)
    refresh_token: Mapped[str | None] = mapped_column(EncryptedText)
    expires_at: Mapped[datetime | None] = mapped_column()
    scope: Mapped[str | None] = mapped_column(Text)
    # The OAuth app the tokens belong to (a refresh must use the same): None, the operator's.
    client_id: Mapped[str | None] = mapped_column(String(255))
    refreshed_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("user_id", "provider", name="uq_connections_user_provider"),)


class ConnectionApp(IdMixin, TimestampMixin, Base):
    """A user's own OAuth app for a service (Spotify's development mode allows five users per
    app, so each user may register one)."""

    __tablename__ = "connection_apps"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(32))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret: Mapped[str | None] = mapped_column(EncryptedText)

    __table_args__ = (
        UniqueConstraint("user_id", "provider", name="uq_connection_apps_user_provider"),
    )


class OAuthFlow(Base):
    """An authorization in flight, found by the hash of its state (the state itself travels
    through the browser); deleted when the callback uses it."""

    __tablename__ = "oauth_flows"

    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(32))
    verifier: Mapped[str | None] = mapped_column(EncryptedText)
    redirect_uri: Mapped[str] = mapped_column(String(2048))
    client_id: Mapped[str | None] = mapped_column(String(255))
    return_to: Mapped[str | None] = mapped_column(String(512))
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()

    __table_args__ = (Index("ix_oauth_flows_expires", "expires_at"),)


class QueuedScrobble(IdMixin, Base):
    """A counted play waiting to reach a scrobbling service (ListenBrainz, Last.fm): written
    with the play, sent by a job, kept and retried with backoff while the service is down or
    asks to slow down, so nothing is lost to a restart or an outage."""

    __tablename__ = "scrobble_queue"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(32))
    listen: Mapped[dict[str, Any]] = mapped_column(JSON)
    listened_at: Mapped[datetime] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column()

    __table_args__ = (
        Index("ix_scrobble_queue_due", "next_attempt_at"),
        Index("ix_scrobble_queue_user", "user_id", "provider", "listened_at"),
    )


class ServiceQuota(Base):
    """Units of a service's daily quota spent so far (YouTube's 10,000 a day per Google
    project): one count for every worker and restart."""

    __tablename__ = "service_quota"

    provider: Mapped[str] = mapped_column(String(32), primary_key=True)
    bucket: Mapped[str] = mapped_column(String(16), primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # the service's own day
    used: Mapped[int] = mapped_column(Integer, default=0)

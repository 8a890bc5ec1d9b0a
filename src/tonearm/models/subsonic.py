"""Subsonic: what a user's Subsonic apps sign in with. The login password stays argon2-hashed
and is never used by the Subsonic API: token auth (`t = md5(password + salt)`) needs a secret
the server can read, so each user may have a generated Subsonic password (encrypted at rest
with MultiFernet) and any number of named API keys (OpenSubsonic `apiKey`, stored hashed)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tonearm.kit.crypto import EncryptedText
from tonearm.kit.db import Base, IdMixin, utcnow


class SubsonicPassword(Base):
    __tablename__ = "subsonic_passwords"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    password: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SubsonicApiKey(IdMixin, Base):
    __tablename__ = "subsonic_api_keys"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the key
    prefix: Mapped[str] = mapped_column(String(12))  # shown beside the name
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()

    __table_args__ = (Index("ix_subsonic_api_keys_user", "user_id"),)

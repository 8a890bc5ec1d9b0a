"""What Subsonic apps sign in with: a user's Subsonic password (generated, shown once, kept
encrypted so token auth can be checked) and named API keys (shown once, kept hashed).
The account's login password is never used by the Subsonic API."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import utcnow
from tonearm.kit.errors import NotFound
from tonearm.models.subsonic import SubsonicApiKey, SubsonicPassword

KEY_PREFIX = "tnk_"


class ApiKeyNotFound(NotFound):
    code, title = "subsonic_api_key_not_found", "No such API key"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class SubsonicCredentials:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    # --- the Subsonic password -------------------------------------------------------------
    async def password(self, user_id: uuid.UUID) -> str | None:
        row = await self.s.get(SubsonicPassword, user_id)
        return row.password if row else None

    async def has_password(self, user_id: uuid.UUID) -> datetime | None:
        row = await self.s.get(SubsonicPassword, user_id)
        return row.created_at if row else None

    async def new_password(self, user_id: uuid.UUID) -> str:
        """A new password (the old one stops working), returned this once."""
        value = secrets.token_urlsafe(18)
        row = await self.s.get(SubsonicPassword, user_id)
        if row is None:
            self.s.add(SubsonicPassword(user_id=user_id, password=value, created_at=utcnow()))
        else:
            row.password, row.created_at = value, utcnow()
        await self.s.flush()
        return value

    async def revoke_password(self, user_id: uuid.UUID) -> None:
        await self.s.execute(delete(SubsonicPassword).where(SubsonicPassword.user_id == user_id))

    # --- API keys --------------------------------------------------------------------------
    async def keys(self, user_id: uuid.UUID) -> list[SubsonicApiKey]:
        rows = await self.s.scalars(
            select(SubsonicApiKey)
            .where(SubsonicApiKey.user_id == user_id)
            .order_by(SubsonicApiKey.created_at)
        )
        return list(rows.all())

    async def new_key(self, user_id: uuid.UUID, name: str) -> tuple[SubsonicApiKey, str]:
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        row = SubsonicApiKey(
            user_id=user_id,
            name=name.strip()[:100] or "API key",
            key_hash=key_hash(key),
            prefix=key[: len(KEY_PREFIX) + 4],
            created_at=utcnow(),
        )
        self.s.add(row)
        await self.s.flush()
        return row, key

    async def revoke_key(self, user_id: uuid.UUID, key_id: uuid.UUID) -> None:
        done = await self.s.execute(
            delete(SubsonicApiKey).where(
                SubsonicApiKey.id == key_id, SubsonicApiKey.user_id == user_id
            )
        )
        if not getattr(done, "rowcount", 0):
            raise ApiKeyNotFound()

    async def by_key(self, key: str) -> SubsonicApiKey | None:
        row = await self.s.scalar(
            select(SubsonicApiKey).where(SubsonicApiKey.key_hash == key_hash(key))
        )
        if row is not None:
            row.last_used_at = utcnow()
        return row

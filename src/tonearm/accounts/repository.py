"""Accounts queries. Everything user-owned is filtered by its owner here."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import insert_or_ignore, utcnow
from tonearm.kit.pagination import PageParams, keyset
from tonearm.models.accounts import (
    AuthSession,
    EmailToken,
    EmailTokenPurpose,
    FirstUserClaim,
    OtpCode,
    RefreshToken,
    User,
)


class AccountsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    # --- users ---------------------------------------------------------------------------
    async def any_user(self) -> bool:
        return bool(await self.s.scalar(select(exists().where(User.id.is_not(None)))))

    async def claim_first_user(self) -> bool:
        """True for exactly one caller ever: the transaction that creates the first user
        (see `FirstUserClaim`). Call it in the transaction that inserts the user."""
        return await insert_or_ignore(self.s, FirstUserClaim, {"id": 1, "created_at": utcnow()})

    async def user(self, user_id: uuid.UUID) -> User | None:
        return await self.s.get(User, user_id)

    async def user_by_email(self, email: str) -> User | None:
        return await self.s.scalar(select(User).where(User.email == email.lower()))

    async def user_by_username(self, username: str) -> User | None:
        return await self.s.scalar(select(User).where(User.username_key == username.lower()))

    async def user_by_phone_key(self, phone_key: str) -> User | None:
        return await self.s.scalar(select(User).where(User.phone_key == phone_key))

    async def list_users(self, params: PageParams) -> list[User]:
        stmt = keyset(select(User), User.created_at, User.id, params, descending=False)
        return list((await self.s.scalars(stmt)).all())

    # --- sessions ------------------------------------------------------------------------
    async def session_with_user(
        self, session_id: uuid.UUID, user_id: uuid.UUID
    ) -> tuple[AuthSession, User] | None:
        row = (
            await self.s.execute(
                select(AuthSession, User)
                .join(User, User.id == AuthSession.user_id)
                .where(AuthSession.id == session_id, AuthSession.user_id == user_id)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def owned_session(self, user_id: uuid.UUID, session_id: uuid.UUID) -> AuthSession | None:
        return await self.s.scalar(
            select(AuthSession).where(AuthSession.id == session_id, AuthSession.user_id == user_id)
        )

    async def active_sessions(self, user_id: uuid.UUID, params: PageParams) -> list[AuthSession]:
        now = utcnow()
        stmt = select(AuthSession).where(
            AuthSession.user_id == user_id,
            AuthSession.revoked_at.is_(None),
            AuthSession.expires_at > now,
        )
        stmt = keyset(stmt, AuthSession.created_at, AuthSession.id, params)
        return list((await self.s.scalars(stmt)).all())

    async def revoke_sessions(
        self, user_id: uuid.UUID, reason: str, *, except_id: uuid.UUID | None = None
    ) -> int:
        stmt = (
            update(AuthSession)
            .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_reason=reason)
        )
        if except_id is not None:
            stmt = stmt.where(AuthSession.id != except_id)
        result = await self.s.execute(stmt)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    # --- refresh tokens ------------------------------------------------------------------
    async def refresh_token(self, token_hash: str) -> tuple[RefreshToken, AuthSession] | None:
        row = (
            await self.s.execute(
                select(RefreshToken, AuthSession)
                .join(AuthSession, AuthSession.id == RefreshToken.session_id)
                .where(RefreshToken.token_hash == token_hash)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def spend_refresh_token(self, token_id: uuid.UUID) -> bool:
        """Atomically mark a token spent. False when someone else spent it first."""
        result = await self.s.execute(
            update(RefreshToken)
            .where(RefreshToken.id == token_id, RefreshToken.spent_at.is_(None))
            .values(spent_at=utcnow())
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def add_refresh_token(
        self, session_id: uuid.UUID, token_hash: str, expires_at: datetime
    ) -> RefreshToken | None:
        """Insert the token unless it exists (a concurrent refresh of the same parent put it
        in first), then read it back as committed: None when it is gone (purged)."""
        await insert_or_ignore(
            self.s,
            RefreshToken,
            {
                "id": uuid.uuid4(),
                "session_id": session_id,
                "token_hash": token_hash,
                "created_at": utcnow(),
                "expires_at": expires_at,
            },
        )
        return await self.s.scalar(
            select(RefreshToken)
            .where(RefreshToken.token_hash == token_hash, RefreshToken.session_id == session_id)
            .execution_options(populate_existing=True)
        )

    # --- email tokens --------------------------------------------------------------------
    async def email_token(self, token_hash: str, purpose: EmailTokenPurpose) -> EmailToken | None:
        return await self.s.scalar(
            select(EmailToken).where(
                EmailToken.token_hash == token_hash, EmailToken.purpose == purpose
            )
        )

    async def spend_email_tokens(self, user_id: uuid.UUID, purpose: EmailTokenPurpose) -> None:
        await self.s.execute(
            update(EmailToken)
            .where(
                EmailToken.user_id == user_id,
                EmailToken.purpose == purpose,
                EmailToken.used_at.is_(None),
            )
            .values(used_at=utcnow())
        )

    # --- otp -----------------------------------------------------------------------------
    async def otp_requests_since(self, phone_key: str, since: datetime) -> list[datetime]:
        rows = await self.s.scalars(
            select(OtpCode.created_at)
            .where(OtpCode.phone_key == phone_key, OtpCode.created_at > since)
            .order_by(OtpCode.created_at)
        )
        return list(rows.all())

    async def latest_otp(self, phone_key: str) -> OtpCode | None:
        return await self.s.scalar(
            select(OtpCode)
            .where(OtpCode.phone_key == phone_key, OtpCode.consumed_at.is_(None))
            .order_by(OtpCode.created_at.desc())
            .limit(1)
        )

    async def retire_otps(self, phone_key: str) -> None:
        await self.s.execute(
            update(OtpCode)
            .where(OtpCode.phone_key == phone_key, OtpCode.consumed_at.is_(None))
            .values(consumed_at=utcnow())
        )

    async def purge_expired(self, older_than: timedelta) -> int:
        """Housekeeping for the scheduler: drop long-dead tokens and codes."""
        cutoff = utcnow() - older_than
        total = 0
        for model, col in (
            (OtpCode, OtpCode.expires_at),
            (EmailToken, EmailToken.expires_at),
            (RefreshToken, RefreshToken.expires_at),
        ):
            res = await self.s.execute(delete(model).where(col < cutoff))
            total += int(res.rowcount or 0)  # type: ignore[attr-defined]
        return total

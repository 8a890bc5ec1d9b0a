"""Accounts and auth: register, log in, refresh with rotation and reuse detection, sessions,
profile and password. Never imports FastAPI and never commits; the caller owns the transaction.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.accounts import errors
from tonearm.accounts.authcache import AuthCache
from tonearm.accounts.devices import device_name
from tonearm.accounts.passwords import check_new_password
from tonearm.accounts.repository import AccountsRepository
from tonearm.accounts.senders import Outbox
from tonearm.config import Settings
from tonearm.kit import security
from tonearm.kit.db import utcnow
from tonearm.kit.pagination import PageParams, split_page
from tonearm.kit.security import AccessClaims, TokenSigner
from tonearm.models.accounts import AuthSession, RefreshToken, Role, User
from tonearm.platform.principal import Principal, UserView


@dataclass(frozen=True, slots=True)
class ClientInfo:
    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    user: User
    session: AuthSession
    access_token: str
    refresh_token: str
    expires_in: int


def password_cost(settings: Settings) -> security.Argon2Cost:
    """Full-cost argon2, except under TONEARM_ENV=test, where it is the cheapest valid one."""
    return security.TEST_ARGON2_COST if settings.env == "test" else security.ARGON2_COST


async def hash_password(password: str, cost: security.Argon2Cost = security.ARGON2_COST) -> str:
    # argon2 is deliberately slow; keep it off the event loop.
    return await asyncio.to_thread(security.hash_password, password, cost)


async def verify_password(
    password: str, hashed: str | None, cost: security.Argon2Cost = security.ARGON2_COST
) -> tuple[bool, str | None]:
    return await asyncio.to_thread(security.verify_password, password, hashed, cost)


def cached_principal(
    signer: TokenSigner, cache: AuthCache, access_token: str
) -> tuple[AccessClaims, Principal | None]:
    """Verify the JWT and answer from the session cache when it can (no database)."""
    try:
        claims = signer.read_access_token(access_token)
    except (jwt.InvalidTokenError, ValueError, KeyError) as exc:
        raise errors.InvalidAccessToken() from exc
    return claims, cached_session(cache, claims.user_id, claims.session_id)


def cached_session(cache: AuthCache, user_id: uuid.UUID, session_id: uuid.UUID) -> Principal | None:
    """The caller of a live session, when the session cache still vouches for it."""
    cached = cache.get(session_id)
    if cached is not None and cached[1].id == user_id and cached[0] > utcnow():
        return Principal(user=cached[1], session_id=session_id)
    return None


class AccountsService:
    def __init__(
        self,
        session: AsyncSession,
        settings: Settings,
        signer: TokenSigner,
        outbox: Outbox,
        cache: AuthCache | None = None,
    ) -> None:
        self.s = session
        self.cache = cache or AuthCache(0)
        self.repo = AccountsRepository(session)
        self.settings = settings
        self.password_cost = password_cost(settings)
        self.signer = signer
        self.outbox = outbox

    # --- tokens and sessions -------------------------------------------------------------
    async def start_session(self, user: User, client: ClientInfo, method: str) -> IssuedTokens:
        now = utcnow()
        auth = AuthSession(
            id=uuid.uuid4(),
            user_id=user.id,
            device=device_name(client.user_agent),
            user_agent=(client.user_agent or "")[:512] or None,
            ip=client.ip,
            method=method,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=self.settings.refresh_token_ttl_days),
        )
        self.s.add(auth)
        user.last_login_at = now
        await self.s.flush()  # the session row must exist before its first refresh token
        return await self._issue(user, auth)

    async def _issue(self, user: User, auth: AuthSession) -> IssuedTokens:
        raw = security.new_token()
        self.s.add(
            RefreshToken(
                session_id=auth.id,
                token_hash=security.token_hash(raw),
                created_at=utcnow(),
                expires_at=auth.expires_at,
            )
        )
        await self.s.flush()
        return self._tokens(user, auth, raw)

    def _tokens(self, user: User, auth: AuthSession, refresh_token: str) -> IssuedTokens:
        ttl = self.settings.access_token_ttl_seconds
        access, _ = self.signer.access_token(
            user.id, auth.id, user.role.value, timedelta(seconds=ttl)
        )
        return IssuedTokens(user, auth, access, refresh_token, ttl)

    async def authenticate(self, access_token: str) -> Principal:
        claims, principal = cached_principal(self.signer, self.cache, access_token)
        return principal or await self.live_session(claims.user_id, claims.session_id)

    async def live_session(self, user_id: uuid.UUID, session_id: uuid.UUID) -> Principal:
        """The caller of a session that is still alive (its user active), from the session
        cache when it can; raises an Unauthorized or Forbidden domain error otherwise."""
        principal = cached_session(self.cache, user_id, session_id)
        if principal is not None:
            return principal
        now = utcnow()
        found = await self.repo.session_with_user(session_id, user_id)
        if found is None:
            raise errors.InvalidAccessToken()
        auth, user = found
        if auth.revoked_at is not None or auth.expires_at <= now:
            raise errors.SessionRevoked()
        if not user.is_active:
            raise errors.AccountDisabled()
        if (now - auth.last_seen_at).total_seconds() > 60:
            auth.last_seen_at = now
        view = UserView.of(user)
        self.cache.put(auth.id, auth.expires_at, view)
        return Principal(user=view, session_id=auth.id)

    async def load_user(self, principal: Principal) -> User:
        """The caller's user row, attached to this unit of work (for changes)."""
        user = await self.repo.user(principal.id)
        if user is None:
            raise errors.InvalidAccessToken()
        return user

    # --- register and log in -------------------------------------------------------------
    async def register(
        self, email: str, username: str, password: str, client: ClientInfo
    ) -> IssuedTokens:
        email = email.strip().lower()
        check_new_password(password, username=username, email=email)
        if await self.repo.user_by_email(email):
            raise errors.EmailTaken()
        if await self.repo.user_by_username(username):
            raise errors.UsernameTaken()
        first = await self.repo.claim_first_user()
        user = User(
            id=uuid.uuid4(),
            email=email,
            username=username,
            username_key=username.lower(),
            role=Role.admin if first else Role.listener,
            password_hash=await hash_password(password, self.password_cost),
        )
        self.s.add(user)
        await self._flush_unique()
        issued = await self.start_session(user, client, "password")
        await self.send_verification(user)
        return issued

    async def create_user(
        self, email: str | None, username: str, password: str, *, role: Role = Role.listener
    ) -> User:
        """Administrative creation (CLI, admin area): no session, email counts as verified."""
        email = email.strip().lower() if email else None
        check_new_password(password, username=username, email=email)
        if email and await self.repo.user_by_email(email):
            raise errors.EmailTaken()
        if await self.repo.user_by_username(username):
            raise errors.UsernameTaken()
        await (
            self.repo.claim_first_user()
        )  # a first user made here is first: sign-ups after are not
        user = User(
            id=uuid.uuid4(),
            email=email,
            username=username,
            username_key=username.lower(),
            role=role,
            password_hash=await hash_password(password, self.password_cost),
            email_verified_at=utcnow() if email else None,
        )
        self.s.add(user)
        await self._flush_unique()
        return user

    async def _flush_unique(self) -> None:
        try:
            await self.s.flush()
        except IntegrityError as exc:  # lost a race with a concurrent registration
            text = str(exc.orig).lower()
            if "email" in text:
                raise errors.EmailTaken() from exc
            raise errors.UsernameTaken() from exc

    async def login(self, login: str, password: str, client: ClientInfo) -> IssuedTokens:
        login = login.strip()
        user = (
            await self.repo.user_by_email(login.lower())
            if "@" in login
            else await self.repo.user_by_username(login)
        )
        ok, new_hash = await verify_password(
            password, user.password_hash if user else None, self.password_cost
        )
        if user is None or not ok:
            raise errors.InvalidCredentials()
        if not user.is_active:
            raise errors.AccountDisabled()
        if new_hash:
            user.password_hash = new_hash
        return await self.start_session(user, client, "password")

    async def refresh(self, raw: str, client: ClientInfo) -> IssuedTokens:
        """Exchange a refresh token for its successor and a new access token.

        A token has exactly one successor, derived from it (`security.chained_token`), so
        refreshes that race with the same token, and a retry whose response was lost, all get
        the same successor within `refresh_retry_grace_seconds` while it is unused: none of
        them gets a token that is already dead. The atomic steps are in the database: the
        conditional UPDATE that spends the token, and the insert-or-ignore of its successor.
        Presenting a spent token later, or once its successor was used, is a stolen copy:
        the whole session is revoked."""
        found = await self.repo.refresh_token(security.token_hash(raw))
        if found is None:
            raise errors.InvalidRefreshToken()
        token, auth = found
        now = utcnow()
        if auth.revoked_at is not None or auth.expires_at <= now or token.expires_at <= now:
            raise errors.InvalidRefreshToken()
        first = token.spent_at is None and await self.repo.spend_refresh_token(token.id)
        if not first and not self._within_grace(token.spent_at or now, now):
            raise self._reused(auth, now)
        raw_next = security.chained_token(self.signer.key("refresh-successor"), raw)
        successor = await self.repo.add_refresh_token(
            auth.id, security.token_hash(raw_next), auth.expires_at
        )
        if successor is None or successor.spent_at is not None:
            raise self._reused(auth, now)  # its successor was used: this one is a copy
        user = await self.repo.user(auth.user_id)
        if user is None or not user.is_active:
            raise errors.InvalidRefreshToken()
        auth.last_seen_at = now
        if client.ip:
            auth.ip = client.ip
        return self._tokens(user, auth, raw_next)

    def _within_grace(self, spent_at: datetime, now: datetime) -> bool:
        grace = self.settings.refresh_retry_grace_seconds
        return grace > 0 and now - spent_at <= timedelta(seconds=grace)

    def _reused(self, auth: AuthSession, now: datetime) -> errors.RefreshTokenReused:
        """Reuse of a spent token: someone holds a copy. Kill the whole family."""
        auth.revoked_at = now
        auth.revoked_reason = "refresh_token_reuse"
        self.cache.drop_session(auth.id)
        return errors.RefreshTokenReused()

    async def logout(self, principal: Principal) -> None:
        self.cache.drop_session(principal.session_id)
        auth = await self.repo.owned_session(principal.id, principal.session_id)
        if auth is not None and auth.revoked_at is None:
            auth.revoked_at = utcnow()
            auth.revoked_reason = "logout"

    # --- sessions ------------------------------------------------------------------------
    async def list_sessions(
        self, principal: Principal, params: PageParams
    ) -> tuple[list[AuthSession], str | None]:
        rows = await self.repo.active_sessions(principal.id, params)
        return split_page(rows, params, lambda r: (r.created_at, r.id))

    async def revoke_session(self, principal: Principal, session_id: uuid.UUID) -> None:
        auth = await self.repo.owned_session(principal.id, session_id)
        if auth is None or auth.revoked_at is not None:
            raise errors.SessionNotFound()
        self.cache.drop_session(session_id)
        auth.revoked_at = utcnow()
        auth.revoked_reason = "revoked"

    async def revoke_other_sessions(self, principal: Principal) -> int:
        self.cache.drop_user(principal.id)
        return await self.repo.revoke_sessions(
            principal.id, "revoked", except_id=principal.session_id
        )

    # --- profile and password ------------------------------------------------------------
    async def update_profile(self, principal: Principal, changes: dict[str, object]) -> User:
        self.cache.drop_user(principal.id)
        user = await self.load_user(principal)
        if "username" in changes and changes["username"] is not None:
            username = str(changes["username"])
            other = await self.repo.user_by_username(username)
            if other is not None and other.id != user.id:
                raise errors.UsernameTaken()
            user.username, user.username_key = username, username.lower()
        if "email" in changes and changes["email"] is not None:
            email = str(changes["email"]).lower()
            if email != user.email:
                other = await self.repo.user_by_email(email)
                if other is not None:
                    raise errors.EmailTaken()
                user.email = email
                user.email_verified_at = None
                await self._flush_unique()
                await self.send_verification(user)
        for field in ("display_name", "bio"):
            if field in changes:
                value = changes[field]
                setattr(user, field, (str(value) or None) if value is not None else None)
        user.updated_at = utcnow()
        await self._flush_unique()
        return user

    async def change_password(self, principal: Principal, current: str, new: str) -> int:
        self.cache.drop_user(principal.id)
        user = await self.load_user(principal)
        ok, _ = await verify_password(current, user.password_hash, self.password_cost)
        if not ok:
            raise errors.WrongPassword()
        check_new_password(new, username=user.username, email=user.email)
        user.password_hash = await hash_password(new, self.password_cost)
        return await self.repo.revoke_sessions(
            user.id, "password_changed", except_id=principal.session_id
        )

    # --- administration ------------------------------------------------------------------
    async def list_users(self, params: PageParams) -> tuple[list[User], str | None]:
        rows = await self.repo.list_users(params)
        return split_page(rows, params, lambda u: (u.created_at, u.id))

    async def set_role(self, user_id: uuid.UUID, role: str) -> User:
        user = await self.repo.user(user_id)
        if user is None:
            raise errors.UserNotFound()
        user.role = Role(role)
        user.updated_at = utcnow()
        self.cache.drop_user(user.id)
        return user

    async def send_verification(self, user: User) -> None:
        from tonearm.accounts.verification import issue_email_token

        if user.email is None or user.email_verified_at is not None:
            return
        await issue_email_token(self, user, "verify_email")


def generated_username() -> str:
    return f"listener-{secrets.token_hex(4)}"

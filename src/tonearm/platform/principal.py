"""Who is calling, without HTTP: the `Principal`, its `UserView`, the `Authenticator` the
accounts domain provides, and `can_publish`. Services may import this; `platform.auth` holds
the FastAPI dependencies built on it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from tonearm.kit.errors import Forbidden, Unauthorized
from tonearm.models.accounts import Role, User


class NotAuthenticated(Unauthorized):
    code, title = "not_authenticated", "Sign in to do this"


class InsufficientRole(Forbidden):
    code, title = "insufficient_role", "Your role does not allow this"


# What an `Authenticator` raises for a bearer token it refuses (accounts names them too).
class InvalidAccessToken(Unauthorized):
    code, title = "invalid_access_token", "Access token is invalid or expired"


class SessionRevoked(Unauthorized):
    code, title = "session_revoked", "This session has ended"


class AccountDisabled(Forbidden):
    code, title = "account_disabled", "This account is disabled"


TOKEN_REFUSED = (InvalidAccessToken, SessionRevoked, AccountDisabled)


@dataclass(frozen=True, slots=True)
class UserView:
    """A detached, read-only picture of a user, safe to share between requests."""

    id: uuid.UUID
    email: str | None
    username: str
    display_name: str | None
    bio: str | None
    role: Role
    email_verified_at: datetime | None
    created_at: datetime
    is_active: bool

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(
            id=user.id,
            email=user.email,
            username=user.username,
            display_name=user.display_name,
            bio=user.bio,
            role=user.role,
            email_verified_at=user.email_verified_at,
            created_at=user.created_at,
            is_active=user.is_active,
        )


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of a request (a detached view of the user)."""

    user: UserView
    session_id: uuid.UUID

    @property
    def id(self) -> uuid.UUID:
        return self.user.id

    @property
    def role(self) -> Role:
        return self.user.role


def can_publish(role: Role) -> bool:
    """The one rule for who may make things public (tracks, roots, playlists): artists and
    admins."""
    return role in (Role.artist, Role.admin)


@dataclass(frozen=True, slots=True)
class Authenticator:
    """Turns a bearer token into its caller, or raises one of `TOKEN_REFUSED`.
    `session(user_id, session_id)` answers the same for a session named by another credential
    (a stream token): its caller while the session lives, an Unauthorized or Forbidden error
    once it was logged out or revoked (through the session cache, so it is cheap)."""

    authenticate: Callable[[str], Awaitable[Principal]]
    session: Callable[[uuid.UUID, uuid.UUID], Awaitable[Principal]]

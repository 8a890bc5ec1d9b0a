"""Who is calling: the `Principal` of a request and the FastAPI dependencies every domain's
endpoints use (`CurrentUser`, `OptionalUser`, `StreamUser`, `AdminUser`, `ArtistUser`).

Checking a token is the accounts domain's job; it provides an `Authenticator` to the state
when it is installed, so the platform and the domains below accounts never import it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request

from tonearm.kit.errors import Forbidden, Unauthorized
from tonearm.models.accounts import Role, User
from tonearm.platform.deps import State


class NotAuthenticated(Unauthorized):
    code, title = "not_authenticated", "Sign in to do this"


class InsufficientRole(Forbidden):
    code, title = "insufficient_role", "Your role does not allow this"


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
    """Turns a bearer token into its caller, or raises an Unauthorized domain error."""

    authenticate: Callable[[str], Awaitable[Principal]]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def optional_principal(request: Request, state: State) -> Principal | None:
    token = bearer_token(request)
    if token is None:
        return None
    principal = await state.get(Authenticator).authenticate(token)
    request.state.principal = principal
    return principal


async def require_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise NotAuthenticated()
    return principal


CurrentUser = Annotated[Principal, Depends(require_principal)]
OptionalUser = Annotated[Principal | None, Depends(optional_principal)]


async def principal_for_event_stream(
    request: Request,
    state: State,
    access_token: Annotated[
        str | None,
        Query(
            max_length=4096,
            description="For EventSource, which cannot send headers: the access token",
        ),
    ] = None,
) -> Principal:
    token = bearer_token(request) or access_token
    if token is None:
        raise NotAuthenticated()
    return await state.get(Authenticator).authenticate(token)


StreamUser = Annotated[Principal, Depends(principal_for_event_stream)]


def require_role(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    async def check(principal: CurrentUser) -> Principal:
        if principal.role not in roles:
            raise InsufficientRole()
        return principal

    return check


AdminUser = Annotated[Principal, Depends(require_role(Role.admin))]
ArtistUser = Annotated[Principal, Depends(require_role(Role.artist, Role.admin))]


def viewer_id(principal: Principal | None) -> uuid.UUID | None:
    return principal.id if principal else None

"""Who is calling: the `Principal` of a request and the FastAPI dependencies every domain's
endpoints use (`CurrentUser`, `OptionalUser`, `StreamUser`, `AdminUser`, `ArtistUser`).

Checking a token is the accounts domain's job; it provides an `Authenticator` to the state
when it is installed, so the platform and the domains below accounts never import it.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Query, Request

from tonearm.kit.errors import documents
from tonearm.models.accounts import Role
from tonearm.platform.deps import State
from tonearm.platform.principal import (
    TOKEN_REFUSED,
    Authenticator,
    InsufficientRole,
    NotAuthenticated,
    Principal,
    UserView,
    can_publish,
)

__all__ = [
    "AdminUser",
    "ArtistUser",
    "Authenticator",
    "CurrentUser",
    "InsufficientRole",
    "NotAuthenticated",
    "OptionalUser",
    "Principal",
    "StreamUser",
    "UserView",
    "can_publish",
    "viewer_id",
]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@documents(*TOKEN_REFUSED)  # a token that is sent must be good, even where none is needed
async def optional_principal(request: Request, state: State) -> Principal | None:
    token = bearer_token(request)
    if token is None:
        return None
    principal = await state.get(Authenticator).authenticate(token)
    request.state.principal = principal
    return principal


@documents(NotAuthenticated)
async def require_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise NotAuthenticated()
    return principal


CurrentUser = Annotated[Principal, Depends(require_principal)]
OptionalUser = Annotated[Principal | None, Depends(optional_principal)]


@documents(NotAuthenticated, *TOKEN_REFUSED)
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
    @documents(InsufficientRole)
    async def check(principal: CurrentUser) -> Principal:
        if principal.role not in roles:
            raise InsufficientRole()
        return principal

    return check


AdminUser = Annotated[Principal, Depends(require_role(Role.admin))]
ArtistUser = Annotated[Principal, Depends(require_role(Role.artist, Role.admin))]


def viewer_id(principal: Principal | None) -> uuid.UUID | None:
    return principal.id if principal else None

"""Auth dependencies: the caller (Principal), role checks and the accounts service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Query, Request

from tonearm.accounts import errors
from tonearm.accounts.service import AccountsService, ClientInfo, Principal, cached_principal
from tonearm.kit.deps import DbSession, State, client_ip
from tonearm.models.accounts import Role
from tonearm.state import AppState


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def accounts_service(session: DbSession, state: State) -> AccountsService:
    return AccountsService(session, state.settings, state.signer, state.outbox, state.auth_cache)


Accounts = Annotated[AccountsService, Depends(accounts_service)]


def client_info(request: Request) -> ClientInfo:
    return ClientInfo(ip=client_ip(request), user_agent=request.headers.get("user-agent"))


Client = Annotated[ClientInfo, Depends(client_info)]


async def authenticate(state: AppState, token: str) -> Principal:
    """The caller of a bearer token. Answered from the session cache when possible, so the
    hot path (most authenticated reads) opens no database session at all."""
    _, principal = cached_principal(state.signer, state.auth_cache, token)
    if principal is None:
        async with state.db.session() as session:
            svc = AccountsService(
                session, state.settings, state.signer, state.outbox, state.auth_cache
            )
            principal = await svc.authenticate(token)
    return principal


async def optional_principal(request: Request, state: State) -> Principal | None:
    token = bearer_token(request)
    if token is None:
        return None
    principal = await authenticate(state, token)
    request.state.principal = principal
    return principal


async def require_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    if principal is None:
        raise errors.NotAuthenticated()
    return principal


CurrentUser = Annotated[Principal, Depends(require_principal)]


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
        raise errors.NotAuthenticated()
    return await authenticate(state, token)


StreamUser = Annotated[Principal, Depends(principal_for_event_stream)]
OptionalUser = Annotated[Principal | None, Depends(optional_principal)]


def require_role(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    async def check(principal: CurrentUser) -> Principal:
        if principal.role not in roles:
            raise errors.InsufficientRole()
        return principal

    return check


AdminUser = Annotated[Principal, Depends(require_role(Role.admin))]
ArtistUser = Annotated[Principal, Depends(require_role(Role.artist, Role.admin))]

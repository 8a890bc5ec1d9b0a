"""Builds the accounts service for a request, and the `Authenticator` the platform's auth
dependencies (`tonearm.platform.auth.CurrentUser` ...) call."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.accounts.authcache import AuthCache
from tonearm.accounts.senders import Outbox
from tonearm.accounts.service import (
    AccountsService,
    ClientInfo,
    cached_principal,
    cached_session,
)
from tonearm.platform.deps import DbSession, State, client_ip
from tonearm.platform.principal import Authenticator, Principal
from tonearm.platform.state import AppState


def service_for(state: AppState, session: AsyncSession) -> AccountsService:
    return AccountsService(
        session,
        state.settings,
        state.signer,
        state.get(Outbox),
        state.get(AuthCache),
    )


async def accounts_service(session: DbSession, state: State) -> AccountsService:
    return service_for(state, session)


Accounts = Annotated[AccountsService, Depends(accounts_service)]


async def client_info(request: Request) -> ClientInfo:
    return ClientInfo(ip=client_ip(request), user_agent=request.headers.get("user-agent"))


Client = Annotated[ClientInfo, Depends(client_info)]


def session_authenticator(state: AppState) -> Authenticator:
    """The caller of a bearer token. Answered from the session cache when possible, so the
    hot path (most authenticated reads) opens no database session at all."""
    cache = state.get(AuthCache)

    async def authenticate(token: str) -> Principal:
        _, principal = cached_principal(state.signer, cache, token)
        if principal is None:
            async with state.db.session() as session:
                principal = await service_for(state, session).authenticate(token)
        return principal

    async def session(user_id: uuid.UUID, session_id: uuid.UUID) -> Principal:
        principal = cached_session(cache, user_id, session_id)
        if principal is None:
            async with state.db.session() as db:
                principal = await service_for(state, db).live_session(user_id, session_id)
        return principal

    return Authenticator(authenticate, session)

"""Builds the connections service for a request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from tonearm.connections.service import ConnectionService
from tonearm.connections.tokens import TokenKeeper
from tonearm.platform.deps import DbSession, State


async def connection_service(session: DbSession, state: State) -> ConnectionService:
    return ConnectionService(session, state.settings, state.get(TokenKeeper))


Connections = Annotated[ConnectionService, Depends(connection_service)]

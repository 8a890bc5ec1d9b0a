"""Builds the listening service for a request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from tonearm.listening.hooks import PlayHooks
from tonearm.listening.service import ListeningService
from tonearm.platform.deps import DbSession, State


async def listening_service(session: DbSession, state: State) -> ListeningService:
    return ListeningService(session, state.storage, state.get(PlayHooks))


Listening = Annotated[ListeningService, Depends(listening_service)]

"""Builds the playlists service and presenter for a request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from tonearm.platform.deps import DbSession, State
from tonearm.playlists.present import PlaylistPresenter
from tonearm.playlists.service import PlaylistService


async def playlist_service(session: DbSession, state: State) -> PlaylistService:
    return PlaylistService(session, state.storage)


async def playlist_presenter(session: DbSession, state: State) -> PlaylistPresenter:
    return PlaylistPresenter(session, state.storage)


Playlists = Annotated[PlaylistService, Depends(playlist_service)]
Presenter = Annotated[PlaylistPresenter, Depends(playlist_presenter)]

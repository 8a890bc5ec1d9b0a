"""Connections: a user's accounts on streaming and scrobbling services (OAuth with PKCE, or
a pasted token), their tokens encrypted at rest and refreshed before they expire, the
clients other domains use to act as the user there, and scrobbling: counted plays forwarded
to ListenBrainz and Last.fm through a durable queue.

The face: ConnectionService, TokenKeeper, ConnectionNotFound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tonearm.platform.domain import Domain, lazy_exports

if TYPE_CHECKING:
    from fastapi import APIRouter

    from tonearm.connections.errors import ConnectionNotFound
    from tonearm.connections.service import ConnectionService
    from tonearm.connections.tokens import TokenKeeper
    from tonearm.platform.state import AppState


def _routers() -> list[APIRouter]:
    from tonearm.connections.endpoints import router

    return [router]


def _install(state: AppState) -> None:
    from tonearm import providers
    from tonearm.connections.scrobbles import queue_scrobbles
    from tonearm.connections.tokens import TokenKeeper
    from tonearm.listening import PlayHooks

    http = providers.http_client(state.settings.http_allow_hosts)
    state.provide(TokenKeeper(state.db, state.settings, http))
    state.lifecycle.stoppers.append(http.aclose)
    state.get(PlayHooks).add("scrobble", queue_scrobbles)


DOMAIN = Domain(
    name="connections",
    routers=_routers,
    job_modules=("tonearm.connections.tasks",),
    install=_install,
)

__getattr__ = lazy_exports(
    __name__,
    {
        "ConnectionService": "tonearm.connections.service",
        "TokenKeeper": "tonearm.connections.tokens",
        "ConnectionNotFound": "tonearm.connections.errors",
    },
)

__all__ = ["DOMAIN", "ConnectionNotFound", "ConnectionService", "TokenKeeper"]

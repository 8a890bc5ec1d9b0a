"""Every connected service's playlists beside Tonearm's (`GET /api/v1/playlists?source=all`).

Each service is asked concurrently, through the user's connection; one that fails (down,
refused, needing a reconnect) is reported with its error and the others still answer.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from tonearm import providers
from tonearm.config import Settings
from tonearm.connections import ConnectionService, TokenKeeper

MAX_PER_SERVICE = 2000


@dataclass
class ServiceListing:
    slug: str
    name: str
    status: str = "ok"  # ok | error | reconnect
    error: str | None = None
    playlists: list[providers.ServicePlaylist] = field(default_factory=list)


async def service_playlists(
    session: AsyncSession,
    settings: Settings,
    keeper: TokenKeeper,
    owner: uuid.UUID,
    only: str | None = None,
) -> list[ServiceListing]:
    conns = ConnectionService(session, settings, keeper)
    wanted = []
    for row in await conns.connected(owner):
        service = providers.get(row.provider)
        if "playlists_read" in service.capabilities and (only is None or only == row.provider):
            wanted.append((service, await conns.client(owner, row.provider)))

    async def listing(service: providers.Service, client: object) -> ServiceListing:
        out = ServiceListing(service.slug, service.name)
        try:
            async for p in client.playlists():  # type: ignore[attr-defined]
                out.playlists.append(p)
                if len(out.playlists) >= MAX_PER_SERVICE:
                    break
        except providers.AuthRevoked as exc:
            out.status, out.error = "reconnect", exc.detail or exc.title
        except providers.ProviderError as exc:
            out.status, out.error = "error", exc.detail or exc.title
        return out

    return list(await asyncio.gather(*(listing(s, c) for s, c in wanted)))

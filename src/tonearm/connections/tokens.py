"""The token keeper: a valid access token for a connection, whenever a client asks.

* Refreshed 5 minutes before it expires, and at once when the service answered 401 to it.
* One refresh at a time per connection: an asyncio lock within the process, and the row
  locked (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite has one writer anyway) across
  processes. Whoever gets the lock second finds the token already fresh and uses it.
* A refresh commits in its own short transaction, apart from the caller's: services such as
  Spotify rotate the refresh token, and a rotated token lost with a rolled-back request would
  leave the connection broken.
* A refresh the service refuses (`invalid_grant`) marks the connection "reconnect"; the
  user sees it on the connections page. A service that is down leaves it as it was.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import structlog

from tonearm import providers
from tonearm.config import Settings
from tonearm.connections.repository import ConnectionsRepository
from tonearm.kit.db import Database, utcnow
from tonearm.kit.http import GuardedClient
from tonearm.models.connections import Connection

log = structlog.get_logger(__name__)

REFRESH_AHEAD = timedelta(minutes=5)


class TokenKeeper:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        http: GuardedClient,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.settings = settings
        self.http = http
        self.clock = clock
        self._locks: dict[uuid.UUID, asyncio.Lock] = {}
        self._fresh: dict[uuid.UUID, tuple[str, datetime | None]] = {}
        self.refreshes = 0

    def source(self, connection_id: uuid.UUID) -> providers.TokenSource:
        async def token(force_refresh: bool) -> str:
            return await self.access_token(connection_id, force=force_refresh)

        return token

    def forget(self, connection_id: uuid.UUID) -> None:
        self._fresh.pop(connection_id, None)

    def _good(self, expires_at: datetime | None) -> bool:
        return expires_at is None or expires_at - REFRESH_AHEAD > self.clock()

    async def access_token(self, connection_id: uuid.UUID, *, force: bool = False) -> str:
        known = self._fresh.get(connection_id)
        if known is not None and not force and self._good(known[1]):
            return known[0]
        lock = self._locks.setdefault(connection_id, asyncio.Lock())
        async with lock:
            stale = known[0] if known else None
            return await self._under_lock(connection_id, force=force, stale=stale)

    async def _under_lock(self, connection_id: uuid.UUID, *, force: bool, stale: str | None) -> str:
        refused: providers.AuthRevoked
        async with self.db.sessionmaker() as session, session.begin():
            repo = ConnectionsRepository(session)
            row = await repo.connection_by_id(connection_id, lock=True)
            if row is None:
                self.forget(connection_id)
                raise providers.AuthRevoked("the connection was removed")
            if row.status != "active":
                raise providers.AuthRevoked(f"reconnect {row.provider}")
            # Someone refreshed while we waited (the token differs from the one refused).
            fresh_elsewhere = force and stale is not None and row.access_token != stale
            if fresh_elsewhere or (not force and self._good(row.expires_at)):
                self._fresh[connection_id] = (row.access_token, row.expires_at)
                return row.access_token
            try:
                return await self._refresh(repo, row)
            except providers.AuthRevoked as exc:
                refused = exc  # the "reconnect" mark commits with this block
        raise refused

    async def _refresh(self, repo: ConnectionsRepository, row: Connection) -> str:
        service = providers.get(row.provider)
        if not row.refresh_token:
            self._mark_reconnect(row, "the service gave no refresh token")
            raise providers.AuthRevoked(f"reconnect {row.provider}")
        creds = await self._credentials(repo, row, service)
        try:
            tokens = await service.refresh(self.settings, creds, self.http, row.refresh_token)
        except providers.AuthRevoked as exc:
            self._mark_reconnect(row, str(exc))
            log.info("connection_refresh_refused", provider=row.provider, connection=str(row.id))
            raise
        self.refreshes += 1
        row.access_token = tokens.access_token
        row.refresh_token = tokens.refresh_token or row.refresh_token
        row.expires_at = tokens.expires_at
        if tokens.scope:
            row.scope = tokens.scope
        row.refreshed_at = self.clock()
        row.last_error = None
        self._fresh[row.id] = (row.access_token, row.expires_at)
        log.info("connection_refreshed", provider=row.provider, connection=str(row.id))
        return tokens.access_token

    def _mark_reconnect(self, row: Connection, why: str) -> None:
        row.status = "reconnect"
        row.last_error = why[:500]
        self.forget(row.id)

    async def _credentials(
        self, repo: ConnectionsRepository, row: Connection, service: providers.Service
    ) -> providers.AppCredentials:
        if row.client_id:
            own = await repo.app(row.user_id, row.provider)
            if own is not None and own.client_id == row.client_id:
                return providers.AppCredentials(own.client_id, own.client_secret)
            operator = service.app(self.settings)
            if operator is not None and operator.client_id == row.client_id:
                return operator
            return providers.AppCredentials(row.client_id)
        return service.credentials(self.settings, None)

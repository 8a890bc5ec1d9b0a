"""Connecting a user's accounts on streaming and scrobbling services.

OAuth: `authorize` keeps the state (by its hash) and the PKCE verifier server side for ten
minutes and returns the service's page; `complete` (the callback) uses the state once,
exchanges the code, asks the service whose account it is, and keeps the tokens encrypted.
Services that take a pasted token (ListenBrainz) connect through `connect_token`.
`client` builds a service's client for the user, with the token keeper as its token source.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm import providers
from tonearm.config import Settings
from tonearm.connections.errors import (
    ConnectionNotFound,
    OAuthDenied,
    OAuthStateInvalid,
    OwnAppNotAllowed,
    UnknownService,
    WrongAuthKind,
)
from tonearm.connections.quota import DatabaseBudget
from tonearm.connections.repository import ConnectionsRepository
from tonearm.connections.tokens import TokenKeeper
from tonearm.kit.db import utcnow
from tonearm.models.connections import Connection, ConnectionApp, OAuthFlow

log = structlog.get_logger(__name__)

FLOW_TTL = timedelta(minutes=10)
DEFAULT_RETURN = "/connections"


def state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def safe_return(path: str | None) -> str:
    """A path inside this app (never another site: an open redirect)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return DEFAULT_RETURN
    return path[:512]


@dataclass(frozen=True, slots=True)
class ServiceStatus:
    service: providers.Service
    configured: bool
    connection: Connection | None
    own_app: ConnectionApp | None

    @property
    def uses_own_app(self) -> bool:
        c, own = self.connection, self.own_app
        return bool(c and own and c.client_id == own.client_id)


@dataclass(frozen=True, slots=True)
class Completed:
    connection: Connection
    return_to: str


class ConnectionService:
    def __init__(self, session: AsyncSession, settings: Settings, keeper: TokenKeeper) -> None:
        self.s = session
        self.repo = ConnectionsRepository(session)
        self.settings = settings
        self.keeper = keeper

    @staticmethod
    def service(slug: str) -> providers.Service:
        try:
            return providers.get(slug)
        except KeyError:
            raise UnknownService(f"Tonearm does not know a service called {slug!r}") from None

    def callback_url(self, slug: str) -> str:
        return f"{self.settings.base_url.rstrip('/')}/api/v1/connections/{slug}/callback"

    # --- reading ---------------------------------------------------------------------------
    async def statuses(self, user_id: uuid.UUID) -> list[ServiceStatus]:
        rows = {c.provider: c for c in await self.repo.connections(user_id)}
        apps = {a.provider: a for a in await self.repo.apps(user_id)}
        out = []
        for service in providers.all_services():
            own = apps.get(service.slug)
            configured = service.configured(self.settings) or (own is not None and service.own_app)
            out.append(ServiceStatus(service, configured, rows.get(service.slug), own))
        return out

    async def get(self, user_id: uuid.UUID, slug: str) -> Connection:
        self.service(slug)
        row = await self.repo.connection(user_id, slug)
        if row is None:
            raise ConnectionNotFound(f"{self.service(slug).name} is not connected")
        return row

    async def connected(self, user_id: uuid.UUID) -> list[Connection]:
        return [c for c in await self.repo.connections(user_id) if c.status == "active"]

    # --- OAuth -----------------------------------------------------------------------------
    async def _creds(
        self, user_id: uuid.UUID, service: providers.Service
    ) -> providers.AppCredentials:
        own = await self.repo.app(user_id, service.slug) if service.own_app else None
        mine = providers.AppCredentials(own.client_id, own.client_secret) if own else None
        return service.credentials(self.settings, mine)

    async def authorize(self, user_id: uuid.UUID, slug: str, return_to: str | None) -> str:
        service = self.service(slug)
        if service.auth != "oauth":
            raise WrongAuthKind(f"{service.name} connects with a token, not a sign-in page")
        creds = await self._creds(user_id, service)
        redirect_uri = self.callback_url(slug)
        auth = service.authorization(self.settings, creds, redirect_uri)
        now = utcnow()
        await self.repo.drop_expired_flows(now)
        await self.repo.add_flow(
            OAuthFlow(
                state_hash=state_hash(auth.state),
                user_id=user_id,
                provider=slug,
                verifier=auth.verifier,
                redirect_uri=redirect_uri,
                client_id=creds.client_id,
                return_to=safe_return(return_to),
                created_at=now,
                expires_at=now + FLOW_TTL,
            )
        )
        return auth.url

    async def complete(
        self, slug: str, *, state: str | None, code: str | None, error: str | None
    ) -> Completed:
        """The callback. The flow is deleted whatever happens next (the caller commits even
        when this raises: a state is good once)."""
        service = self.service(slug)
        flow = await self.repo.take_flow(state_hash(state), slug) if state else None
        if flow is None or flow.expires_at < utcnow():
            raise OAuthStateInvalid("Start connecting again from the connections page")
        if error or not code:
            raise OAuthDenied(f"{service.name} answered: {error or 'no code'}")
        own = await self.repo.app(flow.user_id, slug)
        creds = (
            providers.AppCredentials(own.client_id, own.client_secret)
            if own is not None and own.client_id == flow.client_id
            else service.credentials(self.settings, None)
        )
        tokens = await service.exchange(
            self.settings, creds, self.keeper.http, code, flow.redirect_uri, flow.verifier
        )
        who = await self._whoami(service, tokens)
        row = await self._keep(flow.user_id, slug, tokens, who, creds.client_id)
        return Completed(row, flow.return_to or DEFAULT_RETURN)

    async def _whoami(
        self, service: providers.Service, tokens: providers.TokenSet
    ) -> providers.ServiceUser:
        async def token(force: bool) -> str:
            if force:
                raise providers.AuthRevoked("the new token was refused")
            return tokens.access_token

        return await service.whoami(self.settings, self.keeper.http, token)

    async def connect_token(self, user_id: uuid.UUID, slug: str, token: str) -> Connection:
        service = self.service(slug)
        if service.auth != "token":
            raise WrongAuthKind(f"{service.name} connects through its sign-in page")
        tokens, who = await service.connect_token(self.settings, self.keeper.http, token.strip())
        return await self._keep(user_id, slug, tokens, who, None)

    async def _keep(
        self,
        user_id: uuid.UUID,
        slug: str,
        tokens: providers.TokenSet,
        who: providers.ServiceUser,
        client_id: str | None,
    ) -> Connection:
        row = await self.repo.connection(user_id, slug)
        if row is None:
            row = Connection(user_id=user_id, provider=slug)
            self.s.add(row)
        row.account_id = who.id
        row.account_name = who.name
        row.country = (who.country or "").upper()[:2] or None
        row.status = "active"
        row.access_token = tokens.access_token
        row.refresh_token = tokens.refresh_token
        row.expires_at = tokens.expires_at
        row.scope = tokens.scope
        row.client_id = client_id
        row.refreshed_at = utcnow()
        row.last_error = None
        await self.s.flush()
        self.keeper.forget(row.id)
        log.info("connection_connected", provider=slug, user=str(user_id))
        return row

    async def disconnect(self, user_id: uuid.UUID, slug: str) -> bool:
        """Forget the connection; revoke its tokens at the service where it allows (a failure
        there does not keep the connection). True when the service revoked them."""
        row = await self.get(user_id, slug)
        service = self.service(slug)
        revoked = False
        try:
            creds = await self._creds(user_id, service) if service.auth == "oauth" else None
            if creds is not None:
                tokens = providers.TokenSet(row.access_token, row.refresh_token)
                revoked = await service.revoke(self.settings, creds, self.keeper.http, tokens)
        except providers.ProviderError as exc:
            log.info("connection_revoke_failed", provider=slug, error=exc.code)
        except Exception as exc:  # a revoke is a courtesy; never keep a connection for it
            if not isinstance(exc, providers.ProviderNotConfigured):
                log.warning("connection_revoke_failed", provider=slug, error=type(exc).__name__)
        await self.s.delete(row)
        await self.s.flush()
        self.keeper.forget(row.id)
        return revoked

    # --- the user's own app ----------------------------------------------------------------
    async def set_app(
        self, user_id: uuid.UUID, slug: str, client_id: str, client_secret: str | None
    ) -> ConnectionApp:
        service = self.service(slug)
        if not service.own_app:
            raise OwnAppNotAllowed(f"{service.name} uses this server's app only")
        row = await self.repo.app(user_id, slug)
        if row is None:
            row = ConnectionApp(user_id=user_id, provider=slug, client_id=client_id)
            self.s.add(row)
        row.client_id = client_id
        row.client_secret = client_secret or None
        await self.s.flush()
        return row

    async def delete_app(self, user_id: uuid.UUID, slug: str) -> None:
        self.service(slug)
        row = await self.repo.app(user_id, slug)
        if row is not None:
            await self.s.delete(row)
            await self.s.flush()

    # --- clients for other domains ---------------------------------------------------------
    async def client(self, user_id: uuid.UUID, slug: str) -> Any:
        """The service's client acting as the user (ConnectionNotFound if not connected)."""
        row = await self.get(user_id, slug)
        if row.status != "active":
            raise providers.AuthRevoked(f"Reconnect {self.service(slug).name}")
        service = self.service(slug)
        return service.client(
            self.settings,
            self.keeper.http,
            self.keeper.source(row.id),
            country=row.country,
            budget=self.budget(service),
        )

    def budget(self, service: providers.Service) -> DatabaseBudget | None:
        """The database's count of the service's daily quota, for a service that has one."""
        quota = service.quota(self.settings)
        if quota is None:
            return None
        return DatabaseBudget(
            self.keeper.db,
            service.slug,
            quota.limits,
            day_of=quota.day_of,
            resets_at=quota.resets_at,
        )

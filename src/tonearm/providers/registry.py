"""Who is who: one `Service` per package, keyed by slug, saying what it can do, whether the
operator configured it, how a user connects it, and how to build its client.

A package's `__init__` defines `SERVICE`, an instance of a `Service` subclass; the registry
imports the package when first asked (so the CLI does not load httpx code it never uses).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from tonearm.kit.http import GuardedClient
from tonearm.providers.base import (
    Authorization,
    Capability,
    ProviderNotConfigured,
    ProviderUnsupported,
    ServiceUser,
    TokenSet,
)
from tonearm.providers.http import TokenSource
from tonearm.providers.oauth import OAuthApp, app_token

if TYPE_CHECKING:
    from tonearm.config import Settings

Kind = Literal["streaming", "scrobbling", "metadata"]
#: oauth: a redirect and a callback; token: the user pastes a token (ListenBrainz, Discogs);
#: none: nothing to connect (MusicBrainz).
AuthKind = Literal["oauth", "token", "none"]


@dataclass(frozen=True, slots=True)
class AppCredentials:
    """The OAuth app a connection uses: the operator's, or the user's own (Spotify's
    development mode allows only a few users per app, so a user may register theirs)."""

    client_id: str
    client_secret: str | None = None


class Service:
    slug: ClassVar[str]
    name: ClassVar[str]
    kind: ClassVar[Kind]
    capabilities: ClassVar[frozenset[Capability]]
    auth: ClassVar[AuthKind] = "oauth"
    #: May a user bring their own app's client id?
    own_app: ClassVar[bool] = False
    #: Where a user registers their own app (shown on the connections page).
    own_app_help: ClassVar[str | None] = None

    # --- configuration -------------------------------------------------------------------
    def app(self, settings: Settings) -> AppCredentials | None:
        """The operator's app, or None when not configured."""
        return None

    def configured(self, settings: Settings) -> bool:
        return self.auth != "oauth" or self.app(settings) is not None

    def credentials(self, settings: Settings, own: AppCredentials | None) -> AppCredentials:
        if own is not None and self.own_app:
            return own
        app = self.app(settings)
        if app is None:
            raise ProviderNotConfigured(f"{self.name} is not configured on this server")
        return app

    # --- connecting ------------------------------------------------------------------------
    def oauth_app(self, settings: Settings, creds: AppCredentials) -> OAuthApp:
        raise ProviderUnsupported(f"{self.name} does not connect by OAuth")

    def authorization(
        self, settings: Settings, creds: AppCredentials, redirect_uri: str
    ) -> Authorization:
        return self.oauth_app(settings, creds).authorization(redirect_uri)

    async def exchange(
        self,
        settings: Settings,
        creds: AppCredentials,
        http: GuardedClient,
        code: str,
        redirect_uri: str,
        verifier: str | None,
    ) -> TokenSet:
        return await self.oauth_app(settings, creds).exchange(http, code, redirect_uri, verifier)

    def app_token(self, settings: Settings, http: GuardedClient) -> TokenSource | None:
        """An app-only token source (client credentials with the operator's secret, through
        the service's own OAuth app), or None when no secret is set."""
        app = self.app(settings)
        if app is None or not app.client_secret:
            return None
        oauth = dataclasses.replace(self.oauth_app(settings, app), client_secret=app.client_secret)
        return app_token(oauth, http)

    async def refresh(
        self, settings: Settings, creds: AppCredentials, http: GuardedClient, refresh_token: str
    ) -> TokenSet:
        return await self.oauth_app(settings, creds).refresh(http, refresh_token)

    async def revoke(
        self, settings: Settings, creds: AppCredentials, http: GuardedClient, tokens: TokenSet
    ) -> bool:
        """Revoke at the service where it allows; False where it has no way to."""
        return False

    async def connect_token(
        self, settings: Settings, http: GuardedClient, token: str
    ) -> tuple[TokenSet, ServiceUser]:
        """Check a pasted token and say whose it is."""
        raise ProviderUnsupported(f"{self.name} does not connect by token")

    async def whoami(
        self, settings: Settings, http: GuardedClient, token: TokenSource
    ) -> ServiceUser:
        """The connected account, right after the code exchange."""
        return await self.client(settings, http, token).me()

    # --- quota -----------------------------------------------------------------------------
    def quota(self, settings: Settings) -> Quota | None:
        """A daily quota the server's app shares (YouTube's units), or None."""
        return None

    def estimate(
        self, settings: Settings, plan: TransferPlan, used: Mapping[str, int]
    ) -> dict[str, Any] | None:
        """How long a transfer takes within the quota, for the user to see first."""
        return None

    # --- using -----------------------------------------------------------------------------
    def client(
        self,
        settings: Settings,
        http: GuardedClient,
        token: TokenSource | None,
        *,
        country: str | None = None,
        budget: Any = None,
    ) -> Any:
        """The client for a connected user (`token`), or app-only where the service allows
        (`token=None`: MusicBrainz, Deezer's public search). `budget`: where a service with a
        daily quota (`quota`) counts what it spends."""
        raise ProviderUnsupported(f"{self.name} has no client")


@dataclass(frozen=True, slots=True)
class Quota:
    limits: Mapping[str, int]  # bucket -> units a day
    day_of: Callable[[datetime], str]  # the service's day (YouTube's: Pacific time)
    resets_at: Callable[[datetime], datetime]


@dataclass(frozen=True, slots=True)
class TransferPlan:
    tracks: int  # to write
    searches: int  # look-ups not answered before
    playlists: int  # to create


#: slug -> the package that defines its SERVICE, in the order the connections page lists them.
PACKAGES: dict[str, str] = {
    "spotify": "tonearm.providers.spotify",
    "tidal": "tonearm.providers.tidal",
    "deezer": "tonearm.providers.deezer",
    "youtube": "tonearm.providers.youtube",
    "listenbrainz": "tonearm.providers.listenbrainz",
    "lastfm": "tonearm.providers.lastfm",
    "musicbrainz": "tonearm.providers.musicbrainz",
}

_loaded: dict[str, Service] = {}


def get(slug: str) -> Service:
    service = _loaded.get(slug)
    if service is None:
        module = PACKAGES.get(slug)
        if module is None:
            raise KeyError(slug)
        service = _loaded[slug] = importlib.import_module(module).SERVICE
    return service


def all_services() -> list[Service]:
    return [get(slug) for slug in PACKAGES]


def can(slug: str, capability: Capability) -> bool:
    return capability in get(slug).capabilities

"""TIDAL (API v2, JSON:API): authorization code with PKCE (login.tidal.com's page,
auth.tidal.com's token endpoint), the user's playlists and collection of tracks, search and
ISRC look-ups, playlist writes. Without a user, catalog look-ups use an app-only token
(client credentials) when the operator set the app's secret."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tonearm.kit.http import GuardedClient
from tonearm.providers.base import Capability, ProviderNotConfigured
from tonearm.providers.http import ServiceHttp, TokenSource, shared_pace
from tonearm.providers.oauth import OAuthApp
from tonearm.providers.registry import AppCredentials, Service

if TYPE_CHECKING:
    from tonearm.config import Settings

#: Third-party scopes (r_usr / w_usr are TIDAL-internal).
SCOPES = (
    "user.read",
    "collection.read",
    "playlists.read",
    "playlists.write",
    "search.read",
)


class Tidal(Service):
    slug = "tidal"
    name = "TIDAL"
    kind = "streaming"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {"search", "isrc", "playlists_read", "liked_read", "playlists_write"}
    )

    def app(self, settings: Settings) -> AppCredentials | None:
        s = settings.tidal
        if not s.client_id:
            return None
        secret = s.client_secret.get_secret_value() if s.client_secret else None
        return AppCredentials(s.client_id, secret)

    def oauth_app(self, settings: Settings, creds: AppCredentials) -> OAuthApp:
        s = settings.tidal
        return OAuthApp(
            authorize_url=f"{s.login_url.rstrip('/')}/authorize",
            token_url=f"{s.auth_url.rstrip('/')}/token",
            client_id=creds.client_id,
            client_secret=None,  # PKCE: the verifier proves the caller, no secret is sent
            scopes=SCOPES,
        )

    def client(
        self,
        settings: Settings,
        http: GuardedClient,
        token: TokenSource | None,
        *,
        country: str | None = None,
        budget: Any = None,
    ) -> Any:
        from tonearm.providers.tidal.client import TidalClient, classify

        if token is None:
            token = self.app_token(settings, http)
            if token is None:
                raise ProviderNotConfigured(
                    "TIDAL's catalog needs a token: connect an account, or set the app's secret"
                )
            user = False
        else:
            user = True
        service = ServiceHttp(
            http,
            settings.tidal.api_url,
            pace=shared_pace("tidal", concurrency=4),
            token=token,
            classify=classify,
            service=self.name,
        )
        return TidalClient(
            service, country=country, default_country=settings.tidal.country_code, user=user
        )


SERVICE = Tidal()

"""Spotify: authorization code with PKCE, the user's playlists and liked songs, search with
field filters and `isrc:`, playlist writes. Development-mode apps allow five users, so a user
may bring their own client id (`own_app`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tonearm.kit.http import GuardedClient
from tonearm.providers.base import Capability, ProviderUnsupported
from tonearm.providers.http import ServiceHttp, TokenSource, shared_pace
from tonearm.providers.oauth import OAuthApp
from tonearm.providers.registry import AppCredentials, Service

if TYPE_CHECKING:
    from tonearm.config import Settings

SCOPES = (
    "user-read-private",
    "playlist-read-private",
    "playlist-read-collaborative",
    "playlist-modify-private",
    "playlist-modify-public",
    "user-library-read",
)


class Spotify(Service):
    slug = "spotify"
    name = "Spotify"
    kind = "streaming"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {"search", "isrc", "playlists_read", "liked_read", "playlists_write"}
    )
    own_app = True
    own_app_help = (
        "Create an app at developer.spotify.com/dashboard, add this server's callback URL as "
        "a redirect URI, add yourself under User Management, and paste its client id."
    )

    def app(self, settings: Settings) -> AppCredentials | None:
        s = settings.spotify
        if not s.client_id:
            return None
        secret = s.client_secret.get_secret_value() if s.client_secret else None
        return AppCredentials(s.client_id, secret)

    def oauth_app(self, settings: Settings, creds: AppCredentials) -> OAuthApp:
        base = settings.spotify.accounts_url.rstrip("/")
        return OAuthApp(
            authorize_url=f"{base}/authorize",
            token_url=f"{base}/api/token",
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
        from tonearm.providers.spotify.client import SpotifyClient

        if token is None:  # app-only (catalog search): client credentials need the secret
            token = self.app_token(settings, http)
            if token is None:
                raise ProviderUnsupported("Spotify answers only with the app's secret or a user")
            user = False
        else:
            user = True
        service = ServiceHttp(
            http,
            settings.spotify.api_url,
            pace=shared_pace("spotify", concurrency=8),
            token=token,
            service=self.name,
        )
        return SpotifyClient(service, market="from_token" if user else country)


SERVICE = Spotify()

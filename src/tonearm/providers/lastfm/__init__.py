"""Last.fm: scrobbling through its web authentication (https://www.last.fm/api/webauth).

The user is sent to `auth_url?api_key=..&cb=<callback with our state>`; Last.fm sends them
back with `token`, which the signed `auth.getSession` turns into a session key. Session keys
never expire (only the user can revoke the access): there is no refresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlencode

from tonearm.kit.http import GuardedClient
from tonearm.providers.base import (
    Authorization,
    AuthRevoked,
    Capability,
    ProviderUnsupported,
    TokenSet,
)
from tonearm.providers.http import ServiceHttp, TokenSource, shared_pace
from tonearm.providers.oauth import new_state
from tonearm.providers.registry import AppCredentials, Service

if TYPE_CHECKING:
    from tonearm.config import Settings


def service_http(settings: Settings, http: GuardedClient) -> ServiceHttp:
    from tonearm.providers.lastfm.client import classify

    return ServiceHttp(
        http,
        settings.lastfm.api_url,
        # "several calls per second" continuously may get the key suspended: keep under 5/s
        pace=shared_pace("lastfm", rate=4.0, concurrency=2),
        token=None,  # the session key goes in the signed parameters (`sk`)
        classify=classify,
        service="Last.fm",
    )


class Lastfm(Service):
    slug = "lastfm"
    name = "Last.fm"
    kind = "scrobbling"
    auth = "oauth"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({"scrobble"})

    def app(self, settings: Settings) -> AppCredentials | None:
        s = settings.lastfm
        if not s.api_key or not s.shared_secret:
            return None
        return AppCredentials(s.api_key, s.shared_secret.get_secret_value())

    def authorization(
        self, settings: Settings, creds: AppCredentials, redirect_uri: str
    ) -> Authorization:
        state = new_state()
        sep = "&" if "?" in redirect_uri else "?"
        callback = f"{redirect_uri}{sep}{urlencode({'state': state})}"
        query = urlencode({"api_key": creds.client_id, "cb": callback})
        return Authorization(f"{settings.lastfm.auth_url}?{query}", state)

    async def exchange(
        self,
        settings: Settings,
        creds: AppCredentials,
        http: GuardedClient,
        code: str,
        redirect_uri: str,
        verifier: str | None,
    ) -> TokenSet:
        from tonearm.providers.lastfm.client import get_session

        key, _name = await get_session(service_http(settings, http), creds, code)
        return TokenSet(key, expires_at=None)

    async def refresh(
        self, settings: Settings, creds: AppCredentials, http: GuardedClient, refresh_token: str
    ) -> TokenSet:
        raise AuthRevoked("Last.fm session keys do not refresh: reconnect Last.fm")

    def client(
        self,
        settings: Settings,
        http: GuardedClient,
        token: TokenSource | None,
        *,
        country: str | None = None,
        budget: Any = None,
    ) -> Any:
        from tonearm.providers.lastfm.client import LastfmClient

        if token is None:
            raise ProviderUnsupported("Last.fm scrobbling needs the user's session")
        creds = self.credentials(settings, None)
        return LastfmClient(service_http(settings, http), creds, token)


SERVICE = Lastfm()

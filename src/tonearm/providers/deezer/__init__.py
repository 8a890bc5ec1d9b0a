"""Deezer: its own OAuth (not RFC 6749: `app_id`/`secret` in a GET, no PKCE, no refresh
tokens; with `offline_access` the token does not expire), the user's playlists and favourites,
advanced search and ISRC look-ups (both public: no token needed), playlist writes.

Deezer stopped accepting new applications in 2025, so only the operator's existing app is used
(no `own_app`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs, urlencode

from tonearm.kit.http import GuardedClient, GuardedResponse, UpstreamError, UpstreamTimeout
from tonearm.providers.base import (
    Authorization,
    AuthRevoked,
    Capability,
    ProviderError,
    ProviderUnavailable,
    TokenSet,
)
from tonearm.providers.http import TokenSource
from tonearm.providers.oauth import new_state
from tonearm.providers.registry import AppCredentials, Service

if TYPE_CHECKING:
    from tonearm.config import Settings

#: basic_access: the profile; manage_library: playlists and favourites; offline_access: a token
#: that does not expire; delete_library: removing tracks and playlists.
PERMS = ("basic_access", "manage_library", "offline_access", "delete_library")


def token_set(resp: GuardedResponse, *, now: datetime | None = None) -> TokenSet:
    """The answer of `oauth/access_token.php`: `{"access_token", "expires"}` with
    `output=json`, `access_token=...&expires=...` without, the bare text `wrong code` for a bad or
    used code. `expires` is seconds, 0 for a token that does not expire."""
    if resp.status_code >= 500:
        raise ProviderUnavailable(f"Deezer's token endpoint answered HTTP {resp.status_code}")
    text = resp.text.strip()
    if text.lower() == "wrong code":
        raise AuthRevoked("Deezer refused the authorization code (wrong code)")
    body: Any = None
    if text.startswith("{"):
        try:
            body = resp.json()
        except ValueError:
            body = None
    elif "access_token=" in text:
        body = {k: v[0] for k, v in parse_qs(text).items()}
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        err = body["error"]
        message = f"Deezer: {err.get('message') or 'error'}"
        if err.get("type") == "OAuthException" or err.get("code") in (200, 300):
            raise AuthRevoked(message)
        raise ProviderError(message, extra={"deezer_code": err.get("code")})
    if not resp.is_success or not isinstance(body, dict) or not body.get("access_token"):
        raise ProviderError(
            "Deezer's token endpoint answered something else than a token",
            extra={"upstream_status": resp.status_code},
        )
    expires_at = None
    try:
        expires = float(body.get("expires") or 0)
    except (TypeError, ValueError):
        expires = 0.0
    if expires > 0:
        expires_at = (now or datetime.now(UTC)) + timedelta(seconds=expires)
    return TokenSet(access_token=str(body["access_token"]), expires_at=expires_at, scope=None)


class Deezer(Service):
    slug = "deezer"
    name = "Deezer"
    kind = "streaming"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {"search", "isrc", "playlists_read", "liked_read", "playlists_write"}
    )

    def app(self, settings: Settings) -> AppCredentials | None:
        s = settings.deezer
        if not s.client_id or not s.client_secret:
            return None  # the code exchange needs the secret
        return AppCredentials(s.client_id, s.client_secret.get_secret_value())

    def authorization(
        self, settings: Settings, creds: AppCredentials, redirect_uri: str
    ) -> Authorization:
        state = new_state()
        params = {
            "app_id": creds.client_id,
            "redirect_uri": redirect_uri,
            "perms": ",".join(PERMS),
            "state": state,
        }
        base = settings.deezer.connect_url.rstrip("/")
        return Authorization(f"{base}/oauth/auth.php?{urlencode(params, safe=',')}", state)

    async def exchange(
        self,
        settings: Settings,
        creds: AppCredentials,
        http: GuardedClient,
        code: str,
        redirect_uri: str,
        verifier: str | None,
    ) -> TokenSet:
        if not creds.client_secret:
            raise ProviderError("Deezer's code exchange needs the application's secret key")
        params = {
            "app_id": creds.client_id,
            "secret": creds.client_secret,
            "code": code,
            "output": "json",
        }
        url = f"{settings.deezer.connect_url.rstrip('/')}/oauth/access_token.php"
        try:
            resp = await http.request("GET", url, params=params)
        except (UpstreamError, UpstreamTimeout) as exc:
            raise ProviderUnavailable(f"Deezer's token endpoint: {exc}") from exc
        return token_set(resp)

    async def refresh(
        self, settings: Settings, creds: AppCredentials, http: GuardedClient, refresh_token: str
    ) -> TokenSet:
        raise AuthRevoked("Deezer has no refresh tokens: reconnect Deezer")

    def client(
        self,
        settings: Settings,
        http: GuardedClient,
        token: TokenSource | None,
        *,
        country: str | None = None,
        budget: Any = None,
    ) -> Any:
        from tonearm.providers.deezer.client import make_client

        return make_client(http, settings.deezer.api_url, token)


SERVICE = Deezer()

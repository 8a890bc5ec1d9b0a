"""OAuth 2.0 as Spotify, TIDAL and Google speak it (RFC 6749 with PKCE, RFC 7636): the
authorization URL, the code exchange and the refresh, and their errors.

Deezer and Last.fm have their own older flows in their packages.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tonearm.kit.http import (
    GuardedClient,
    GuardedResponse,
    UpstreamError,
    UpstreamTimeout,
    basic_auth,
)
from tonearm.providers.base import (
    Authorization,
    AuthRevoked,
    ProviderError,
    ProviderUnavailable,
    TokenSet,
)
from tonearm.providers.http import TokenSource


def new_state() -> str:
    return secrets.token_urlsafe(32)


def new_verifier() -> str:
    """43-128 characters of the unreserved set (RFC 7636 4.1): 64 here."""
    return secrets.token_urlsafe(48)


def challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class OAuthApp:
    """One OAuth client: where its pages are, and who it is."""

    authorize_url: str
    token_url: str
    client_id: str
    client_secret: str | None = None
    scopes: tuple[str, ...] = ()
    pkce: bool = True
    secret_in_header: bool = True  # HTTP Basic (Spotify, TIDAL); Google takes it in the body
    extra_params: Mapping[str, str] | None = None  # access_type=offline, prompt=consent, ...

    def authorization(self, redirect_uri: str) -> Authorization:
        state = new_state()
        params = {
            "client_id": self.client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "state": state,
        }
        if self.scopes:
            params["scope"] = " ".join(self.scopes)
        verifier = None
        if self.pkce:
            verifier = new_verifier()
            params["code_challenge_method"] = "S256"
            params["code_challenge"] = challenge(verifier)
        params.update(self.extra_params or {})
        sep = "&" if "?" in self.authorize_url else "?"
        return Authorization(f"{self.authorize_url}{sep}{urlencode(params)}", state, verifier)

    async def exchange(
        self, http: GuardedClient, code: str, redirect_uri: str, verifier: str | None
    ) -> TokenSet:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if verifier:
            form["code_verifier"] = verifier
        return await self._token(http, form)

    async def refresh(self, http: GuardedClient, refresh_token: str) -> TokenSet:
        tokens = await self._token(
            http, {"grant_type": "refresh_token", "refresh_token": refresh_token}
        )
        if tokens.refresh_token is None:  # not rotated: the old one stays good
            tokens = TokenSet(tokens.access_token, refresh_token, tokens.expires_at, tokens.scope)
        return tokens

    async def client_credentials(self, http: GuardedClient) -> TokenSet:
        """An app-only token (catalog search without a user)."""
        return await self._token(http, {"grant_type": "client_credentials"})

    async def _token(self, http: GuardedClient, form: dict[str, str]) -> TokenSet:
        headers = {"Accept": "application/json"}
        if self.client_secret and self.secret_in_header:
            headers["Authorization"] = basic_auth(self.client_id, self.client_secret)
        else:
            form["client_id"] = self.client_id
            if self.client_secret:
                form["client_secret"] = self.client_secret
        try:
            resp = await http.request("POST", self.token_url, data=form, headers=headers)
        except (UpstreamError, UpstreamTimeout) as exc:
            raise ProviderUnavailable(f"token endpoint: {exc}") from exc
        return token_set(resp)


def token_set(resp: GuardedResponse, *, now: datetime | None = None) -> TokenSet:
    """A token response (RFC 6749 5.1) or its error (5.2)."""
    try:
        body: Any = resp.json()
    except ValueError:
        body = None
    if resp.status_code >= 500:
        raise ProviderUnavailable(f"token endpoint answered HTTP {resp.status_code}")
    if not resp.is_success or not isinstance(body, dict) or "access_token" not in body:
        error = body.get("error") if isinstance(body, dict) else None
        desc = body.get("error_description") if isinstance(body, dict) else None
        message = ": ".join(str(p) for p in (error, desc) if p) or f"HTTP {resp.status_code}"
        if error in ("invalid_grant", "unauthorized_client", "access_denied"):
            raise AuthRevoked(message)
        raise ProviderError(message, extra={"upstream_status": resp.status_code})
    expires_in = body.get("expires_in")
    expires_at = None
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool):
        expires_at = (now or datetime.now(UTC)) + timedelta(seconds=float(expires_in))
    refresh = body.get("refresh_token")
    scope = body.get("scope")
    return TokenSet(
        access_token=str(body["access_token"]),
        refresh_token=str(refresh) if refresh else None,
        expires_at=expires_at,
        scope=str(scope) if scope else None,
    )


def app_token(oauth: OAuthApp, http: GuardedClient) -> TokenSource:
    """A client-credentials token, fetched when first needed and again when it expires or
    the service refuses it."""
    held: list[TokenSet] = []

    async def token(force_refresh: bool) -> str:
        now = datetime.now(UTC)
        if (
            force_refresh
            or not held
            or (held[0].expires_at is not None and held[0].expires_at - now < timedelta(minutes=1))
        ):
            held[:] = [await oauth.client_credentials(http)]
        return held[0].access_token

    return token

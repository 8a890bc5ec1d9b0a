"""YouTube Music, through the YouTube Data API v3 (there is no public YouTube Music API):
Google OAuth with PKCE and a refresh token (`access_type=offline`), the user's playlists and
liked videos, search in the Music category, playlist writes one video at a time. No ISRC
look-up. The daily quota decides how fast a transfer goes (`quota.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from tonearm.kit.http import GuardedClient, UpstreamError
from tonearm.providers.base import (
    Capability,
    ProviderError,
    ProviderUnavailable,
    ProviderUnsupported,
    TokenSet,
)
from tonearm.providers.http import ServiceHttp, TokenSource, shared_pace
from tonearm.providers.oauth import OAuthApp
from tonearm.providers.registry import AppCredentials, Quota, Service, TransferPlan
from tonearm.providers.youtube.quota import (
    SEARCH,
    UNITS,
    QuotaBudget,
    next_reset,
    quota_day,
    shared_budget,
    transfer_estimate,
)

if TYPE_CHECKING:
    from tonearm.config import Settings

SCOPES = ("https://www.googleapis.com/auth/youtube",)


class Youtube(Service):
    slug = "youtube"
    name = "YouTube Music"
    kind = "streaming"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {"search", "playlists_read", "liked_read", "playlists_write"}
    )

    def app(self, settings: Settings) -> AppCredentials | None:
        g = settings.google
        if not g.client_id:
            return None
        secret = g.client_secret.get_secret_value() if g.client_secret else None
        return AppCredentials(g.client_id, secret)

    def oauth_app(self, settings: Settings, creds: AppCredentials) -> OAuthApp:
        g = settings.google
        return OAuthApp(
            authorize_url=g.auth_url,
            token_url=f"{g.token_url.rstrip('/')}/token",
            client_id=creds.client_id,
            # Google's web-application clients send the secret with PKCE too, in the body.
            client_secret=creds.client_secret,
            scopes=SCOPES,
            secret_in_header=False,
            extra_params={"access_type": "offline", "prompt": "consent"},
        )

    async def revoke(
        self, settings: Settings, creds: AppCredentials, http: GuardedClient, tokens: TokenSet
    ) -> bool:
        """POST {token_url}/revoke: the refresh token takes its access tokens with it. A token
        Google no longer knows (400 invalid_token) is as good as revoked."""
        token = tokens.refresh_token or tokens.access_token
        url = f"{settings.google.token_url.rstrip('/')}/revoke"
        try:
            resp = await http.request("POST", url, data={"token": token})
        except UpstreamError as exc:
            raise ProviderUnavailable(f"Google revoke: {exc}") from exc
        if resp.is_success:
            return True
        if resp.status_code >= 500:
            raise ProviderUnavailable(f"Google revoke answered HTTP {resp.status_code}")
        try:
            error = resp.json().get("error")
        except (ValueError, AttributeError):
            error = None
        if resp.status_code == 400 and error == "invalid_token":
            return True
        raise ProviderError(
            f"Google revoke: {error or resp.status_code}",
            extra={"upstream_status": resp.status_code},
        )

    def client(
        self,
        settings: Settings,
        http: GuardedClient,
        token: TokenSource | None,
        *,
        country: str | None = None,
        budget: QuotaBudget | None = None,
    ) -> Any:
        """`budget`: the project's quota as the migration keeps it; by default the process's
        own count (`quota.shared_budget`)."""
        from tonearm.providers.youtube.client import YoutubeClient, classify

        if token is None:
            raise ProviderUnsupported("YouTube answers only for a connected Google account")
        y = settings.youtube
        service = ServiceHttp(
            http,
            y.api_url,
            pace=shared_pace("youtube", concurrency=4),
            token=token,
            classify=classify,
            service=self.name,
        )
        return YoutubeClient(
            service, budget=budget or shared_budget(y.daily_quota, y.search_daily_quota)
        )

    def quota(self, settings: Settings) -> Quota | None:
        y = settings.youtube
        return Quota(
            limits={UNITS: y.daily_quota, SEARCH: y.search_daily_quota},
            day_of=lambda now: quota_day(now).isoformat(),
            resets_at=next_reset,
        )

    def estimate(
        self, settings: Settings, plan: TransferPlan, used: Mapping[str, int]
    ) -> dict[str, Any] | None:
        y = settings.youtube
        e = transfer_estimate(
            plan.tracks,
            to_search=plan.searches,
            playlists=plan.playlists,
            daily_quota=y.daily_quota,
            search_daily_quota=y.search_daily_quota,
            used_today=used.get(UNITS, 0),
            searches_today=used.get(SEARCH, 0),
        )
        return {
            "service": self.slug,
            "units": e.units,
            "searches": e.searches,
            "days": e.days,
            "finishes_at": e.finishes_at.isoformat(),
            "limited_by": e.limited_by,
            "daily_quota": y.daily_quota,
            "search_daily_quota": y.search_daily_quota,
        }


SERVICE = Youtube()

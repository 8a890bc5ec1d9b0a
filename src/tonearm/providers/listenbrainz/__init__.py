"""ListenBrainz: scrobbling with a user token pasted from listenbrainz.org/settings
(`Authorization: Token <token>`, not Bearer). The token does not expire; a refused one means
the user must paste a new one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tonearm.kit.http import GuardedClient
from tonearm.providers.base import (
    AuthRevoked,
    Capability,
    ProviderUnsupported,
    ServiceUser,
    TokenSet,
)
from tonearm.providers.http import ServiceHttp, TokenSource, shared_pace
from tonearm.providers.registry import Service

if TYPE_CHECKING:
    from tonearm.config import Settings


def service_http(settings: Settings, http: GuardedClient) -> ServiceHttp:
    from tonearm.providers.listenbrainz.client import classify

    return ServiceHttp(
        http,
        settings.listenbrainz.api_url,
        pace=shared_pace("listenbrainz", concurrency=4),
        token=None,  # the client sends `Token <t>` itself
        classify=classify,
        service="ListenBrainz",
    )


class ListenBrainz(Service):
    slug = "listenbrainz"
    name = "ListenBrainz"
    kind = "scrobbling"
    auth = "token"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({"scrobble"})

    async def connect_token(
        self, settings: Settings, http: GuardedClient, token: str
    ) -> tuple[TokenSet, ServiceUser]:
        from tonearm.providers.listenbrainz.client import validate

        token = token.strip()
        if not token:
            raise AuthRevoked("Paste the user token from listenbrainz.org/settings")
        user = await validate(service_http(settings, http), token)
        return TokenSet(token, expires_at=None), user

    def client(
        self,
        settings: Settings,
        http: GuardedClient,
        token: TokenSource | None,
        *,
        country: str | None = None,
        budget: Any = None,
    ) -> Any:
        from tonearm.providers.listenbrainz.client import ListenBrainzClient

        if token is None:
            raise ProviderUnsupported("ListenBrainz needs the user's token")
        return ListenBrainzClient(service_http(settings, http), token)


SERVICE = ListenBrainz()

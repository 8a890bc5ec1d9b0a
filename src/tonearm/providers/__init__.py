"""Providers: the streaming, scrobbling and metadata services Tonearm talks to.

`base` says what a service can do (one Protocol per capability) and the errors every client
raises; `http` is how they talk (the guarded client, a shared pace, one reading of errors);
`oauth` is OAuth 2.0 with PKCE; `registry` says who is who. One package per service holds its
client (`client.py`), its mapping from the service's JSON (`mapping.py`) and its `SERVICE`.
Clients take values and a token source; the user's tokens live in `connections`.
"""

from tonearm.providers.base import (
    CAPABILITY_PROTOCOLS,
    AuthExpired,
    Authorization,
    AuthRevoked,
    Capability,
    IsrcLookup,
    LikedReader,
    Listen,
    PlaylistReader,
    PlaylistWriter,
    ProviderError,
    ProviderForbidden,
    ProviderNotConfigured,
    ProviderNotFound,
    ProviderUnavailable,
    ProviderUnsupported,
    QuotaExhausted,
    RateLimited,
    Scrobbler,
    ScrobbleResult,
    SearchQuery,
    ServicePlaylist,
    ServiceTrack,
    ServiceUser,
    TokenSet,
    TrackSearcher,
)
from tonearm.providers.http import Pace, ServiceHttp, TokenSource, http_client, shared_pace
from tonearm.providers.registry import (
    AppCredentials,
    Quota,
    Service,
    TransferPlan,
    all_services,
    can,
    get,
)

__all__ = [
    "CAPABILITY_PROTOCOLS",
    "AppCredentials",
    "AuthExpired",
    "AuthRevoked",
    "Authorization",
    "Capability",
    "IsrcLookup",
    "LikedReader",
    "Listen",
    "Pace",
    "PlaylistReader",
    "PlaylistWriter",
    "ProviderError",
    "ProviderForbidden",
    "ProviderNotConfigured",
    "ProviderNotFound",
    "ProviderUnavailable",
    "ProviderUnsupported",
    "Quota",
    "QuotaExhausted",
    "RateLimited",
    "ScrobbleResult",
    "Scrobbler",
    "SearchQuery",
    "Service",
    "ServiceHttp",
    "ServicePlaylist",
    "ServiceTrack",
    "ServiceUser",
    "TokenSet",
    "TokenSource",
    "TrackSearcher",
    "TransferPlan",
    "all_services",
    "can",
    "get",
    "http_client",
    "shared_pace",
]

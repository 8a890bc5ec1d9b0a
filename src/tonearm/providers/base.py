"""What a streaming or metadata service can do: one small Protocol per capability, the data
they exchange, and the errors every client raises.

A client implements the capabilities its real API supports; `capabilities()` (in the face)
says which, so a caller asks "can Deezer write playlists?" rather than trying. Clients are
built per use with values, not Settings: a `ServiceHttp` (the guarded client, a token source,
the service's pacing) and the service's settings section.

Every identifier a client returns is the service's own (a Spotify track id, a Deezer number as
a string, a YouTube video id); the migration stores them per track so a re-run looks nothing up
twice.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from tonearm.kit.errors import TonearmError

# --- data --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServiceTrack:
    """A track as a service describes it."""

    id: str
    title: str
    artists: tuple[str, ...] = ()
    album: str | None = None
    duration: float | None = None  # seconds
    isrc: str | None = None
    url: str | None = None
    track_number: int | None = None
    disc_number: int | None = None
    explicit: bool | None = None
    image: str | None = None
    available: bool = True  # playable in the catalog's country (Spotify's is_playable, ...)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "title": self.title, "artists": list(self.artists)}
        for name in ("album", "duration", "isrc", "url", "track_number", "disc_number", "image"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


@dataclass(frozen=True, slots=True)
class ServicePlaylist:
    id: str
    name: str
    description: str | None = None
    track_count: int | None = None
    # The service's version of the contents (Spotify's snapshot_id, YouTube's etag, Deezer's
    # checksum); None where the service has none: then a hash of the items is used.
    snapshot: str | None = None
    owner_id: str | None = None
    owner_name: str | None = None
    editable: bool = False  # the connected user may add to it
    public: bool | None = None
    url: str | None = None
    image: str | None = None


@dataclass(frozen=True, slots=True)
class ServiceUser:
    id: str
    name: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, for catalog look-ups
    url: str | None = None


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What to look for. Clients turn it into their service's syntax (Spotify's `track:`
    filters, TIDAL's free text, ...); `text` is the free-text form for those with none."""

    title: str
    artists: tuple[str, ...] = ()
    album: str | None = None

    @property
    def text(self) -> str:
        return " ".join(p for p in (self.title, *self.artists[:1]) if p)


@dataclass(frozen=True, slots=True)
class TokenSet:
    access_token: str
    refresh_token: str | None = None
    expires_at: datetime | None = None  # None: does not expire (Deezer's offline_access)
    scope: str | None = None


@dataclass(frozen=True, slots=True)
class Authorization:
    """Where to send the user, and what to keep until the callback (server side)."""

    url: str
    state: str
    verifier: str | None = None  # the PKCE code verifier


@dataclass(frozen=True, slots=True)
class Listen:
    """A play to scrobble."""

    title: str
    artists: tuple[str, ...]
    listened_at: datetime
    album: str | None = None
    duration: float | None = None
    track_number: int | None = None
    isrc: str | None = None
    mb_recording_id: str | None = None


@dataclass(frozen=True, slots=True)
class ScrobbleResult:
    accepted: int
    ignored: list[tuple[int, str]] = field(default_factory=list)  # (index, why)


# --- errors ------------------------------------------------------------------------------------


class ProviderError(TonearmError):
    """The service answered with an error Tonearm cannot fix by waiting."""

    status, code, title = 502, "provider_error", "The streaming service refused the request"


class ProviderNotConfigured(TonearmError):
    status, code, title = 409, "provider_not_configured", "This service is not configured"


class ProviderUnsupported(TonearmError):
    status, code, title = 409, "provider_unsupported", "The service cannot do this"


class ProviderNotFound(ProviderError):
    status, code, title = 404, "provider_item_not_found", "Not found at the streaming service"


class ProviderForbidden(ProviderError):
    status, code, title = 403, "provider_forbidden", "The streaming service does not allow this"


class ProviderUnavailable(ProviderError):
    """5xx or no answer: temporary; the caller may try again later."""

    status, code, title = 503, "provider_unavailable", "The streaming service is unavailable"


class RateLimited(ProviderError):
    """429 (or the service's equivalent) that outlasted the client's own waiting."""

    status, code, title = 429, "provider_rate_limited", "The streaming service asks to slow down"

    def __init__(self, detail: str | None = None, *, retry_after: float | None = None) -> None:
        super().__init__(detail, extra={"retry_after": retry_after})
        self.retry_after = retry_after


class QuotaExhausted(ProviderError):
    """A daily quota (YouTube's units) is spent: wait until `resets_at`."""

    status, code, title = 429, "provider_quota_exhausted", "The service's daily quota is spent"

    def __init__(self, detail: str | None = None, *, resets_at: datetime | None = None) -> None:
        super().__init__(detail, extra={"resets_at": resets_at.isoformat() if resets_at else None})
        self.resets_at = resets_at


class AuthExpired(ProviderError):
    """401: the access token is no longer good. The connection refreshes it and retries once."""

    status, code, title = 401, "provider_auth_expired", "The service's access token expired"


class AuthRevoked(ProviderError):
    """The refresh token (or the authorization code) was refused: the user must reconnect."""

    status, code, title = 401, "provider_reconnect", "Reconnect this service"


# --- capabilities ------------------------------------------------------------------------------

Capability = Literal[
    "search", "isrc", "playlists_read", "liked_read", "playlists_write", "scrobble", "enrich"
]


@runtime_checkable
class TrackSearcher(Protocol):
    search_limit: ClassVar[int]  # results per search request the service allows

    async def search_tracks(self, query: SearchQuery, *, limit: int = 10) -> list[ServiceTrack]:
        """Tracks the service finds for the query, best first."""
        ...


@runtime_checkable
class IsrcLookup(Protocol):
    async def tracks_by_isrc(self, isrc: str) -> list[ServiceTrack]:
        """Every track the service files under the ISRC (none: an empty list)."""
        ...


@runtime_checkable
class PlaylistReader(Protocol):
    async def me(self) -> ServiceUser: ...

    def playlists(self) -> AsyncIterator[ServicePlaylist]:
        """The user's playlists (own and followed), every page."""
        ...

    async def playlist(self, playlist_id: str) -> ServicePlaylist: ...

    def playlist_tracks(self, playlist_id: str) -> AsyncIterator[ServiceTrack]:
        """The playlist's tracks in order, every page (local files and episodes left out)."""
        ...


@runtime_checkable
class LikedReader(Protocol):
    def liked_tracks(self) -> AsyncIterator[ServiceTrack]: ...


@runtime_checkable
class PlaylistWriter(Protocol):
    add_batch: ClassVar[int]  # items per add request the service allows

    async def create_playlist(
        self, name: str, *, description: str | None = None, public: bool = False
    ) -> ServicePlaylist: ...

    async def add_tracks(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        """Append, in order. The client splits into the service's batch size."""
        ...

    async def remove_tracks(self, playlist_id: str, track_ids: Sequence[str]) -> None: ...


@runtime_checkable
class Scrobbler(Protocol):
    batch: ClassVar[int]

    async def scrobble(self, listens: Sequence[Listen]) -> ScrobbleResult: ...

    async def now_playing(self, listen: Listen) -> None: ...


CAPABILITY_PROTOCOLS: dict[Capability, type] = {
    "search": TrackSearcher,
    "isrc": IsrcLookup,
    "playlists_read": PlaylistReader,
    "liked_read": LikedReader,
    "playlists_write": PlaylistWriter,
    "scrobble": Scrobbler,
}

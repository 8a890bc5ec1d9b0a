"""The MusicBrainz WS/2 client (https://musicbrainz.org/doc/MusicBrainz_API).

* At most one request per second per source IP on average (more is answered 503, "Your
  requests are exceeding the allowable rate limit"): every client of the process goes
  through one `Pace` of `requests_per_second` with one request in flight, and a 503 (the
  rate limit, or the global "server is busy") is retried with backoff.
* A User-Agent `Tonearm/<version> ( <contact> )` on every request (without a proper one
  MusicBrainz answers 403); the guarded client's default is replaced per request.
* Look-ups are cached (`Cache`: an in-memory TTL + LRU by default; any object with async
  `get`/`set` may replace it, such as one backed by the database or Redis), keyed by the
  request, so one ISRC is asked once; concurrent asks for the same key share one request.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Protocol
from urllib.parse import quote, urlencode

from tonearm.kit.http import GuardedClient, GuardedResponse, parse_retry_after
from tonearm.providers.base import (
    ProviderError,
    ProviderNotFound,
    RateLimited,
    SearchQuery,
    ServiceTrack,
)
from tonearm.providers.http import ServiceHttp, default_classify, error_message, shared_pace
from tonearm.providers.musicbrainz import mapping
from tonearm.providers.musicbrainz.mapping import Recording

if TYPE_CHECKING:
    from tonearm.servicesettings import MusicbrainzSettings

SEARCH_PAGE = 100  # `limit` is 1-100 (default 25)
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def version() -> str:
    try:
        return importlib.metadata.version("tonearm")
    except importlib.metadata.PackageNotFoundError:
        return "0.1.0"


def user_agent(contact: str) -> str:
    return f"Tonearm/{version()} ( {contact} )"


def lucene_escape(value: str) -> str:
    """A value with Lucene's special characters backslash-escaped (MusicBrainz search)."""
    return _LUCENE_SPECIAL.sub(r"\\\1", value)


def search_q(query: SearchQuery) -> str:
    parts = [f'recording:"{lucene_escape(query.title)}"']
    if query.artists:
        parts.append(f'artist:"{lucene_escape(query.artists[0])}"')
    return " AND ".join(parts)


def classify(resp: GuardedResponse) -> ProviderError | None:
    """503 is MusicBrainz's rate limit (and its "server is busy"): waited out and retried."""
    if resp.status_code == 503:
        return RateLimited(
            f"MusicBrainz: {error_message(resp)}",
            retry_after=parse_retry_after(resp.headers.get("retry-after")),
        )
    return default_classify(resp)


# --- the cache ---------------------------------------------------------------------------------


class Cache(Protocol):
    """Where answers are kept: `get` gives None for a miss (or an expired entry)."""

    async def get(self, key: str) -> Any | None: ...

    async def set(self, key: str, value: Any) -> None: ...


class MemoryCache:
    """At most `maxsize` entries, each for `ttl` seconds; the least recently used goes first."""

    def __init__(
        self,
        *,
        maxsize: int = 4096,
        ttl: float = 24 * 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.maxsize = maxsize
        self.ttl = ttl
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    async def get(self, key: str) -> Any | None:
        item = self._items.get(key)
        if item is None:
            return None
        expires, value = item
        if expires <= self._clock():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    async def set(self, key: str, value: Any) -> None:
        self._items[key] = (self._clock() + self.ttl, value)
        self._items.move_to_end(key)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)


_CACHE = MemoryCache()


# --- the client --------------------------------------------------------------------------------


class MusicBrainzClient:
    search_limit: ClassVar[int] = SEARCH_PAGE

    def __init__(self, http: ServiceHttp, *, contact: str, cache: Cache | None = None) -> None:
        self.http = http
        self.user_agent = user_agent(contact)
        self.cache: Cache = cache if cache is not None else MemoryCache()
        self._inflight: dict[str, asyncio.Future[Any]] = {}

    @classmethod
    def from_settings(
        cls, settings: MusicbrainzSettings, http: GuardedClient, *, cache: Cache | None = None
    ) -> MusicBrainzClient:
        service = ServiceHttp(
            http,
            settings.api_url,
            pace=shared_pace("musicbrainz", rate=settings.requests_per_second, concurrency=1),
            token=None,
            classify=classify,
            service="MusicBrainz",
            backoff_base=1.0,
            attempts=4,  # "always retry 503 (at least 1 s backoff, 3-4 tries)"
        )
        return cls(service, contact=settings.contact, cache=cache if cache is not None else _CACHE)

    async def _get(self, path: str, params: Mapping[str, Any]) -> Any:
        """GET `path` with `params` (and fmt=json), from the cache when it has the answer. A
        404 is kept as None under the key too (the same unknown ISRC is asked once)."""
        # `inc` is joined by a literal "+" (MusicBrainz splits on it); the rest is encoded.
        inc = params.get("inc")
        rest = urlencode({k: v for k, v in params.items() if k != "inc"}, quote_via=quote)
        query = "&".join(p for p in (f"inc={inc}" if inc else "", rest, "fmt=json") if p)
        key = self.http.url(f"{path}?{query}")
        cached = await self.cache.get(key)
        if cached is not None:
            return cached.get("body")
        running = self._inflight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            body = await self._fetch(key)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning without waiters
            raise
        else:
            future.set_result(body)
            await self.cache.set(key, {"body": body})
            return body
        finally:
            del self._inflight[key]

    async def _fetch(self, url: str) -> Any:
        try:
            return await self.http.json("GET", url, headers={"User-Agent": self.user_agent})
        except ProviderNotFound:
            return None

    # --- look-ups ------------------------------------------------------------------------
    async def recordings_by_isrc(self, isrc: str) -> list[Recording]:
        code = isrc.strip().upper().replace("-", "")
        if not _ISRC.match(code):
            return []
        body = await self._get(f"isrc/{code}", {"inc": "artist-credits+releases"})
        found = mapping.recordings(body)
        return [r if r.isrcs else _with_isrc(r, code) for r in found]

    async def tracks_by_isrc(self, isrc: str) -> list[ServiceTrack]:
        return [r.track() for r in await self.recordings_by_isrc(isrc)]

    async def recording(self, mbid: str) -> Recording:
        """The recording with all its ISRCs and releases; `ProviderNotFound` if none."""
        mbid = mbid.strip().lower()
        if not _MBID.match(mbid):
            raise ProviderError(f"MusicBrainz: {mbid!r} is not an MBID")
        body = await self._get(f"recording/{mbid}", {"inc": "isrcs+artist-credits+releases"})
        found = mapping.recording(body) if isinstance(body, dict) else None
        if found is None:
            raise ProviderNotFound(f"MusicBrainz has no recording {mbid}")
        return found

    async def track(self, mbid: str) -> ServiceTrack:
        return (await self.recording(mbid)).track()

    async def search_recordings(self, query: SearchQuery, *, limit: int = 10) -> list[Recording]:
        """Best first; more than one page (100) is read page by page."""
        q = search_q(query)
        out: list[Recording] = []
        offset = 0
        while len(out) < limit:
            size = min(SEARCH_PAGE, limit - len(out))
            body = await self._get("recording", {"query": q, "limit": size, "offset": offset})
            page = mapping.recordings(body)
            out.extend(page)
            offset += len(page)
            count = body.get("count") if isinstance(body, dict) else None
            if not page or len(page) < size or (isinstance(count, int) and offset >= count):
                break
        return out[:limit]

    async def search_tracks(self, query: SearchQuery, *, limit: int = 10) -> list[ServiceTrack]:
        return [r.track() for r in await self.search_recordings(query, limit=limit)]


def _with_isrc(r: Recording, isrc: str) -> Recording:
    return replace(r, isrcs=(isrc,))

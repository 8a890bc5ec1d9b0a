"""The Deezer API client (https://developers.deezer.com/api).

* The token travels as the `access_token` query parameter, never as a header, so the
  `ServiceHttp` here has no token source: this client adds the parameter itself. Search, ISRC
  look-ups and public playlists need no token at all (`token=None`).
* Every answer is HTTP 200; errors are `{"error": {"type", "message", "code"}}` (`classify`).
  Code 300 (invalid token) cannot be cured by a refresh, which Deezer does not have: the token
  source is asked once with `force_refresh=True` (a reconnect may have replaced the token; the
  connection's refresh of a Deezer token raises `AuthRevoked` itself) and, if it gives back the
  same token, `AuthRevoked` is raised.
* Paging: `index` (0-based) and `limit`, `total`, and a `next` URL, followed until it is absent
  (Deezer leaves unreadable tracks out of a page, so counting is not enough).
* Quota: 50 requests per 5 seconds; over it, code 4 with no Retry-After. The pace keeps under
  it, and a code 4 is waited out (`QUOTA_WAIT`, the quota's whole window) and retried.
* Adding to a playlist: `songs=` comma-separated ids, 50 per request (larger batches are
  refused, as several clients observed); a track already in the playlist makes Deezer refuse the
  whole request ("This song already exists in this playlist", code 500), so the ids are
  de-duplicated and, on that answer, the ones already there are dropped and the rest sent again.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from tonearm.kit.http import GuardedClient, GuardedResponse
from tonearm.providers.base import (
    AuthRevoked,
    ProviderError,
    ProviderForbidden,
    ProviderNotFound,
    ProviderUnavailable,
    RateLimited,
    SearchQuery,
    ServicePlaylist,
    ServiceTrack,
    ServiceUser,
)
from tonearm.providers.deezer import mapping
from tonearm.providers.http import (
    Classify,
    Pace,
    ServiceHttp,
    TokenSource,
    default_classify,
    shared_pace,
)

PAGE = 100  # list endpoints: `limit` (default 25; the maximum is not documented, 100 is common)
#: 50 requests per 5 s, documented; a little under it, so no 5-second window holds more than 50.
RATE = 9.5
#: Seconds to wait after a code 4: Deezer sends no Retry-After; the quota's window is 5 s.
QUOTA_WAIT = 5.0

# https://developers.deezer.com/api/errors
QUOTA = 4
ITEMS_LIMIT_EXCEEDED = 100
PERMISSION = 200
TOKEN_INVALID = 300
PARAMETER = 500
PARAMETER_MISSING = 501
QUERY_INVALID = 600
SERVICE_BUSY = 700
DATA_NOT_FOUND = 800
INDIVIDUAL_ACCOUNT_NOT_ALLOWED = 901

_ISRC = re.compile(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}")


def deezer_error(resp: GuardedResponse) -> tuple[int | None, str, str] | None:
    """(code, type, message) of an `{"error": {...}}` body, or None for any other body."""
    if not resp.content.lstrip().startswith(b"{"):
        return None
    try:
        body = resp.json()
    except ValueError:
        return None
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None
    code = err.get("code")
    return (
        code if isinstance(code, int) and not isinstance(code, bool) else None,
        str(err.get("type") or ""),
        str(err.get("message") or "error"),
    )


def classifier(quota_wait: float = QUOTA_WAIT) -> Classify:
    """Deezer's reading of an answer: the HTTP status first (a proxy's 5xx), then the error
    object every HTTP 200 may carry."""

    def classify(resp: GuardedResponse) -> ProviderError | None:
        if resp.status_code != 200:
            return default_classify(resp)
        found = deezer_error(resp)
        if found is None:
            return None
        code, kind, message = found
        detail = f"Deezer: {message}"
        extra = {"deezer_code": code, "deezer_type": kind}
        if code == QUOTA:
            return RateLimited(detail, retry_after=quota_wait)
        if code == SERVICE_BUSY:
            return ProviderUnavailable(detail, extra=extra)
        if code == DATA_NOT_FOUND:
            return ProviderNotFound(detail, extra=extra)
        if code == TOKEN_INVALID:
            return AuthRevoked(detail, extra=extra)
        if code in (PERMISSION, INDIVIDUAL_ACCOUNT_NOT_ALLOWED):
            return ProviderForbidden(detail, extra=extra)
        return ProviderError(detail, extra=extra)

    return classify


def make_client(
    http: GuardedClient,
    api_url: str,
    token: TokenSource | None,
    *,
    pace: Pace | None = None,
    quota_wait: float = QUOTA_WAIT,
    max_wait: float = 60.0,
    backoff_base: float = 0.5,
    strict: bool = False,
) -> DeezerClient:
    """The client over `ServiceHttp` with Deezer's pace (shared by every caller in the process:
    the quota is counted per IP as observed) and its reading of errors."""
    service = ServiceHttp(
        http,
        api_url,
        pace=pace or shared_pace("deezer", rate=RATE, concurrency=4),
        token=None,  # the token is a query parameter, added by DeezerClient
        classify=classifier(quota_wait),
        service="Deezer",
        max_wait=max_wait,
        backoff_base=backoff_base,
    )
    return DeezerClient(service, token, strict=strict)


def _quoted(value: str) -> str:
    return '"' + value.replace('"', " ").strip() + '"'


def search_q(query: SearchQuery) -> str:
    """Deezer's advanced search: `artist:"..." track:"..." album:"..."`."""
    parts = []
    if query.artists:
        parts.append(f"artist:{_quoted(query.artists[0])}")
    if query.title.strip():  # a search by artist alone sends no empty `track:` filter
        parts.append(f"track:{_quoted(query.title)}")
    if query.album:
        parts.append(f"album:{_quoted(query.album)}")
    return " ".join(parts)


def _num(value: str) -> str:
    """A Deezer id (a number) for a path or a `songs=` list; anything else is no Deezer id."""
    text = str(value).strip()
    if not text.isdigit():
        raise ProviderNotFound(f"{value!r} is not a Deezer id")
    return text


def _true(body: Any, what: str) -> None:
    if body is not True:
        raise ProviderError(f"Deezer answered {body!r} to {what}")


class DeezerClient:
    search_limit: ClassVar[int] = 25  # the documented default page; the maximum is not
    add_batch: ClassVar[int] = 50

    def __init__(
        self, http: ServiceHttp, token: TokenSource | None = None, *, strict: bool = False
    ) -> None:
        self.http = http
        self.token = token
        self.strict = strict  # search with strict=on: no fuzzy matching
        self._me: ServiceUser | None = None

    # --- transport -------------------------------------------------------------------------
    async def _json(self, method: str, path: str, params: dict[str, Any] | None = None) -> Any:
        # httpx replaces a URL's query by `params`: a `next` link's query is carried over here.
        path, _, link_query = path.partition("?")
        base = {**dict(parse_qsl(link_query, keep_blank_values=True)), **(params or {})}
        token = await self.token(False) if self.token is not None else None
        refreshed = False
        while True:
            query = dict(base)
            if token is not None:
                query["access_token"] = token
            try:
                return await self.http.json(method, path, params=query or None)
            except AuthRevoked:
                if self.token is None or refreshed:
                    raise
                refreshed = True
                fresh = await self.token(True)
                if fresh == token:
                    raise
                token = fresh

    def _relative(self, url: str) -> str:
        """A `next` link under our base URL (so the token goes nowhere else)."""
        if url.startswith(self.http.base_url + "/"):
            return url
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    async def _pages(self, path: str, params: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        url: str | None = path
        first = True
        seen: set[str] = set()
        while url and url not in seen:
            seen.add(url)
            page = await self._json("GET", url, params if first else None)
            first = False
            if not isinstance(page, dict):
                return
            for item in page.get("data") or []:
                if isinstance(item, dict):
                    yield item
            nxt = page.get("next")
            url = self._relative(nxt) if isinstance(nxt, str) and nxt else None

    # --- reading ---------------------------------------------------------------------------
    async def me(self) -> ServiceUser:
        if self._me is None:
            self._me = mapping.user(await self._json("GET", "user/me"))
        return self._me

    async def search_tracks(
        self, query: SearchQuery, *, limit: int = 10, strict: bool | None = None
    ) -> list[ServiceTrack]:
        params: dict[str, Any] = {"q": search_q(query), "limit": min(limit, self.search_limit)}
        if self.strict if strict is None else strict:
            params["strict"] = "on"
        body = await self._json("GET", "search/track", params)
        items = (body.get("data") or []) if isinstance(body, dict) else []
        return [t for obj in items if (t := mapping.track(obj)) is not None][:limit]

    async def tracks_by_isrc(self, isrc: str) -> list[ServiceTrack]:
        """Deezer's `track/isrc:` (not in the reference, stable): one track, an arbitrary one
        of those sharing the ISRC; `no data` (800) for none."""
        code = isrc.strip().replace("-", "").upper()
        if not _ISRC.fullmatch(code):
            return []
        try:
            obj = await self._json("GET", f"track/isrc:{code}")
        except ProviderNotFound:
            return []
        found = mapping.track(obj)
        return [found] if found is not None else []

    async def playlists(self) -> AsyncIterator[ServicePlaylist]:
        """The user's playlists, own and added; the Loved Tracks playlist is left out (it is
        `liked_tracks`)."""
        me = (await self.me()).id
        async for obj in self._pages("user/me/playlists", {"limit": PAGE}):
            if obj.get("id") is not None and not obj.get("is_loved_track"):
                yield mapping.playlist(obj, me)

    async def playlist(self, playlist_id: str) -> ServicePlaylist:
        me = (await self.me()).id if self.token is not None else None
        obj = await self._json("GET", f"playlist/{_num(playlist_id)}")
        return mapping.playlist(obj, me)

    async def playlist_tracks(self, playlist_id: str) -> AsyncIterator[ServiceTrack]:
        async for obj in self._pages(f"playlist/{_num(playlist_id)}/tracks", {"limit": PAGE}):
            if (t := mapping.track(obj)) is not None:
                yield t

    async def liked_tracks(self) -> AsyncIterator[ServiceTrack]:
        async for obj in self._pages("user/me/tracks", {"limit": PAGE}):
            if (t := mapping.track(obj)) is not None:
                yield t

    # --- writing ---------------------------------------------------------------------------
    async def create_playlist(
        self, name: str, *, description: str | None = None, public: bool = False
    ) -> ServicePlaylist:
        body = await self._json("POST", "user/me/playlists", {"title": name})
        if not isinstance(body, dict) or body.get("id") is None:
            raise ProviderError(f"Deezer answered {body!r} to a new playlist")
        playlist_id = str(body["id"])
        # A new playlist is public; privacy and the description are set by an update.
        update: dict[str, Any] = {"public": "true" if public else "false"}
        if description:
            update["description"] = description
        _true(await self._json("POST", f"playlist/{_num(playlist_id)}", update), "an update")
        me = await self.me()
        return ServicePlaylist(
            id=playlist_id,
            name=name,
            description=description or None,
            track_count=0,
            owner_id=me.id,
            owner_name=me.name,
            editable=True,
            public=public,
        )

    async def add_tracks(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        ids = list(dict.fromkeys(_num(t) for t in track_ids))
        present: set[str] | None = None
        for i in range(0, len(ids), self.add_batch):
            batch = ids[i : i + self.add_batch]
            if present is not None:
                batch = [t for t in batch if t not in present]
                if not batch:
                    continue
            path = f"playlist/{_num(playlist_id)}/tracks"
            try:
                _true(await self._json("POST", path, {"songs": ",".join(batch)}), "adding tracks")
            except ProviderError as exc:
                if not _already_there(exc) or present is not None:
                    raise
                present = {t.id async for t in self.playlist_tracks(playlist_id)}
                rest = [t for t in batch if t not in present]
                if rest:
                    _true(await self._json("POST", path, {"songs": ",".join(rest)}), "adding")

    async def remove_tracks(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        ids = list(dict.fromkeys(_num(t) for t in track_ids))
        for i in range(0, len(ids), self.add_batch):
            songs = ",".join(ids[i : i + self.add_batch])
            path = f"playlist/{_num(playlist_id)}/tracks"
            body = await self._json("DELETE", path, {"songs": songs})
            _true(body, "removing tracks")


def _already_there(exc: ProviderError) -> bool:
    return "already exists" in (exc.detail or "").lower()

"""The YouTube Data API v3 client (https://developers.google.com/youtube/v3/docs), for
YouTube Music's library: a playlist of YouTube Music is a YouTube playlist, a track a video.

* Quota, not rate, is the limit (`quota.py`): every request is paid for through the budget
  before it is sent; a search draws on search.list's own 100-a-day bucket.
* Lists page with `pageToken`/`nextPageToken`, at most 50 a page. Search results and playlist
  items carry no duration: one `videos.list` (1 unit per 50 ids) fills them in, with the full
  description from which a Topic video's artists and album are read.
* Writes take one video per request (`add_batch = 1`, 50 units each); removing needs the
  playlistItem ids, found by listing the playlist.
* No ISRC look-up: the API has none.
* Errors are Google's `{"error": {"code", "message", "errors": [{"reason", "domain"}]}}`:
  `classify` reads the reason (403 `quotaExceeded` is the day's quota, not a rate limit).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from typing import Any, ClassVar

from tonearm.kit.http import GuardedResponse, parse_retry_after
from tonearm.providers.base import (
    AuthExpired,
    ProviderError,
    ProviderForbidden,
    ProviderNotFound,
    ProviderUnavailable,
    QuotaExhausted,
    RateLimited,
    SearchQuery,
    ServicePlaylist,
    ServiceTrack,
    ServiceUser,
)
from tonearm.providers.http import ServiceHttp, status_line
from tonearm.providers.youtube import mapping
from tonearm.providers.youtube.quota import COST, QuotaBudget, next_reset, utcnow

PAGE = 50  # maxResults: 0-50
MUSIC_CATEGORY = "10"
LIKED = "LL"  # the connected user's liked videos, as a playlist id

_TAGS = re.compile(r"<[^>]+>")
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})


def google_error(resp: GuardedResponse) -> tuple[str | None, str]:
    """(the first reason, the message without its HTML) of a Google error body."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None, status_line(resp)
    errors = err.get("errors")
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    reason = first.get("reason")
    message = err.get("message") or first.get("message") or status_line(resp)
    text = _TAGS.sub("", str(message)).strip()
    return (str(reason) if reason else None), text


def make_classify(
    clock: Callable[[], datetime] = utcnow,
) -> Callable[[GuardedResponse], ProviderError | None]:
    def classify(resp: GuardedResponse) -> ProviderError | None:
        status = resp.status_code
        if 200 <= status < 300:
            return None
        reason, message = google_error(resp)
        extra: dict[str, Any] = {"reason": reason, "upstream_status": status}
        if reason in QUOTA_REASONS:
            return QuotaExhausted(f"YouTube: {message}", resets_at=next_reset(clock()))
        if status == 429 or (status == 403 and reason in RATE_REASONS):
            after = parse_retry_after(resp.headers.get("retry-after"))
            return RateLimited(f"YouTube: {message}", retry_after=after)
        if status == 401:
            return AuthExpired(f"YouTube: {message}")
        if status == 403:
            return ProviderForbidden(f"YouTube: {message}", extra=extra)
        if status == 404:
            return ProviderNotFound(f"YouTube: {message}", extra=extra)
        if status >= 500:
            return ProviderUnavailable(f"YouTube: {message}")
        return ProviderError(f"YouTube: {message}", extra=extra)

    return classify


classify = make_classify()


def search_q(query: SearchQuery) -> str:
    """Artist first, as people title their uploads ("Artist - Title")."""
    return " ".join(p for p in (*query.artists[:1], query.title) if p)


class YoutubeClient:
    search_limit: ClassVar[int] = PAGE
    add_batch: ClassVar[int] = 1
    #: search.list has its own small daily bucket: one search per track (`ServiceCatalog`)
    searches_are_scarce: ClassVar[bool] = True

    def __init__(
        self, http: ServiceHttp, *, budget: QuotaBudget, liked_music_only: bool = True
    ) -> None:
        self.http = http
        self.budget = budget
        # YouTube's likes are every liked video; YouTube Music shows the music among them.
        self.liked_music_only = liked_music_only
        self._me: ServiceUser | None = None

    # --- requests --------------------------------------------------------------------------
    async def _request(
        self,
        api_method: str,
        http_method: str,
        path: str,
        *,
        params: dict[str, Any],
        json: Any = None,
    ) -> Any:
        bucket, units = COST[api_method]
        await self.budget.spend(bucket, units)
        try:
            return await self.http.json(http_method, path, params=params, json=json)
        except QuotaExhausted:
            await self.budget.exhaust(bucket)
            raise

    async def _pages(
        self, api_method: str, path: str, params: dict[str, Any]
    ) -> AsyncIterator[list[dict[str, Any]]]:
        token: str | None = None
        while True:
            page = await self._request(
                api_method,
                "GET",
                path,
                params={**params, "maxResults": PAGE, **({"pageToken": token} if token else {})},
            )
            if not isinstance(page, dict):
                return
            yield [i for i in page.get("items") or [] if isinstance(i, dict)]
            token = page.get("nextPageToken")
            if not token:
                return

    async def _videos(self, ids: Sequence[str]) -> dict[str, tuple[ServiceTrack, str | None]]:
        """videos.list for up to 50 ids at a time: (the track with its duration and full
        snippet, the video's category id)."""
        found: dict[str, tuple[ServiceTrack, str | None]] = {}
        unique = list(dict.fromkeys(ids))
        for i in range(0, len(unique), PAGE):
            chunk = unique[i : i + PAGE]
            body = await self._request(
                "videos.list",
                "GET",
                "videos",
                params={
                    "part": "snippet,contentDetails",
                    "id": ",".join(chunk),  # maxResults goes with myRating, not with id
                },
            )
            for obj in (body or {}).get("items") or []:
                if isinstance(obj, dict) and (t := mapping.video(obj)) is not None:
                    found[t.id] = (t, (obj.get("snippet") or {}).get("categoryId"))
        return found

    async def _complete(
        self, tracks: list[ServiceTrack], *, music_only: bool = False
    ) -> list[ServiceTrack]:
        """The tracks with what videos.list knows (duration; a Topic video's artists, album);
        `music_only`: without the videos outside the Music category."""
        if not tracks:
            return tracks
        details = await self._videos([t.id for t in tracks])
        out = []
        for t in tracks:
            # The video resource is the fuller one (a Topic video's description names every
            # artist and the album); a video gone since it was listed keeps what the list said.
            full, category = details.get(t.id, (t, None))
            if music_only and category not in (None, MUSIC_CATEGORY):
                continue
            out.append(full)
        return out

    # --- reading ---------------------------------------------------------------------------
    async def me(self) -> ServiceUser:
        if self._me is None:
            body = await self._request(
                "channels.list", "GET", "channels", params={"part": "snippet", "mine": "true"}
            )
            items = (body or {}).get("items") or []
            if not items:
                raise ProviderNotFound("This Google account has no YouTube channel")
            self._me = mapping.user(items[0])
        return self._me

    async def search_tracks(self, query: SearchQuery, *, limit: int = 10) -> list[ServiceTrack]:
        params = {
            "part": "snippet",
            "q": search_q(query),
            "type": "video",
            "videoCategoryId": MUSIC_CATEGORY,
            "maxResults": max(1, min(limit, self.search_limit)),
        }
        body = await self._request("search.list", "GET", "search", params=params)
        items = (body or {}).get("items") or []
        found = [t for obj in items if isinstance(obj, dict) and (t := mapping.search_result(obj))]
        try:
            return await self._complete(found)
        except QuotaExhausted:
            # The day's units ran out between the search and its look-up: a search is worth
            # more (100 a day) than the durations, so its results are kept without them.
            return found

    async def playlists(self) -> AsyncIterator[ServicePlaylist]:
        me = (await self.me()).id
        params = {"part": "snippet,contentDetails,status", "mine": "true"}
        async for page in self._pages("playlists.list", "playlists", params):
            for obj in page:
                if obj.get("id"):
                    yield mapping.playlist(obj, me)

    async def playlist(self, playlist_id: str) -> ServicePlaylist:
        me = (await self.me()).id
        body = await self._request(
            "playlists.list",
            "GET",
            "playlists",
            params={"part": "snippet,contentDetails,status", "id": playlist_id},
        )
        items = (body or {}).get("items") or []
        if not items:
            raise ProviderNotFound(
                f"YouTube has no playlist {playlist_id}", extra={"reason": "playlistNotFound"}
            )
        return mapping.playlist(items[0], me)

    async def playlist_tracks(self, playlist_id: str) -> AsyncIterator[ServiceTrack]:
        params = {"part": "snippet,contentDetails", "playlistId": playlist_id}
        async for page in self._pages("playlistItems.list", "playlistItems", params):
            tracks = [t for obj in page if (t := mapping.playlist_item(obj)) is not None]
            for t in await self._complete(tracks):
                yield t

    async def liked_tracks(self) -> AsyncIterator[ServiceTrack]:
        """The "LL" playlist (the connected user's liked videos, as channels.list's
        `relatedPlaylists.likes` names it), then a videos.list a page for the durations and
        categories: videos outside Music (10) are left out unless `liked_music_only` is off.
        Not videos.list?myRating=like, though it needs one request a page less: it returns
        only the 1,000 most recent likes."""
        params = {"part": "snippet,contentDetails", "playlistId": LIKED}
        async for page in self._pages("playlistItems.list", "playlistItems", params):
            tracks = [t for obj in page if (t := mapping.playlist_item(obj)) is not None]
            for t in await self._complete(tracks, music_only=self.liked_music_only):
                yield t

    # --- writing ---------------------------------------------------------------------------
    async def create_playlist(
        self, name: str, *, description: str | None = None, public: bool = False
    ) -> ServicePlaylist:
        snippet: dict[str, Any] = {"title": name}
        if description:
            snippet["description"] = description
        body = {"snippet": snippet, "status": {"privacyStatus": "public" if public else "private"}}
        obj = await self._request(
            "playlists.insert", "POST", "playlists", params={"part": "snippet,status"}, json=body
        )
        made = mapping.playlist(obj, (await self.me()).id)
        if made.track_count is None:  # part=snippet,status has no contentDetails: it is empty
            made = dataclasses.replace(made, track_count=0)
        return made

    async def add_tracks(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        """One request (50 units) per video, in order. A video YouTube cannot find is skipped
        and the rest added; then `ProviderNotFound` lists the skipped (`extra["missing"]`).
        A spent quota stops at once: `QuotaExhausted.extra` says how many went in (`added`)
        and where to resume (`next`, an index into `track_ids`)."""
        missing: list[str] = []
        for added, video_id in enumerate(track_ids):
            body = {
                "snippet": {
                    "playlistId": playlist_id,
                    "resourceId": {"kind": "youtube#video", "videoId": video_id},
                }
            }
            try:
                await self._request(
                    "playlistItems.insert",
                    "POST",
                    "playlistItems",
                    params={"part": "snippet"},
                    json=body,
                )
            except QuotaExhausted as exc:
                exc.extra["added"] = added - len(missing)
                exc.extra["next"] = added  # where to resume: track_ids[added:]
                exc.extra["missing"] = missing
                raise
            except ProviderNotFound as exc:
                if exc.extra.get("reason") != "videoNotFound":
                    raise
                missing.append(video_id)
        if missing:
            raise ProviderNotFound(
                f"YouTube could not find {len(missing)} of the videos to add",
                extra={"reason": "videoNotFound", "missing": missing},
            )

    async def remove_tracks(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        """Every entry of these videos: the playlist is listed (1 unit a page) for the
        playlistItem ids, then each is deleted (50 units)."""
        wanted = set(track_ids)
        if not wanted:
            return
        entries: list[str] = []
        params = {"part": "contentDetails", "playlistId": playlist_id}
        async for page in self._pages("playlistItems.list", "playlistItems", params):
            for obj in page:
                if (obj.get("contentDetails") or {}).get("videoId") in wanted and obj.get("id"):
                    entries.append(str(obj["id"]))
        for entry in entries:
            await self._request(
                "playlistItems.delete", "DELETE", "playlistItems", params={"id": entry}
            )

"""The Spotify Web API client (https://developer.spotify.com/documentation/web-api).

Paging follows `next` links; search takes field filters (`isrc:`, `track:`, `artist:`,
`album:`) with at most 10 results per request in development mode (2026); adding items takes
at most 100 URIs per request; the 429 of the rolling 30-second window is waited out together
(`providers.http.Pace`). Errors come back as `{"error": {"status", "message"}}`; a quota 429
(`reason: QUOTA_EXCEEDED`) is a rate limit too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any, ClassVar

from tonearm.providers.base import SearchQuery, ServicePlaylist, ServiceTrack, ServiceUser
from tonearm.providers.http import ServiceHttp
from tonearm.providers.spotify import mapping

PAGE = 50  # /me/playlists, /playlists/{id}/items, /me/tracks: max 50
WINDOW = 8  # pages asked side by side once the first gave the total


def _items(page: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in page.get("items") or [] if isinstance(i, dict)]


def _quoted(value: str) -> str:
    return '"' + value.replace('"', " ").strip() + '"'


def search_q(query: SearchQuery) -> str:
    """Field filters; an empty title (a search by artist alone) sends no `track:` filter."""
    parts = [f"track:{_quoted(query.title)}"] if query.title.strip() else []
    if query.artists:
        parts.append(f"artist:{_quoted(query.artists[0])}")
    if query.album:
        parts.append(f"album:{_quoted(query.album)}")
    return " ".join(parts)


class SpotifyClient:
    search_limit: ClassVar[int] = 10
    add_batch: ClassVar[int] = 100

    def __init__(self, http: ServiceHttp, *, market: str | None = None) -> None:
        self.http = http
        self.market = market  # "from_token" for a user: playable in their country
        self._me: ServiceUser | None = None

    async def _pages(self, path: str, params: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        """Every item, in order. The first page gives the total; Spotify's offset paging then
        lets the rest be fetched a window at a time, side by side (within the pace), rather
        than one `next` link after another. A list that changed meanwhile (a total or a page
        that does not fit) falls back to following `next`."""
        page = await self.http.json("GET", path, params=params)
        if not isinstance(page, dict):
            return
        for item in _items(page):
            yield item
        total, limit = page.get("total"), page.get("limit") or params.get("limit")
        nxt = page.get("next")
        if not nxt:
            return
        if not (isinstance(total, int) and isinstance(limit, int) and limit > 0):
            async for item in self._follow(nxt):
                yield item
            return
        offsets = list(range(int(page.get("offset") or 0) + limit, total, limit))
        for start in range(0, len(offsets), WINDOW):
            window = offsets[start : start + WINDOW]
            pages = await asyncio.gather(
                *(
                    self.http.json("GET", path, params={**params, "offset": o, "limit": limit})
                    for o in window
                )
            )
            for got in pages:
                if not isinstance(got, dict) or got.get("total") != total:
                    # The list changed while it was read: read it again the slow way.
                    async for item in self._follow(path, {**params, "offset": window[0]}):
                        yield item
                    return
                for item in _items(got):
                    yield item

    async def _follow(
        self, url: str, params: dict[str, Any] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        nxt: str | None = url
        while nxt:
            page = await self.http.json("GET", nxt, params=params)
            params = None
            if not isinstance(page, dict):
                return
            for item in _items(page):
                yield item
            nxt = page.get("next")

    def _market(self) -> dict[str, str]:
        return {"market": self.market} if self.market else {}

    async def me(self) -> ServiceUser:
        if self._me is None:
            self._me = mapping.user(await self.http.json("GET", "me"))
        return self._me

    async def search_tracks(self, query: SearchQuery, *, limit: int = 10) -> list[ServiceTrack]:
        return await self._search(search_q(query), limit)

    async def tracks_by_isrc(self, isrc: str) -> list[ServiceTrack]:
        return await self._search(f"isrc:{isrc}", self.search_limit)

    async def _search(self, q: str, limit: int) -> list[ServiceTrack]:
        params = {"q": q, "type": "track", "limit": min(limit, self.search_limit), **self._market()}
        body = await self.http.json("GET", "search", params=params)
        items = ((body or {}).get("tracks") or {}).get("items") or []
        return [t for obj in items if (t := mapping.track(obj)) is not None]

    async def playlists(self) -> AsyncIterator[ServicePlaylist]:
        me = (await self.me()).id
        async for obj in self._pages("me/playlists", {"limit": PAGE}):
            if obj.get("id"):
                yield mapping.playlist(obj, me)

    async def playlist(self, playlist_id: str) -> ServicePlaylist:
        me = (await self.me()).id
        fields = (
            "id,name,description,snapshot_id,owner,collaborative,public,external_urls,images,"
            "items(total),tracks(total)"
        )
        obj = await self.http.json("GET", f"playlists/{playlist_id}", params={"fields": fields})
        return mapping.playlist(obj, me)

    async def playlist_tracks(self, playlist_id: str) -> AsyncIterator[ServiceTrack]:
        # Episodes asked for by name come as episode objects (left out by the mapping);
        # otherwise Spotify shapes them as tracks.
        params = {"limit": PAGE, "additional_types": "track,episode", **self._market()}
        async for obj in self._pages(f"playlists/{playlist_id}/items", params):
            if (t := mapping.playlist_item(obj)) is not None:
                yield t

    async def liked_tracks(self) -> AsyncIterator[ServiceTrack]:
        async for obj in self._pages("me/tracks", {"limit": PAGE, **self._market()}):
            if (t := mapping.playlist_item(obj)) is not None:
                yield t

    async def create_playlist(
        self, name: str, *, description: str | None = None, public: bool = False
    ) -> ServicePlaylist:
        body: dict[str, Any] = {"name": name, "public": public}
        if description:
            body["description"] = description
        obj = await self.http.json("POST", "me/playlists", json=body)
        return mapping.playlist(obj, (await self.me()).id)

    async def add_tracks(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        for i in range(0, len(track_ids), self.add_batch):
            uris = [f"spotify:track:{t}" for t in track_ids[i : i + self.add_batch]]
            await self.http.call("POST", f"playlists/{playlist_id}/items", json={"uris": uris})

    async def remove_tracks(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        for i in range(0, len(track_ids), self.add_batch):
            items = [{"uri": f"spotify:track:{t}"} for t in track_ids[i : i + self.add_batch]]
            await self.http.call("DELETE", f"playlists/{playlist_id}/items", json={"items": items})

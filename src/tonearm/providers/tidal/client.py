"""The TIDAL API v2 client (JSON:API; https://developer.tidal.com, OpenAPI 1.10.104).

* Every request and body is `application/vnd.api+json`. Related resources come only when
  named in `include=`: a playlist's items are fetched with `include=items.artists,items.albums`
  (a nested path embeds the items themselves), so titles, ISRCs, durations (ISO 8601),
  artists and albums arrive in `included` of the same page.
* Paging is by cursor only: `links.next` (relative to the base URL, or absolute) is followed
  exactly as given until it is absent.
* `countryCode` (optional since 1.10; the user's country by default) is sent for catalog
  reads: the client's `country`, else the user's (`GET /users/me`), else the settings'.
* Writes carry an `Idempotency-Key`, so a POST whose answer was lost is repeated safely (the
  service replays the first answer; a duplicate still in flight is 409, retried here).
* Adding items takes at most 50 per request; ids TIDAL does not know are *skipped* (listed in
  `meta.skipped`, HTTP 200). The client adds every batch, then raises `TracksSkipped` naming
  the skipped ids (the others were added; repeating the whole call would duplicate them).
* Removing items needs each entry's `meta.itemId`: the playlist is read first, and every
  entry of each given track is removed.
* Errors are JSON:API `errors[]` (`status` a string, `detail`, `code`). The 429 carries no
  documented `Retry-After`; the token-bucket headers (`x-ratelimit-remaining`,
  `-requested-tokens`, `-replenish-rate`) give the wait when it is absent (`classify`).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, ClassVar

from tonearm.kit.http import GuardedResponse
from tonearm.providers.base import (
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    SearchQuery,
    ServicePlaylist,
    ServiceTrack,
    ServiceUser,
)
from tonearm.providers.http import ServiceHttp, default_classify
from tonearm.providers.tidal import mapping

JSONAPI = "application/vnd.api+json"
TRACK_INCLUDE = "artists,albums"
ITEMS_INCLUDE = "items.artists,items.albums"
SEARCH_INCLUDE = "tracks.artists,tracks.albums"
QUERY_MAX = 256  # filter[query] maxLength
ID_BATCH = 20  # filter[id] values per look-up of tracks a page did not include


class TracksSkipped(ProviderError):
    """TIDAL added the other tracks but skipped these (`meta.skipped`: ids it does not know
    or cannot add in the user's country). Do not repeat the whole add."""

    status, code, title = 422, "provider_tracks_skipped", "The service skipped some tracks"

    def __init__(self, skipped: Sequence[tuple[str, str]], *, added: int) -> None:
        ids = ", ".join(f"{i} ({why})" for i, why in skipped)
        super().__init__(
            f"TIDAL skipped {len(skipped)} track(s): {ids}",
            extra={"skipped": [{"id": i, "reason": why} for i, why in skipped], "added": added},
        )
        self.skipped = list(skipped)
        self.added = added


def _number(headers: Mapping[str, str], name: str) -> float | None:
    try:
        return float(headers[name])
    except (KeyError, ValueError):
        return None


def bucket_wait(headers: Mapping[str, str]) -> float | None:
    """Seconds until the token bucket holds the tokens the refused request needed."""
    rate = _number(headers, "x-ratelimit-replenish-rate")
    if not rate or rate <= 0:
        return None
    requested = _number(headers, "x-ratelimit-requested-tokens") or 1.0
    remaining = _number(headers, "x-ratelimit-remaining") or 0.0
    return max(requested - remaining, 1.0) / rate


def _error_code(resp: GuardedResponse) -> str | None:
    try:
        body = resp.json()
    except ValueError:
        return None
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        code = errors[0].get("code")
        return str(code) if code else None
    return None


def classify(resp: GuardedResponse) -> ProviderError | None:
    """The default reading, plus: a 429 without Retry-After waits for the token bucket; a
    409 (the same Idempotency-Key still in flight) is retried like a 5xx; the JSON:API
    error `code` is kept in `extra`."""
    problem = default_classify(resp)
    if problem is None:
        return None
    if isinstance(problem, RateLimited):
        if problem.retry_after is None:
            wait = bucket_wait(resp.headers)
            if wait is not None:
                return RateLimited(problem.detail, retry_after=wait)
        return problem
    if resp.status_code == 409:
        return ProviderUnavailable(problem.detail, extra={"upstream_status": 409})
    code = _error_code(resp)
    if code:
        problem.extra.setdefault("upstream_code", code)
    return problem


class TidalClient:
    search_limit: ClassVar[int] = 20  # one page of a search's tracks relationship
    add_batch: ClassVar[int] = 50  # maxItems of the add (and remove) payload
    isrc_batch: ClassVar[int] = 20  # ISRCs per look-up (`filter[isrc]` repeated)

    def __init__(
        self,
        http: ServiceHttp,
        *,
        country: str | None = None,
        default_country: str | None = None,
        user: bool = True,
    ) -> None:
        self.http = http
        self.country = country
        self.default_country = default_country
        self.user = user  # a user's token (False: an app-only catalog token)
        self._me: ServiceUser | None = None

    # --- plumbing --------------------------------------------------------------------------
    async def _get(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        doc = await self.http.json("GET", path, params=params, headers={"Accept": JSONAPI})
        if not isinstance(doc, dict):
            raise ProviderError("TIDAL answered something that is not a JSON:API document")
        return doc

    async def _write(self, method: str, path: str, body: Any) -> Any:
        headers = {
            "Accept": JSONAPI,
            "Content-Type": JSONAPI,
            "Idempotency-Key": str(uuid.uuid4()),
        }
        return await self.http.json(
            method, path, json=body, headers=headers, retry_non_idempotent=True
        )

    async def _documents(
        self, path: str, params: Mapping[str, Any]
    ) -> AsyncIterator[dict[str, Any]]:
        """Every page: the first with `params`, then `links.next` as given."""
        url: str | None = path
        first = True
        seen: set[str] = set()
        while url:
            doc = await self._get(url, params if first else None)
            first = False
            yield doc
            links = doc.get("links")
            nxt = links.get("next") if isinstance(links, dict) else None
            url = nxt if isinstance(nxt, str) and nxt and nxt not in seen else None
            if url:
                seen.add(url)

    async def _country(self) -> dict[str, str]:
        if self.country is None and self.user:
            self.country = (await self.me()).country
        country = self.country or self.default_country
        return {"countryCode": country} if country else {}

    # --- reading ---------------------------------------------------------------------------
    async def me(self) -> ServiceUser:
        if self._me is None:
            try:
                self._me = mapping.user(await self._get("users/me"))
            except ValueError as exc:
                raise ProviderError("TIDAL's users/me is not a user document") from exc
        return self._me

    async def search_tracks(self, query: SearchQuery, *, limit: int = 10) -> list[ServiceTrack]:
        text = query.text[:QUERY_MAX]
        if not text.strip():
            return []
        params = {"filter[query]": text, "include": SEARCH_INCLUDE, **await self._country()}
        doc = await self._get("searchResults", params)
        data = doc.get("data")
        results = data if isinstance(data, list) else [data]
        index = mapping.included(doc)
        out: list[ServiceTrack] = []
        for res in results:
            if not isinstance(res, dict):
                continue
            rel = (res.get("relationships") or {}).get("tracks")
            for ident in mapping.identifiers(rel):
                t = mapping.track(index.get(("tracks", str(ident["id"]))), index)
                if t is not None:
                    out.append(t)
        return out[: min(limit, self.search_limit)]

    async def tracks_by_isrc(self, isrc: str) -> list[ServiceTrack]:
        params = {
            "filter[isrc]": isrc.strip().upper(),
            "include": TRACK_INCLUDE,
            **await self._country(),
        }
        out: list[ServiceTrack] = []
        async for doc in self._documents("tracks", params):
            out.extend(mapping.primary_tracks(doc))
        return out

    async def tracks_by_isrcs(self, isrcs: Sequence[str]) -> list[ServiceTrack]:
        """Several ISRCs in one request (`filter[isrc]` repeated, at most `isrc_batch`): a
        migration's look-ups cost a twentieth of the requests. Each track carries its ISRC,
        so the caller sorts them back to the question."""
        if len(isrcs) == 1:
            return await self.tracks_by_isrc(isrcs[0])
        params = {
            "filter[isrc]": [i.strip().upper() for i in isrcs[: self.isrc_batch]],
            "include": TRACK_INCLUDE,
            **await self._country(),
        }
        out: list[ServiceTrack] = []
        async for doc in self._documents("tracks", params):
            out.extend(mapping.primary_tracks(doc))
        return out

    async def playlists(self) -> AsyncIterator[ServicePlaylist]:
        """The user's own playlists (`filter[owners.id]=me`), then the ones in their
        collection (followed) that are not their own."""
        me = (await self.me()).id
        seen: set[str] = set()
        own = {"filter[owners.id]": "me", "include": "owners"}
        async for doc in self._documents("playlists", own):
            index = mapping.included(doc)
            for res in mapping.identifiers(doc):
                if res.get("type") == "playlists" and str(res["id"]) not in seen:
                    seen.add(str(res["id"]))
                    yield mapping.playlist(res, index, me)
        followed = {"include": "items.owners", "collectionView": "FLAT"}
        async for doc in self._documents(
            "userCollectionPlaylists/me/relationships/items", followed
        ):
            index = mapping.included(doc)
            for ident in mapping.identifiers(doc):
                found = index.get(("playlists", str(ident["id"])))
                if ident.get("type") == "playlists" and found and str(found["id"]) not in seen:
                    seen.add(str(found["id"]))
                    yield mapping.playlist(found, index, me)

    async def playlist(self, playlist_id: str) -> ServicePlaylist:
        me = (await self.me()).id if self.user else None
        doc = await self._get(f"playlists/{playlist_id}", {"include": "owners"})
        res = doc.get("data")
        if not isinstance(res, dict) or res.get("id") is None:
            raise ProviderError("TIDAL's playlist answer has no playlist")
        return mapping.playlist(res, mapping.included(doc), me)

    async def _items(self, doc: dict[str, Any]) -> list[ServiceTrack]:
        """A relationship page's tracks. Should a page lack some tracks in `included` (a
        `next` link that dropped the `include`), they are looked up by id rather than lost;
        what TIDAL still does not return (unavailable in the country) is left out."""
        index = mapping.included(doc)
        missing = mapping.missing_tracks(doc, index)
        for i in range(0, len(missing), ID_BATCH):
            params = {
                "filter[id]": missing[i : i + ID_BATCH],
                "include": TRACK_INCLUDE,
                **await self._country(),
            }
            found = await self._get("tracks", params)
            index.update(mapping.included(found))
            for res in mapping.identifiers(found):
                index[(str(res.get("type")), str(res["id"]))] = res
        return mapping.related_tracks(doc, index)

    async def playlist_tracks(self, playlist_id: str) -> AsyncIterator[ServiceTrack]:
        params = {"include": ITEMS_INCLUDE, **await self._country()}
        async for doc in self._documents(f"playlists/{playlist_id}/relationships/items", params):
            for t in await self._items(doc):
                yield t

    async def liked_tracks(self) -> AsyncIterator[ServiceTrack]:
        """The user's collection of tracks ("My Collection", TIDAL's favourites). The
        endpoint takes no `countryCode` (the spec lists none; unknown parameters may be 400)."""
        path = "userCollectionTracks/me/relationships/items"
        async for doc in self._documents(path, {"include": ITEMS_INCLUDE}):
            for t in await self._items(doc):
                yield t

    # --- writing ---------------------------------------------------------------------------
    async def create_playlist(
        self, name: str, *, description: str | None = None, public: bool = False
    ) -> ServicePlaylist:
        attrs: dict[str, Any] = {"name": name, "accessType": "PUBLIC" if public else "UNLISTED"}
        if description:
            attrs["description"] = description
        doc = await self._write(
            "POST", "playlists", {"data": {"type": "playlists", "attributes": attrs}}
        )
        res = doc.get("data") if isinstance(doc, dict) else None
        if not isinstance(res, dict) or res.get("id") is None:
            raise ProviderError("TIDAL's create-playlist answer has no playlist")
        me = (await self.me()).id
        made = mapping.playlist(res, mapping.included(doc), me)
        return dataclasses.replace(made, owner_id=made.owner_id or me, editable=True)

    async def add_tracks(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        """Append in batches of 50. Raises `TracksSkipped` after the last batch when TIDAL
        skipped any (the rest were added)."""
        skipped: list[tuple[str, str]] = []
        path = f"playlists/{playlist_id}/relationships/items"
        for i in range(0, len(track_ids), self.add_batch):
            batch = track_ids[i : i + self.add_batch]
            body = {"data": [{"id": str(t), "type": "tracks"} for t in batch]}
            doc = await self._write("POST", path, body)
            meta = doc.get("meta") if isinstance(doc, dict) else None
            for item in (meta or {}).get("skipped") or []:
                if isinstance(item, dict) and item.get("id") is not None:
                    skipped.append((str(item["id"]), str(item.get("reason") or "SKIPPED")))
        if skipped:
            raise TracksSkipped(skipped, added=len(track_ids) - len(skipped))

    async def remove_tracks(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        """Remove every entry of each track (the playlist is read for the entries' ids)."""
        wanted = {str(t) for t in track_ids}
        if not wanted:
            return
        path = f"playlists/{playlist_id}/relationships/items"
        entries: list[dict[str, Any]] = []
        async for doc in self._documents(path, {}):
            for ident in mapping.identifiers(doc):
                item_id = (ident.get("meta") or {}).get("itemId")
                if str(ident["id"]) in wanted and item_id:
                    entries.append(
                        {
                            "id": str(ident["id"]),
                            "type": ident.get("type") or "tracks",
                            "meta": {"itemId": str(item_id)},
                        }
                    )
        for i in range(0, len(entries), self.add_batch):
            await self._write("DELETE", path, {"data": entries[i : i + self.add_batch]})

"""MusicBrainz WS/2 (`/ws/2`), as https://musicbrainz.org/doc/MusicBrainz_API and its rate
limiting page document it (docs/research/streaming-apis.md section 5).

* A User-Agent `App/1.2 ( contact )` is required: without one (or with a generic library's)
  403 with the "has not identified itself" body.
* More than one request per `min_interval` seconds (1.0: one per second): 503 "Your requests
  are exceeding the allowable rate limit". `throttle_every` N: every Nth request gets the
  global-zone 503 ("server is currently busy") with `retry-after: throttle_retry_after`.
* `GET /ws/2/isrc/{isrc}?inc=...`: the catalog's tracks with that ISRC (404 when none, 400
  for a malformed ISRC). `GET /ws/2/recording/{mbid}?inc=isrcs+artist-credits+releases`.
  `GET /ws/2/recording?query=<lucene>&limit=&offset=`: fields `recording`, `artist`,
  `release`, and free text; results carry `score` and no `isrcs`.
* Each catalog track is a recording whose MBID is a UUID derived from its key
  (`mbid_for`); `extra_isrcs` gives a recording more ISRCs than the catalog's one.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.fakes.catalog import FakeCatalog, FakeTrack

NS = uuid.UUID("6f1e0a4c-6b5e-4bb1-9d43-3c1e7f3f0b11")
HELP = "For usage, please see: https://musicbrainz.org/development/mmd"
NO_UA = (
    "Your requests are being throttled by MusicBrainz because the application you are using "
    "has not identified itself. Please update your application, and see "
    "http://musicbrainz.org/doc/XML_Web_Service/Rate_Limiting for more information."
)
RATE = (
    "Your requests are exceeding the allowable rate limit. Please see "
    "http://wiki.musicbrainz.org/XMLWebService for more information."
)
BUSY = "The MusicBrainz web server is currently busy. Please try again later."
_UA = re.compile(r"^\S+/\S+ \( \S.* \)$")
_ISRC = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")
_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TERM = re.compile(r'(?:(\w+):)?(?:"((?:[^"\\]|\\.)*)"|((?:[^\s"\\]|\\.)+))')


def mbid_for(kind: str, key: str) -> str:
    return str(uuid.uuid5(NS, f"{kind}:{key}"))


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def parse_query(query: str) -> dict[str, list[str]]:
    """`field:"phrase"` / `field:word` / free words (under ""); AND/OR are dropped."""
    out: dict[str, list[str]] = {}
    for m in _TERM.finditer(query):
        field, phrase, word = m.group(1), m.group(2), m.group(3)
        value = _unescape(phrase if phrase is not None else word or "")
        if field is None and value in ("AND", "OR", "NOT", "&&", "||"):
            continue
        out.setdefault((field or "").lower(), []).append(value)
    return out


class FakeMusicBrainz:
    def __init__(self, catalog: FakeCatalog | None = None) -> None:
        self.catalog = catalog or FakeCatalog()
        self.latency = 0.0
        self.throttle_every = 0
        self.throttle_retry_after = "1"
        self.min_interval = 1.0
        self.clock: Callable[[], float] = time.monotonic
        self.extra_isrcs: dict[str, list[str]] = {}  # catalog key -> more ISRCs
        self.counts: Counter[str] = Counter()  # endpoint -> requests (throttled ones too)
        self.rejected: Counter[str] = Counter()  # "user_agent", "rate", "throttle"
        self.user_agents: list[str] = []
        self._api_requests = 0
        self._last: float | None = None
        self._by_mbid: dict[str, FakeTrack] = {}

    def mbid(self, track: FakeTrack) -> str:
        return mbid_for("recording", track.key)

    def _index(self) -> dict[str, FakeTrack]:
        if len(self._by_mbid) != len(self.catalog.tracks):
            self._by_mbid = {self.mbid(t): t for t in self.catalog.tracks}
        return self._by_mbid

    # --- answers -----------------------------------------------------------------------------
    @staticmethod
    def _error(status: int, message: str, **headers: str) -> httpx.Response:
        return httpx.Response(status, json={"error": message, "help": HELP}, headers=headers)

    def _recording(self, t: FakeTrack, inc: set[str], *, isrcs: bool = False) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "id": self.mbid(t),
            "title": t.title,
            "length": int(t.duration * 1000) if t.duration else None,
            "video": False,
            "disambiguation": "",
            "first-release-date": "2001-01-01",
        }
        if "artist-credits" in inc or "artists" in inc or not inc:
            obj["artist-credit"] = [
                {
                    "name": name,
                    "joinphrase": " & " if i < len(t.artists) - 1 else "",
                    "artist": {
                        "id": mbid_for("artist", name),
                        "name": name,
                        "sort-name": name,
                        "disambiguation": "",
                    },
                }
                for i, name in enumerate(t.artists)
            ]
        if "releases" in inc and t.album:
            obj["releases"] = [
                {
                    "id": mbid_for("release", t.album),
                    "title": t.album,
                    "status": "Official",
                    "date": "2001-01-01",
                    "country": "XW",
                    "release-group": {"id": mbid_for("release-group", t.album)},
                }
            ]
        if isrcs and "isrcs" in inc:
            obj["isrcs"] = ([t.isrc] if t.isrc else []) + self.extra_isrcs.get(t.key, [])
        return obj

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.latency:
            await asyncio.sleep(self.latency)
        path = request.url.path.removeprefix("/ws/2").rstrip("/")
        endpoint = path.split("/")[1] if path.count("/") >= 1 else path
        if endpoint == "recording" and path != "/recording":
            endpoint = "recording-lookup"
        elif endpoint == "recording":
            endpoint = "recording-search"
        self.counts[endpoint] += 1
        ua = request.headers.get("user-agent", "")
        self.user_agents.append(ua)
        if not _UA.match(ua):
            self.rejected["user_agent"] += 1
            return httpx.Response(403, json={"error": NO_UA})
        now = self.clock()
        too_soon = self._last is not None and now - self._last < self.min_interval
        self._last = now
        if too_soon:
            self.rejected["rate"] += 1
            return httpx.Response(503, json={"error": RATE})
        self._api_requests += 1
        if self.throttle_every and self._api_requests % self.throttle_every == 0:
            self.rejected["throttle"] += 1
            return httpx.Response(
                503,
                json={"error": BUSY},
                headers={"retry-after": self.throttle_retry_after, "x-ratelimit-zone": "global"},
            )
        if request.method != "GET":
            return self._error(405, "Method not allowed")
        params = request.url.params
        inc = set(re.split(r"[ +]", params.get("inc", ""))) - {""}
        parts = path.split("/")
        if len(parts) == 3 and parts[1] == "isrc":
            return self._isrc(parts[2], inc)
        if len(parts) == 3 and parts[1] == "recording":
            return self._lookup(parts[2], inc)
        if path == "/recording":
            return self._search(params)
        return self._error(404, "Not Found")

    def _isrc(self, isrc: str, inc: set[str]) -> httpx.Response:
        if not _ISRC.match(isrc):
            return self._error(400, "Invalid isrc.")
        found = self.catalog.by_isrc(isrc)
        found += [t for t in self.catalog.tracks if isrc in self.extra_isrcs.get(t.key, [])]
        if not found:
            return self._error(404, "Not Found")
        body = {"isrc": isrc, "recordings": [self._recording(t, inc) for t in found]}
        return httpx.Response(200, json=body)

    def _lookup(self, mbid: str, inc: set[str]) -> httpx.Response:
        if not _MBID.match(mbid):
            return self._error(400, "Invalid mbid.")
        track = self._index().get(mbid)
        if track is None:
            return self._error(404, "Not Found")
        return httpx.Response(200, json=self._recording(track, inc, isrcs=True))

    def _search(self, params: httpx.QueryParams) -> httpx.Response:
        query = params.get("query", "")
        terms = parse_query(query)
        if not query.strip() or not terms:
            return self._error(
                400,
                "The given parameters do not match any available query type for the "
                "recording resource.",
            )
        try:
            limit = max(1, min(100, int(params.get("limit", "25"))))
            offset = max(0, int(params.get("offset", "0")))
        except ValueError:
            return self._error(400, "Invalid limit or offset.")
        page, total = self.catalog.search(
            " ".join(terms.get("", [])),
            title=" ".join(terms.get("recording", [])) or None,
            artist=" ".join(terms.get("artist", []) + terms.get("artistname", [])) or None,
            album=" ".join(terms.get("release", [])) or None,
            limit=limit,
            offset=offset,
        )
        recordings = []
        for i, t in enumerate(page):
            obj = self._recording(t, {"artist-credits", "releases"})
            obj["score"] = max(1, 100 - offset - i)
            recordings.append(obj)
        created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        body = {"created": created, "count": total, "offset": offset, "recordings": recordings}
        return httpx.Response(200, json=body)

"""Last.fm's web authentication and API 2.0, as https://www.last.fm/api documents them
(docs/research/streaming-apis.md section 7).

* `GET /api/auth?api_key=..&cb=..`: an HTML page whose "Yes, allow access" link goes to
  `cb?token=..` (`&token=` when cb has a query). The token is authorized for `user` unless
  `auto_approve` is off; it is good for 60 minutes, once.
* `/2.0/` (GET query or POST form): `auth.getSession`, `track.scrobble`,
  `track.updateNowPlaying`, `user.getInfo`. `api_key` must be the app's (error 10), signed
  calls need the right `api_sig` (13), session calls a live `sk` (9). Errors are
  `{"error": <int>, "message"}` with the HTTP statuses observed (403 for auth, 400 for bad
  parameters, 503 for 11/16, 429 for 29).
* `track.scrobble`: up to 50 in array notation; a timestamp older than 14 days (by `clock`)
  is ignored with code "3", more than a day ahead "4", an artist in `ignore_artists` "1",
  over `daily_limit` "5"; accepted ones are kept in `scrobbles[user]`.
* Knobs: `latency`, `throttle_every` (every Nth API call answers error 29; Last.fm sends no
  Retry-After, so `throttle_retry_after` is unused), `fail_next` (error codes for the next
  API calls), `counts` per method.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx

from tests.fakes.catalog import FakeCatalog

MESSAGES = {
    3: "Invalid Method - No method with that name in this package",
    4: "Authentication Failed - You do not have permissions to access the service",
    6: "Invalid parameters - Your request is missing a required parameter",
    8: "Operation failed - Most likely the backend service failed. Please try again.",
    9: "Invalid session key - Please re-authenticate",
    10: "Invalid API key - You must be granted a valid key by last.fm",
    11: "Service Offline - This service is temporarily offline. Try again later.",
    13: "Invalid method signature supplied",
    14: "Unauthorized Token - This token has not been authorized",
    15: "This token has expired",
    16: "There was a temporary error processing your request. Please try again",
    26: "Suspended API key - Access for your account has been suspended, please contact Last.fm",
    29: "Rate limit exceeded - Your IP has made too many requests in a short period",
}
STATUS = {
    4: 403,
    9: 403,
    10: 403,
    13: 403,
    14: 403,
    15: 403,
    26: 403,
    29: 429,
    8: 500,
    11: 503,
    16: 503,
}
SESSION_METHODS = {"track.scrobble", "track.updateNowPlaying"}
_INDEXED = re.compile(r"^(\w+)\[(\d+)\]$")
DAY = 86400


def sign(params: dict[str, str], secret: str) -> str:
    text = "".join(
        f"{k}{params[k]}" for k in sorted(params) if k not in ("format", "callback", "api_sig")
    )
    return hashlib.md5((text + secret).encode("utf-8"), usedforsecurity=False).hexdigest()


class FakeLastfm:
    def __init__(
        self,
        catalog: FakeCatalog | None = None,
        *,
        api_key: str = "lfm-key",
        secret: str = "lfm-secret",
        user: str = "tester",
    ) -> None:
        self.catalog = catalog or FakeCatalog()  # not served: Last.fm takes scrobbles here
        self.api_key = api_key
        self.secret = secret
        self.user = user
        self.latency = 0.0
        self.throttle_every = 0
        self.throttle_retry_after = "1"  # unused: Last.fm's error 29 has no Retry-After
        self.fail_next: list[int] = []
        self.auto_approve = True
        self.daily_limit: int | None = None
        self.ignore_artists: set[str] = set()
        self.clock: Callable[[], float] = time.time
        self.counts: Counter[str] = Counter()
        self.tokens: dict[str, dict[str, Any]] = {}  # token -> user, authorized, used, issued
        self.sessions: dict[str, str] = {}  # sk -> user
        self.revoked: set[str] = set()
        self.scrobbles: dict[str, list[dict[str, str]]] = {}
        self.now_playing: dict[str, dict[str, str]] = {}
        self._api_calls = 0

    def session_for(self, user: str | None = None) -> str:
        sk = secrets.token_hex(16)
        self.sessions[sk] = user or self.user
        return sk

    def revoke(self, sk: str) -> None:
        self.revoked.add(sk)

    # --- answers -----------------------------------------------------------------------------
    def _error(self, code: int) -> httpx.Response:
        status = STATUS.get(code, 400)
        return httpx.Response(status, json={"error": code, "message": MESSAGES.get(code, "")})

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.latency:
            await asyncio.sleep(self.latency)
        path = request.url.path
        if path.rstrip("/") == "/api/auth":
            self.counts["auth page"] += 1
            return self._auth_page(request)
        if path.rstrip("/") not in ("", "/2.0"):
            return httpx.Response(404, text="Not found")
        if request.method == "POST":
            params = dict(parse_qsl(request.content.decode("utf-8"), keep_blank_values=True))
        else:
            params = dict(request.url.params)
        method = params.get("method", "")
        self.counts[method] += 1
        self._api_calls += 1
        if self.throttle_every and self._api_calls % self.throttle_every == 0:
            return self._error(29)
        if self.fail_next:
            return self._error(self.fail_next.pop(0))
        if params.get("api_key") != self.api_key:
            return self._error(10)
        handler = {
            "auth.getSession": self._get_session,
            "track.scrobble": self._scrobble,
            "track.updateNowPlaying": self._update_now_playing,
            "user.getInfo": self._user_info,
        }.get(method)
        if handler is None:
            return self._error(3)
        signed = method == "auth.getSession" or method in SESSION_METHODS or "sk" in params
        if signed and params.get("api_sig") != sign(params, self.secret):
            return self._error(13)
        user = None
        if method in SESSION_METHODS or "sk" in params:
            sk = params.get("sk", "")
            user = self.sessions.get(sk)
            if user is None or sk in self.revoked:
                return self._error(9)
        return handler(params, user)

    def _auth_page(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        if params.get("api_key") != self.api_key:
            return httpx.Response(
                400,
                text="<html><body><h1>Invalid API key</h1></body></html>",
                headers={"content-type": "text/html; charset=utf-8"},
            )
        token = secrets.token_hex(16)
        self.tokens[token] = {
            "user": self.user,
            "authorized": self.auto_approve,
            "used": False,
            "issued": self.clock(),
        }
        cb = params.get("cb", "")
        link = f"{cb}{'&' if '?' in cb else '?'}token={token}"
        page = (
            "<!DOCTYPE html><html><head><title>Connect application | Last.fm</title></head>"
            "<body><h1>Connect Tonearm to your Last.fm account</h1>"
            f"<p>Signed in as {html.escape(self.user)}</p>"
            f'<a class="btn-primary" href="{html.escape(link)}">Yes, allow access</a> '
            '<a href="https://www.last.fm/">No, thanks</a></body></html>'
        )
        return httpx.Response(200, text=page, headers={"content-type": "text/html; charset=utf-8"})

    def _get_session(self, params: dict[str, str], user: str | None) -> httpx.Response:
        entry = self.tokens.get(params.get("token", ""))
        if entry is None or entry["used"]:
            return self._error(4)
        if self.clock() - entry["issued"] > 3600:
            return self._error(15)
        if not entry["authorized"]:
            return self._error(14)
        entry["used"] = True
        sk = self.session_for(entry["user"])
        return httpx.Response(
            200, json={"session": {"name": entry["user"], "key": sk, "subscriber": 0}}
        )

    def _user_info(self, params: dict[str, str], user: str | None) -> httpx.Response:
        name = params.get("user") or user
        if not name:
            return self._error(6)
        body = {
            "user": {
                "name": name,
                "realname": name.title(),
                "url": f"https://www.last.fm/user/{name}",
                "country": "United Kingdom",
                "playcount": str(len(self.scrobbles.get(name, []))),
                "subscriber": "0",
                "type": "user",
                "registered": {"unixtime": "1037793040", "#text": 1037793040},
                "image": [],
            }
        }
        return httpx.Response(200, json=body)

    @staticmethod
    def _field(value: str) -> dict[str, str]:
        return {"corrected": "0", "#text": value}

    def _echo(self, item: dict[str, str], code: str, why: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "artist": self._field(item.get("artist", "")),
            "album": self._field(item.get("album", "")),
            "albumArtist": self._field(item.get("albumArtist", "")),
            "track": self._field(item.get("track", "")),
            "ignoredMessage": {"code": code, "#text": why},
        }
        if "timestamp" in item:
            out["timestamp"] = item["timestamp"]
        return out

    def _scrobble(self, params: dict[str, str], user: str | None) -> httpx.Response:
        assert user is not None
        items: dict[int, dict[str, str]] = {}
        for k, v in params.items():
            m = _INDEXED.match(k)
            if m:
                items.setdefault(int(m.group(2)), {})[m.group(1)] = v
            elif k in (
                "artist",
                "track",
                "timestamp",
                "album",
                "duration",
                "mbid",
                "trackNumber",
                "albumArtist",
            ):
                items.setdefault(0, {})[k] = v
        if not items or len(items) > 50 or max(items) > 49:
            return self._error(6)
        now = self.clock()
        kept = self.scrobbles.setdefault(user, [])
        results, accepted = [], 0
        for i in sorted(items):
            item = items[i]
            if not item.get("artist") or not item.get("track") or "timestamp" not in item:
                return self._error(6)
            try:
                ts = int(item["timestamp"])
            except ValueError:
                return self._error(6)
            code, why = "0", ""
            if item["artist"] in self.ignore_artists:
                code, why = "1", "Artist was ignored"
            elif ts < now - 14 * DAY:
                code, why = "3", "Timestamp too old"
            elif ts > now + DAY:
                code, why = "4", "Timestamp too new"
            elif self.daily_limit is not None and len(kept) >= self.daily_limit:
                code, why = "5", "Max daily scrobbles exceeded"
            if code == "0":
                accepted += 1
                if not any(
                    k["timestamp"] == item["timestamp"] and k["track"] == item["track"]
                    for k in kept
                ):
                    kept.append(item)
            results.append(self._echo(item, code, why))
        scrobble: Any = results[0] if len(results) == 1 else results
        attr = {"accepted": accepted, "ignored": len(results) - accepted}
        return httpx.Response(200, json={"scrobbles": {"@attr": attr, "scrobble": scrobble}})

    def _update_now_playing(self, params: dict[str, str], user: str | None) -> httpx.Response:
        assert user is not None
        if not params.get("artist") or not params.get("track"):
            return self._error(6)
        item = {
            k: v
            for k, v in params.items()
            if k not in ("method", "api_key", "api_sig", "sk", "format")
        }
        self.now_playing[user] = item
        return httpx.Response(200, json={"nowplaying": self._echo(item, "0", "")})

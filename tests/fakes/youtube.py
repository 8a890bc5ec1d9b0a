"""The YouTube Data API v3 and Google's OAuth 2.0 endpoints, as Google documents them
(docs/research/streaming-apis.md section 4), served from a `FakeCatalog`.

OAuth (one server plays accounts.google.com and oauth2.googleapis.com):

* `GET /o/oauth2/v2/auth`: an HTML consent page; its "Allow" link goes to
  `redirect_uri?state=..&code=..&scope=..`, "Cancel" to `redirect_uri?error=access_denied&state=..`.
  An unknown client is "Error 401: invalid_client", an unregistered redirect URI
  "Error 400: redirect_uri_mismatch".
* `POST /token`: the code (once, with the PKCE verifier of its S256 challenge, the same
  redirect URI, the client's id and secret in the form) gives
  `{"access_token","expires_in":3599,"refresh_token","scope","token_type":"Bearer"}`; the
  refresh token only with `access_type=offline`. A refresh answers the same without a
  `refresh_token` (Google does not rotate them); a revoked one is 400 `invalid_grant`
  "Token has been expired or revoked."; a wrong client 401 `invalid_client`.
* `POST /revoke` (`token` in the query or the form): 200 `{}`; revoking either token of a grant
  revokes both; an unknown token is 400 `invalid_token`.

The Data API under `/youtube/v3/`: channels, playlists, playlistItems, search and videos,
`maxResults` 0-50 (default 5) with opaque `pageToken`s. Quota as Google counts it since
2026-06-01: each request with valid credentials costs its units before it is served (even one
that then fails: "every request, even invalid, costs at least 1"), list 1, insert/delete 50,
into a 10,000-unit bucket, search.list 1 into its own 100-a-day bucket; a request that does not
fit is 403 `quotaExceeded` (the message carries HTML, escaped as `\\u003c` like Google's). The
day is the date in America/Los_Angeles. Not charged (a guess: Google does not say): answers to
bad credentials, the throttle's rate-limit answers and injected 503s.

Video titles come in the shapes uploads have: a Topic channel's plain title with a "Provided
to YouTube by" description, "Artist - Title", "Artist - Title (Official Video)" (`style_of`).
Search results' titles are HTML-escaped, as YouTube's are (`&#39;`, `&amp;`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

import httpx

from tests.fakes.catalog import FakeCatalog, FakeTrack

PACIFIC = ZoneInfo("America/Los_Angeles")
DOT = " \u00b7 "
API = "/youtube/v3/"
SCOPE = "https://www.googleapis.com/auth/youtube"
QUOTA_MESSAGE = (
    'The request cannot be completed because you have exceeded your <a href="/youtube/v3/'
    'getting-started#quota">quota</a>.'
)

#: (method, resource) -> (bucket, units): Google's table, written out again here so the
#: client's own table is checked against it, not against itself.
COSTS: dict[tuple[str, str], tuple[str, int]] = {
    ("GET", "channels"): ("units", 1),
    ("GET", "playlists"): ("units", 1),
    ("GET", "playlistItems"): ("units", 1),
    ("GET", "videos"): ("units", 1),
    ("POST", "playlists"): ("units", 50),
    ("PUT", "playlists"): ("units", 50),
    ("DELETE", "playlists"): ("units", 50),
    ("POST", "playlistItems"): ("units", 50),
    ("PUT", "playlistItems"): ("units", 50),
    ("DELETE", "playlistItems"): ("units", 50),
    ("GET", "search"): ("search", 1),
}

Style = Literal["topic", "plain", "official"]


def video_id(key: str) -> str:
    """A catalog key's 11-character video id."""
    digest = hashlib.sha1(f"yt:{key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:11]


def _token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(24)


def _iso(seconds: float | None) -> str:
    if not seconds:
        return "P0D"
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    out = "PT" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + (f"{sec}S" if sec else "")
    return out if out != "PT" else "PT0S"


def _thumbs(vid: str) -> dict[str, Any]:
    base = f"https://i.ytimg.com/vi/{vid}"
    return {
        "default": {"url": f"{base}/default.jpg", "width": 120, "height": 90},
        "medium": {"url": f"{base}/mqdefault.jpg", "width": 320, "height": 180},
        "high": {"url": f"{base}/hqdefault.jpg", "width": 480, "height": 360},
    }


def _etag(obj: Any) -> str:
    return base64.urlsafe_b64encode(
        hashlib.sha1(json.dumps(obj, sort_keys=True).encode()).digest()
    ).decode()[:27]


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"CAo{offset}QAA".encode()).decode().rstrip("=")


def _offset(token: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if not (raw.startswith("CAo") and raw.endswith("QAA") and raw[3:-3].isdigit()):
        return None
    return int(raw[3:-3])


@dataclass
class FakePlaylist:
    id: str
    channel_id: str
    channel_title: str
    title: str
    description: str = ""
    privacy: str = "private"
    items: list[tuple[str, str]] = field(default_factory=list)  # (playlistItem id, video id)
    published_at: str = "2026-01-01T00:00:00Z"


@dataclass
class Grant:
    client_id: str
    scope: str
    refresh_token: str | None
    revoked: bool = False


@dataclass
class Code:
    client_id: str
    redirect_uri: str
    scope: str
    challenge: str | None
    method: str
    offline: bool
    used: bool = False


@dataclass
class Access:
    grant: Grant
    expires_at: datetime


class FakeYoutube:
    def __init__(
        self,
        catalog: FakeCatalog,
        *,
        client_id: str = "tonearm-test.apps.googleusercontent.com",
        client_secret: str = "GOCSPX-test-secret",
        daily_quota: int = 10_000,
        search_daily_quota: int = 100,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.catalog = catalog
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris: set[str] | None = None  # None: any redirect URI is registered
        self.daily_quota = daily_quota
        self.search_daily_quota = search_daily_quota
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        # knobs
        self.latency = 0.0
        self.throttle_every = 0
        self.throttle_retry_after: str | None = "1"
        self.throttle_status = 429  # or 403 (usageLimits rateLimitExceeded)
        self.fail_next = 0  # answer this many API requests with 503 backendError
        self.max_items = 5000  # playlistContainsMaximumNumberOfVideos beyond this
        # counters
        self.calls: Counter[str] = Counter()  # "GET playlists", "POST token", ...
        self.api_requests = 0
        self.quota_used: dict[tuple[date, str], int] = {}
        # the user and their library
        self.channel_id = "UC" + secrets.token_urlsafe(16)[:22]
        self.channel_title = "Tonearm Listener"
        self.country = "US"
        self.playlists: dict[str, FakePlaylist] = {}
        self.liked: list[str] = []  # newest first, as the "LL" playlist shows them
        self.gone: set[str] = set()  # video ids deleted from YouTube
        self.other_videos: dict[str, tuple[dict[str, Any], float | None]] = {}
        self.styles: dict[str, Style] = {}  # catalog key -> title style (default: by key)
        # OAuth state
        self.codes: dict[str, Code] = {}
        self.access_tokens: dict[str, Access] = {}
        self.refresh_tokens: dict[str, Grant] = {}
        self._videos: dict[str, FakeTrack] = {}
        self._indexed = 0

    # --- seeding and inspection -------------------------------------------------------------
    def _index(self) -> None:
        tracks = self.catalog.tracks
        for t in tracks[self._indexed :]:
            self._videos[video_id(t.key)] = t
        self._indexed = len(tracks)

    def track_of(self, vid: str) -> FakeTrack | None:
        self._index()
        return self._videos.get(vid)

    def style_of(self, t: FakeTrack) -> Style:
        if t.key in self.styles:
            return self.styles[t.key]
        n = int(t.key) if t.key.isdigit() else int(hashlib.sha1(t.key.encode()).hexdigest(), 16)
        return ("topic", "plain", "official")[n % 3]

    def add_playlist(
        self,
        title: str,
        tracks: list[FakeTrack] | None = None,
        *,
        description: str = "",
        privacy: str = "private",
        owner: tuple[str, str] | None = None,
    ) -> FakePlaylist:
        """A playlist of the user (or of `owner`, a (channel id, title)) holding `tracks`."""
        channel_id, channel_title = owner or (self.channel_id, self.channel_title)
        p = FakePlaylist("PL" + secrets.token_urlsafe(24)[:32], channel_id, channel_title, title)
        p.description, p.privacy = description, privacy
        self.playlists[p.id] = p
        for t in tracks or []:
            self._append(p, video_id(t.key))
        return p

    def _append(self, p: FakePlaylist, vid: str) -> str:
        item = "UE" + secrets.token_urlsafe(30)[:38]
        p.items.append((item, vid))
        return item

    def add_gone_video(self, p: FakePlaylist) -> str:
        """A video deleted since it was added: playlists show "Deleted video"."""
        vid = secrets.token_urlsafe(8)[:11]
        self.gone.add(vid)
        self._append(p, vid)
        return vid

    def like(self, tracks: list[FakeTrack]) -> None:
        self.liked.extend(video_id(t.key) for t in tracks)

    def add_other_video(
        self, title: str, channel: str, *, category: str = "22", seconds: float = 60.0
    ) -> str:
        """A video that is not in the catalog (a vlog, category 22 "People & Blogs")."""
        vid = secrets.token_urlsafe(8)[:11]
        self.other_videos[vid] = (
            {
                "publishedAt": "2021-01-01T00:00:00Z",
                "channelId": self.add_channel(channel)[0],
                "title": title,
                "description": "",
                "thumbnails": _thumbs(vid),
                "channelTitle": channel,
                "categoryId": category,
                "liveBroadcastContent": "none",
            },
            seconds,
        )
        return vid

    def add_channel(self, title: str) -> tuple[str, str]:
        """Another channel, (id, title), to own playlists (`add_playlist(owner=...)`)."""
        return "UC" + hashlib.sha1(title.encode()).hexdigest()[:22], title

    def video_ids(self, p: FakePlaylist) -> list[str]:
        return [v for _, v in p.items]

    def issue_tokens(self, *, offline: bool = True) -> tuple[str, str | None]:
        """A grant as if the user had consented: (access token, refresh token)."""
        grant = Grant(self.client_id, SCOPE, _token("1//0g") if offline else None)
        if grant.refresh_token:
            self.refresh_tokens[grant.refresh_token] = grant
        return self._access(grant), grant.refresh_token

    def _access(self, grant: Grant) -> str:
        token = _token("ya29.")
        self.access_tokens[token] = Access(grant, self.clock() + timedelta(seconds=3599))
        return token

    def expire(self, access_token: str) -> None:
        self.access_tokens[access_token].expires_at = self.clock() - timedelta(seconds=1)

    def revoke_grant(self, token: str) -> None:
        grant = self.refresh_tokens.get(token) or self.access_tokens[token].grant
        grant.revoked = True

    def day(self) -> date:
        return self.clock().astimezone(PACIFIC).date()

    def used(self, bucket: str = "units", day: date | None = None) -> int:
        return self.quota_used.get((day or self.day(), bucket), 0)

    def spend_all(self, bucket: str = "units") -> None:
        """Today's bucket spent, as if another app of the project had used it."""
        limit = self.daily_quota if bucket == "units" else self.search_daily_quota
        self.quota_used[(self.day(), bucket)] = limit

    # --- answers ----------------------------------------------------------------------------
    @staticmethod
    def _json(status: int, body: Any, **headers: str) -> httpx.Response:
        text = json.dumps(body, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
        headers = {"content-type": "application/json; charset=UTF-8", **headers}
        return httpx.Response(status, content=text.encode(), headers=headers)

    def _error(
        self,
        status: int,
        reason: str,
        message: str,
        *,
        domain: str = "youtube.api",
        state: str | None = None,
        **headers: str,
    ) -> httpx.Response:
        err: dict[str, Any] = {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
        }
        if state:
            err["status"] = state
        return self._json(status, {"error": err}, **headers)

    def _oauth_error(self, status: int, error: str, description: str) -> httpx.Response:
        return self._json(status, {"error": error, "error_description": description})

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.latency:
            await asyncio.sleep(self.latency)
        path = request.url.path
        if path == "/o/oauth2/v2/auth" and request.method == "GET":
            self.calls["GET auth"] += 1
            return self._consent(request)
        if path == "/token" and request.method == "POST":
            self.calls["POST token"] += 1
            return self._token_endpoint(request)
        if path == "/revoke" and request.method == "POST":
            self.calls["POST revoke"] += 1
            return self._revoke(request)
        if path.startswith(API):
            return self._api(request, path.removeprefix(API))
        return httpx.Response(404, text="Not Found", headers={"content-type": "text/html"})

    # --- OAuth ------------------------------------------------------------------------------
    def _consent(self, request: httpx.Request) -> httpx.Response:
        q = request.url.params

        def page(status: int, body: str) -> httpx.Response:
            return httpx.Response(
                status, text=body, headers={"content-type": "text/html; charset=utf-8"}
            )

        if q.get("client_id") != self.client_id:
            return page(401, "<h1>Error 401: invalid_client</h1><p>The OAuth client was not found.")
        redirect = q.get("redirect_uri") or ""
        if not redirect or (self.redirect_uris is not None and redirect not in self.redirect_uris):
            return page(400, "<h1>Error 400: redirect_uri_mismatch</h1>")
        if q.get("response_type") != "code":
            return page(400, "<h1>Error 400: unsupported_response_type</h1>")
        if not q.get("scope"):
            return page(
                400, "<h1>Error 400: invalid_request</h1><p>Missing required parameter: scope"
            )
        method = q.get("code_challenge_method") or ("plain" if q.get("code_challenge") else "")
        if method not in ("", "S256", "plain"):
            return page(400, "<h1>Error 400: invalid_request</h1><p>Invalid code_challenge_method")
        code = "4/0A" + secrets.token_urlsafe(32)
        self.codes[code] = Code(
            self.client_id,
            redirect,
            q["scope"],
            q.get("code_challenge"),
            method,
            offline=q.get("access_type") == "offline",
        )
        state = q.get("state")
        allow = {"code": code, "scope": q["scope"], **({"state": state} if state else {})}
        deny = {"error": "access_denied", **({"state": state} if state else {})}
        sep = "&" if "?" in redirect else "?"
        body = (
            "<!doctype html><title>Sign in - Google Accounts</title>"
            f"<p>Tonearm wants to access your Google Account: {html.escape(q['scope'])}</p>"
            f'<a id="allow" href="{html.escape(redirect + sep + urlencode(allow))}">Allow</a> '
            f'<a id="deny" href="{html.escape(redirect + sep + urlencode(deny))}">Cancel</a>'
        )
        return page(200, body)

    def _form(self, request: httpx.Request) -> dict[str, str]:
        parsed = parse_qs(request.content.decode(), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def _token_endpoint(self, request: httpx.Request) -> httpx.Response:
        form = self._form(request)
        if form.get("client_id") != self.client_id:
            return self._oauth_error(401, "invalid_client", "The OAuth client was not found.")
        if form.get("client_secret") != self.client_secret:
            return self._oauth_error(401, "invalid_client", "Unauthorized")
        grant_type = form.get("grant_type", "")
        if grant_type == "authorization_code":
            code = self.codes.get(form.get("code", ""))
            if code is None or code.used:
                return self._oauth_error(400, "invalid_grant", "Malformed auth code.")
            if form.get("redirect_uri") != code.redirect_uri:
                return self._oauth_error(400, "redirect_uri_mismatch", "Bad Request")
            if code.challenge:
                verifier = form.get("code_verifier")
                if not verifier:
                    return self._oauth_error(400, "invalid_grant", "Missing code verifier.")
                if code.method == "S256":
                    digest = hashlib.sha256(verifier.encode()).digest()
                    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                else:
                    computed = verifier
                if computed != code.challenge:
                    return self._oauth_error(400, "invalid_grant", "Invalid code verifier.")
            code.used = True
            grant = Grant(code.client_id, code.scope, _token("1//0g") if code.offline else None)
            if grant.refresh_token:
                self.refresh_tokens[grant.refresh_token] = grant
            body: dict[str, Any] = {
                "access_token": self._access(grant),
                "expires_in": 3599,
                "scope": grant.scope,
                "token_type": "Bearer",
            }
            if grant.refresh_token:
                body["refresh_token"] = grant.refresh_token
            return self._json(200, body)
        if grant_type == "refresh_token":
            found = self.refresh_tokens.get(form.get("refresh_token", ""))
            if found is None or found.revoked:
                return self._oauth_error(400, "invalid_grant", "Token has been expired or revoked.")
            return self._json(
                200,
                {
                    "access_token": self._access(found),
                    "expires_in": 3599,
                    "scope": found.scope,
                    "token_type": "Bearer",
                },
            )
        return self._oauth_error(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")

    def _revoke(self, request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("token") or self._form(request).get("token", "")
        grant = self.refresh_tokens.get(token)
        if grant is None and token in self.access_tokens:
            grant = self.access_tokens[token].grant
        if grant is None or grant.revoked:
            return self._oauth_error(400, "invalid_token", "Token expired or revoked")
        grant.revoked = True
        return self._json(200, {})

    # --- the Data API -------------------------------------------------------------------------
    def _api(self, request: httpx.Request, resource: str) -> httpx.Response:
        method = request.method
        self.calls[f"{method} {resource}"] += 1
        self.api_requests += 1
        if self.throttle_every and self.api_requests % self.throttle_every == 0:
            headers = (
                {"retry-after": self.throttle_retry_after} if self.throttle_retry_after else {}
            )
            if self.throttle_status == 429:
                return self._error(
                    429,
                    "rateLimitExceeded",
                    "Resource has been exhausted (e.g. check quota).",
                    domain="usageLimits",
                    state="RESOURCE_EXHAUSTED",
                    **headers,
                )
            return self._error(
                403, "rateLimitExceeded", "Rate Limit Exceeded", domain="usageLimits", **headers
            )
        auth = request.headers.get("authorization", "")
        access = self.access_tokens.get(auth.removeprefix("Bearer ")) if auth else None
        if (
            not auth.startswith("Bearer ")
            or access is None
            or access.grant.revoked
            or (access.expires_at <= self.clock())
        ):
            if not auth:
                return self._error(
                    401,
                    "required",
                    "Request is missing required authentication credential.",
                    domain="global",
                    state="UNAUTHENTICATED",
                )
            return self._error(
                401,
                "authError",
                "Request had invalid authentication credentials. Expected OAuth 2 access "
                "token, login cookie or other valid authentication credential.",
                domain="global",
                state="UNAUTHENTICATED",
            )
        if self.fail_next:
            self.fail_next -= 1
            return self._error(
                503,
                "backendError",
                "The service is currently unavailable.",
                domain="global",
                state="UNAVAILABLE",
            )
        cost = COSTS.get((method, resource))
        handler = getattr(self, f"_{method.lower()}_{resource}", None)
        if cost is None or handler is None:
            return httpx.Response(404, text="Not Found", headers={"content-type": "text/html"})
        bucket, units = cost
        limit = self.daily_quota if bucket == "units" else self.search_daily_quota
        key = (self.day(), bucket)
        if self.quota_used.get(key, 0) + units > limit:
            return self._error(403, "quotaExceeded", QUOTA_MESSAGE, domain="youtube.quota")
        self.quota_used[key] = self.quota_used.get(key, 0) + units
        answer: httpx.Response = handler(request)
        return answer

    def _parts(self, request: httpx.Request) -> set[str] | httpx.Response:
        part = request.url.params.get("part")
        if not part:
            return self._error(
                400,
                "missingRequiredParameter",
                "No filter selected. Expected one of: part",
                domain="youtube.parameter",
            )
        return {p.strip() for p in part.split(",") if p.strip()}

    def _paging(self, request: httpx.Request) -> tuple[int, int] | httpx.Response:
        q = request.url.params
        raw = q.get("maxResults", "5")
        if not raw.isdigit() or not 0 <= int(raw) <= 50:
            return self._error(
                400,
                "invalidValue",
                f"Invalid value '{raw}'. Values must be within the range: [0, 50]",
                domain="youtube.parameter",
            )
        offset = 0
        if token := q.get("pageToken"):
            found = _offset(token)
            if found is None:
                return self._error(
                    400, "invalidPageToken", "The request specifies an invalid page token."
                )
            offset = found
        return int(raw), offset

    def _list(
        self, kind: str, items: list[dict[str, Any]], total: int, size: int, offset: int
    ) -> httpx.Response:
        body: dict[str, Any] = {"kind": f"youtube#{kind}ListResponse", "etag": _etag(items)}
        if offset + size < total and size:
            body["nextPageToken"] = _page_token(offset + size)
        if offset:
            body["prevPageToken"] = _page_token(max(0, offset - size))
        body["pageInfo"] = {"totalResults": total, "resultsPerPage": size}
        body["items"] = items
        return self._json(200, body)

    # resources
    def _video_snippet(self, t: FakeTrack) -> dict[str, Any]:
        vid = video_id(t.key)
        style = self.style_of(t)
        artist = t.artists[0] if t.artists else "Unknown Artist"
        credit = artist + (f" feat. {', '.join(t.artists[1:])}" if len(t.artists) > 1 else "")
        if style == "topic":
            title, channel = t.title, f"{artist} - Topic"
            description = (
                f"Provided to YouTube by Fake Records\n\n{t.title} \u00b7 "
                f"{DOT.join(t.artists)}\n\n{t.album or t.title}\n\n"
                "\u2117 2020 Fake Records\n\nReleased on: 2020-01-01\n\nAuto-generated by YouTube."
            )
        elif style == "plain":
            title, channel = f"{credit} - {t.title}", artist
            description = f"{t.title} by {artist}"
        else:
            title, channel = (
                f"{credit} - {t.title} (Official Video)",
                f"{artist.replace(' ', '')}VEVO",
            )
            description = f"Official video for {t.title} by {artist}"
        return {
            "publishedAt": "2020-01-01T00:00:00Z",
            "channelId": "UC" + hashlib.sha1(channel.encode()).hexdigest()[:22],
            "title": title,
            "description": description,
            "thumbnails": _thumbs(vid),
            "channelTitle": channel,
            "categoryId": "10",
            "liveBroadcastContent": "none",
        }

    def _snippet_of(self, vid: str) -> tuple[dict[str, Any], float | None] | None:
        """(snippet, seconds) of a video that exists, None for one gone or never there."""
        if vid in self.gone:
            return None
        if vid in self.other_videos:
            return self.other_videos[vid]
        t = self.track_of(vid)
        return (self._video_snippet(t), t.duration) if t is not None else None

    def _video(self, vid: str, parts: set[str]) -> dict[str, Any] | None:
        known = self._snippet_of(vid)
        if known is None:
            return None
        snippet, seconds = known
        obj: dict[str, Any] = {"kind": "youtube#video", "etag": _etag(vid), "id": vid}
        if "snippet" in parts:
            obj["snippet"] = snippet
        if "contentDetails" in parts:
            obj["contentDetails"] = {
                "duration": _iso(seconds),
                "dimension": "2d",
                "definition": "hd",
                "caption": "false",
                "licensedContent": True,
                "projection": "rectangular",
            }
        if "status" in parts:
            obj["status"] = {"uploadStatus": "processed", "privacyStatus": "public"}
        return obj

    def _playlist(self, p: FakePlaylist, parts: set[str]) -> dict[str, Any]:
        obj: dict[str, Any] = {"kind": "youtube#playlist", "id": p.id}
        if "snippet" in parts:
            obj["snippet"] = {
                "publishedAt": p.published_at,
                "channelId": p.channel_id,
                "title": p.title,
                "description": p.description,
                "thumbnails": _thumbs(p.items[0][1]) if p.items else {},
                "channelTitle": p.channel_title,
                "localized": {"title": p.title, "description": p.description},
            }
        if "contentDetails" in parts:
            obj["contentDetails"] = {"itemCount": len(p.items)}
        if "status" in parts:
            obj["status"] = {"privacyStatus": p.privacy}
        obj["etag"] = _etag([p.id, p.title, p.description, p.privacy, p.items])
        return {"kind": obj.pop("kind"), "etag": obj.pop("etag"), **obj}

    def _item(
        self, p_id: str, owner: tuple[str, str], pos: int, item: str, vid: str, parts: set[str]
    ) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "kind": "youtube#playlistItem",
            "etag": _etag([item, pos]),
            "id": item,
        }
        known = self._snippet_of(vid)
        if "snippet" in parts:
            snippet: dict[str, Any] = {
                "publishedAt": "2026-01-02T00:00:00Z",
                "channelId": owner[0],
                "playlistId": p_id,
                "position": pos,
                "resourceId": {"kind": "youtube#video", "videoId": vid},
                "channelTitle": owner[1],
            }
            if known is None:
                snippet.update(title="Deleted video", description="This video is unavailable.")
                snippet["thumbnails"] = {}
            else:
                vs = known[0]
                snippet.update(
                    title=vs["title"],
                    description=vs["description"],
                    thumbnails=vs["thumbnails"],
                    videoOwnerChannelTitle=vs["channelTitle"],
                    videoOwnerChannelId=vs["channelId"],
                )
            obj["snippet"] = snippet
        if "contentDetails" in parts:
            details: dict[str, Any] = {"videoId": vid}
            if known is not None:
                details["videoPublishedAt"] = "2020-01-01T00:00:00Z"
            obj["contentDetails"] = details
        return obj

    def _body(self, request: httpx.Request) -> dict[str, Any] | httpx.Response:
        try:
            body = json.loads(request.content or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return self._error(400, "parseError", "Parse Error", domain="global")
        return body

    # handlers
    def _get_channels(self, request: httpx.Request) -> httpx.Response:
        parts = self._parts(request)
        if isinstance(parts, httpx.Response):
            return parts
        items = []
        if request.url.params.get("mine") == "true":
            obj: dict[str, Any] = {"kind": "youtube#channel", "etag": _etag(self.channel_id)}
            obj["id"] = self.channel_id
            if "snippet" in parts:
                obj["snippet"] = {
                    "title": self.channel_title,
                    "description": "",
                    "customUrl": "@tonearmlistener",
                    "publishedAt": "2015-01-01T00:00:00Z",
                    "country": self.country,
                }
            if "contentDetails" in parts:
                obj["contentDetails"] = {"relatedPlaylists": {"likes": "LL", "uploads": "UU"}}
            items.append(obj)
        return self._list("channel", items, len(items), 5, 0)

    def _get_playlists(self, request: httpx.Request) -> httpx.Response:
        parts = self._parts(request)
        paging = self._paging(request)
        for answer in (parts, paging):
            if isinstance(answer, httpx.Response):
                return answer
        assert isinstance(parts, set) and isinstance(paging, tuple)
        size, offset = paging
        q = request.url.params
        if q.get("mine") == "true":
            found = [p for p in self.playlists.values() if p.channel_id == self.channel_id]
        elif q.get("id"):
            ids = q["id"].split(",")
            found = [
                p
                for i in ids
                if (p := self.playlists.get(i))
                and (p.channel_id == self.channel_id or p.privacy != "private")
            ]
        else:
            return self._error(
                400,
                "missingRequiredParameter",
                "No filter selected. Expected one of: channelId, id, mine",
                domain="youtube.parameter",
            )
        page = [self._playlist(p, parts) for p in found[offset : offset + size]]
        return self._list("playlist", page, len(found), size, offset)

    def _get_playlistItems(self, request: httpx.Request) -> httpx.Response:
        parts = self._parts(request)
        paging = self._paging(request)
        for answer in (parts, paging):
            if isinstance(answer, httpx.Response):
                return answer
        assert isinstance(parts, set) and isinstance(paging, tuple)
        size, offset = paging
        pid = request.url.params.get("playlistId", "")
        owner = (self.channel_id, self.channel_title)
        if pid == "LL":
            entries = [(f"LL{v}", v) for v in self.liked]
        else:
            p = self.playlists.get(pid)
            if p is None:
                return self._error(
                    404,
                    "playlistNotFound",
                    "The playlist identified with the request's <code>playlistId</code> "
                    "parameter cannot be found.",
                )
            if p.channel_id != self.channel_id and p.privacy == "private":
                return self._error(
                    403, "playlistItemsNotAccessible", "The playlist cannot be accessed."
                )
            entries, owner = p.items, (p.channel_id, p.channel_title)
        page = [
            self._item(pid, owner, offset + i, item, vid, parts)
            for i, (item, vid) in enumerate(entries[offset : offset + size])
        ]
        return self._list("playlistItem", page, len(entries), size, offset)

    def _get_search(self, request: httpx.Request) -> httpx.Response:
        parts = self._parts(request)
        paging = self._paging(request)
        for answer in (parts, paging):
            if isinstance(answer, httpx.Response):
                return answer
        assert isinstance(parts, set) and isinstance(paging, tuple)
        size, offset = paging
        q = request.url.params
        if q.get("videoCategoryId") and q.get("type") != "video":
            return self._error(
                400,
                "invalidSearchFilter",
                "The request contains an invalid combination of search filters and/or "
                "restrictions. Note that you must set the type parameter to video if you set "
                "a value for the videoCategoryId parameter.",
            )
        found, total = self.catalog.search(q.get("q", ""), limit=size, offset=offset)
        items = []
        for t in found:
            vs = self._video_snippet(t)
            snippet = {
                "publishedAt": vs["publishedAt"],
                "channelId": vs["channelId"],
                "title": html.escape(vs["title"]).replace("&#x27;", "&#39;"),
                "description": vs["description"][:160],
                "thumbnails": vs["thumbnails"],
                "channelTitle": html.escape(vs["channelTitle"]).replace("&#x27;", "&#39;"),
                "liveBroadcastContent": "none",
                "publishTime": vs["publishedAt"],
            }
            items.append(
                {
                    "kind": "youtube#searchResult",
                    "etag": _etag(t.key),
                    "id": {"kind": "youtube#video", "videoId": video_id(t.key)},
                    "snippet": snippet,
                }
            )
        body = self._list("search", items, total, size, offset)
        return body

    def _get_videos(self, request: httpx.Request) -> httpx.Response:
        parts = self._parts(request)
        paging = self._paging(request)
        for answer in (parts, paging):
            if isinstance(answer, httpx.Response):
                return answer
        assert isinstance(parts, set) and isinstance(paging, tuple)
        size, offset = paging
        q = request.url.params
        if q.get("id"):
            if "maxResults" in q or "pageToken" in q:
                return self._error(
                    400,
                    "incompatibleParameters",
                    "The maxResults and pageToken parameters go with myRating, not with id.",
                    domain="youtube.parameter",
                )
            ids = q["id"].split(",")
            if len(ids) > 50:
                return self._error(
                    400, "invalidValue", "Too many ids: at most 50", domain="youtube.parameter"
                )
            items = [v for i in ids if (v := self._video(i, parts)) is not None]
            return self._list("video", items, len(items), len(items), 0)
        if q.get("myRating") == "like":
            # "The API limits the result set to at most 1000 videos": the most recent.
            liked = [v for v in self.liked if self._snippet_of(v) is not None][:1000]
            page = [v for i in liked[offset : offset + size] if (v := self._video(i, parts))]
            return self._list("video", page, len(liked), size, offset)
        return self._error(
            400,
            "missingRequiredParameter",
            "No filter selected. Expected one of: chart, id, myRating",
            domain="youtube.parameter",
        )

    def _post_playlists(self, request: httpx.Request) -> httpx.Response:
        parts = self._parts(request)
        body = self._body(request)
        for answer in (parts, body):
            if isinstance(answer, httpx.Response):
                return answer
        assert isinstance(parts, set) and isinstance(body, dict)
        snippet = body.get("snippet") or {}
        if not snippet.get("title"):
            return self._error(
                400, "playlistTitleRequired", "The request must specify a playlist title."
            )
        privacy = (body.get("status") or {}).get("privacyStatus") or "public"
        p = self.add_playlist(
            str(snippet["title"]),
            description=str(snippet.get("description") or ""),
            privacy=privacy,
        )
        return self._json(200, self._playlist(p, parts))

    def _post_playlistItems(self, request: httpx.Request) -> httpx.Response:
        parts = self._parts(request)
        body = self._body(request)
        for answer in (parts, body):
            if isinstance(answer, httpx.Response):
                return answer
        assert isinstance(parts, set) and isinstance(body, dict)
        snippet = body.get("snippet") or {}
        p = self.playlists.get(str(snippet.get("playlistId") or ""))
        if p is None:
            return self._error(
                404,
                "playlistNotFound",
                "Playlist not found.",
            )
        if p.channel_id != self.channel_id:
            return self._error(
                403, "playlistItemsNotAccessible", "The playlist cannot be accessed."
            )
        resource = snippet.get("resourceId") or {}
        vid = str(resource.get("videoId") or "")
        if resource.get("kind") != "youtube#video" or not vid:
            return self._error(
                400, "invalidResourceId", "The resource id in the request is not supported."
            )
        if self._snippet_of(vid) is None:
            return self._error(404, "videoNotFound", "Video not found.")
        if len(p.items) >= self.max_items:
            return self._error(
                403,
                "playlistContainsMaximumNumberOfVideos",
                "The playlist already contains the maximum allowed number of items.",
            )
        item = self._append(p, vid)
        return self._json(
            200,
            self._item(p.id, (p.channel_id, p.channel_title), len(p.items) - 1, item, vid, parts),
        )

    def _delete_playlistItems(self, request: httpx.Request) -> httpx.Response:
        item = request.url.params.get("id", "")
        for p in self.playlists.values():
            for i, (entry, _) in enumerate(p.items):
                if entry == item:
                    if p.channel_id != self.channel_id:
                        return self._error(
                            403, "forbidden", "Forbidden", domain="youtube.playlistItem"
                        )
                    del p.items[i]
                    return httpx.Response(204)
        return self._error(
            404, "playlistItemNotFound", "Playlist item not found.", domain="youtube.playlistItem"
        )

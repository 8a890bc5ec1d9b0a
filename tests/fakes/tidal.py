"""TIDAL's API v2, login page and token endpoint, as TIDAL's OpenAPI (1.10.104, shipped in
tidal-music/tidal-sdk-web) and docs/research/streaming-apis.md section 3 describe them.

One handler serves the three hosts under prefixes of one port, so the settings point at it:

* `/login/authorize` (login.tidal.com): an HTML consent page with a "Continue" link to
  `redirect_uri?code=..&state=..` and a "Deny" link with `error=access_denied`.
* `/auth/v1/oauth2/token` (auth.tidal.com): `authorization_code` (PKCE S256 checked; the
  `redirect_uri` must match; a code is good once), `refresh_token` (not rotated: the answer
  has no `refresh_token`), `client_credentials` (Basic or form secret). Errors are
  `{"status", "sub_status", "error", "error_description"}` (the SDK's `TokenJSONError`).
* `/v2/...` (openapi.tidal.com/v2): JSON:API documents, `application/vnd.api+json` both ways
  (a body of another type is 415, an `Accept` without it 406). Relationships appear only
  when named in `include=` (dot paths, depth at most 3; an unknown path is 400); related
  resources go to `included`. Lists page by cursor: `links.next` (relative to the base, or
  absolute with `absolute_links`) carries `page[cursor]`, with `links.meta.nextCursor`.
  Undocumented `filter[...]` parameters are 400 listing the available ones.
* Errors: `{"errors": [{"status": "404", "detail": "Resource not found"}]}` (status a
  string). 429 is `{"errors":[{"status":"429","detail":"Rate limit exceeded"}]}` with the
  observed token-bucket headers (`x-ratelimit-*`) and `Retry-After` (`throttle_retry_after`;
  None leaves it out, as the spec documents none).
* Writes take an `Idempotency-Key`: the same key and payload replay the first answer, a
  different payload is 422 `IDEMPOTENT_REQUEST_PAYLOAD_MISMATCH`, the same key still in flight
  is 409.
* Adding items: at most 50; ids that are unknown or in `unavailable` are skipped and listed
  in `meta.skipped` (`reason: NOT_FOUND`), HTTP 200. Removing needs each entry's
  `meta.itemId`.

Guessed (the spec documents no 401/403): a missing, unknown or revoked token is 401
`{"errors":[{"status":"401","code":"UNAUTHORIZED","detail":...}]}`, an expired one the same
with `"meta":{"subStatus":11003}` (the SDK's "expired, refresh" sub-status); writing to
another user's playlist is 403.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import re
import secrets
import uuid
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

import httpx

from tests.fakes.catalog import FakeCatalog, FakeTrack
from tests.fakes.server import DropConnection

JSONAPI = "application/vnd.api+json"
API, LOGIN, AUTH = "/v2", "/login", "/auth/v1/oauth2"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

#: The relationships the fake resolves, per resource type (the real API has more).
RELATIONSHIPS: dict[str, dict[str, str]] = {
    "tracks": {"artists": "artists", "albums": "albums"},
    "albums": {"artists": "artists"},
    "artists": {},
    "users": {},
    "playlists": {"items": "tracks", "owners": "users"},
    "searchResults": {"tracks": "tracks", "artists": "artists", "albums": "albums"},
    "userCollectionTracks": {"items": "tracks"},
    "userCollectionPlaylists": {"items": "playlists"},
}
FILTERS = {
    "/tracks": ("filter[id]", "filter[isrc]", "filter[owners.id]"),
    "/playlists": ("filter[collaborators.id]", "filter[id]", "filter[owners.id]"),
    "/searchResults": ("filter[query]",),
    "/playlists/{id}/relationships/items": ("filter[query]",),
}


class ApiError(Exception):
    def __init__(self, status: int, detail: str, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.detail, self.code, self.extra = status, detail, code, extra


def _num_id(text: str, base: int) -> str:
    return str(base + zlib.crc32(text.encode()) % 90_000_000)


@dataclass
class FakeUser:
    id: str
    username: str
    country: str = "US"
    email: str | None = None
    favourites: list[tuple[str, datetime]] = field(default_factory=list)  # (track id, addedAt)
    followed: list[str] = field(default_factory=list)  # playlist ids


@dataclass
class Entry:
    item_id: str
    track_id: str
    added_at: datetime
    type: str = "tracks"


@dataclass
class FakePlaylist:
    id: str
    owner: str
    name: str
    description: str | None = None
    access: str = "PUBLIC"
    created: datetime = EPOCH
    modified: datetime = EPOCH
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Token:
    user: str | None  # None: client credentials
    client_id: str
    expires_at: datetime
    scope: str = ""
    revoked: bool = False


class FakeTidal:
    def __init__(
        self,
        catalog: FakeCatalog | None = None,
        *,
        client_id: str = "tidal-client",
        client_secret: str = "tidal-secret",
        page_size: int = 20,
    ) -> None:
        self.catalog = catalog or FakeCatalog()
        self.clients = {client_id: client_secret}
        self.page_size = page_size
        # knobs
        self.latency = 0.0
        self.throttle_every = 0
        self.throttle_retry_after: str | None = "1"
        self.replenish_rate = "1"  # x-ratelimit-replenish-rate on a 429
        self.server_errors = 0  # answer this many API requests 503 first
        self.lose_answers = 0  # act on this many writes, then drop the connection
        self.absolute_links = False  # links.next as whole URLs instead of relative ones
        self.next_keeps_include = True  # False: links.next drops `include` (later pages bare)
        self.unavailable: set[str] = set()  # track ids skipped on add (not in this country)
        self.token_lifetime = 86400
        # counters
        self.counts: Counter[str] = Counter()
        self.api_requests = 0
        self.throttled = 0
        self.conflicts = 0  # 409s: the same Idempotency-Key while the first was in flight
        # state
        self.users: dict[str, FakeUser] = {}
        self.playlists: dict[str, FakePlaylist] = {}
        self.tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, Token] = {}
        self.codes: dict[str, dict[str, str]] = {}
        self.login_user: str | None = None  # who is signed in at the login page
        self._idem: dict[str, tuple[str, httpx.Response]] = {}
        self._inflight: set[str] = set()
        self._tick = 0
        self._ids: dict[str, str] = {}  # tidal track id -> catalog key
        self._indexed = 0  # catalog tracks given an id so far
        self._names: dict[tuple[str, str], str] = {}  # (type, id) -> artist/album name

    # --- seeding and inspection -------------------------------------------------------------
    def settings(self, url: str) -> dict[str, str]:
        """The `tidal` settings section pointing at this fake served at `url`."""
        client_id, secret = next(iter(self.clients.items()))
        return {
            "client_id": client_id,
            "client_secret": secret,
            "api_url": url + API,
            "auth_url": url + AUTH,
            "login_url": url + LOGIN,
            "country_code": "US",
        }

    def _now(self) -> datetime:
        self._tick += 1
        return EPOCH + timedelta(seconds=self._tick)

    def track_id(self, track: FakeTrack | str) -> str:
        key = track.key if isinstance(track, FakeTrack) else track
        tid = str(75_000_000 + int(key)) if key.isdigit() else _num_id("t" + key, 10_000_000)
        self._ids[tid] = key
        return tid

    def track(self, tid: str) -> FakeTrack | None:
        if tid not in self._ids and self._indexed < len(self.catalog.tracks):
            for t in self.catalog.tracks[self._indexed :]:  # tracks added since: give ids
                self.track_id(t)
            self._indexed = len(self.catalog.tracks)
        key = self._ids.get(tid)
        return self.catalog.get(key) if key is not None else None

    def add_user(
        self,
        username: str,
        *,
        country: str = "US",
        email: str | None = None,
        user_id: str | None = None,
    ) -> FakeUser:
        user = FakeUser(user_id or str(190_000_000 + len(self.users) + 1), username, country, email)
        self.users[user.id] = user
        if self.login_user is None:
            self.login_user = user.id
        return user

    def add_playlist(
        self,
        owner: FakeUser | str,
        name: str,
        tracks: Iterable[FakeTrack | str] = (),
        *,
        description: str | None = None,
        access: str = "PUBLIC",
    ) -> FakePlaylist:
        owner_id = owner.id if isinstance(owner, FakeUser) else owner
        now = self._now()
        pl = FakePlaylist(str(uuid.uuid4()), owner_id, name, description, access, now, now)
        for t in tracks:
            pl.entries.append(Entry(str(uuid.uuid4()), self._as_id(t), self._now()))
        self.playlists[pl.id] = pl
        return pl

    def follow(self, user: FakeUser, playlist: FakePlaylist) -> None:
        user.followed.append(playlist.id)

    def like(self, user: FakeUser, tracks: Iterable[FakeTrack | str]) -> None:
        """Add to the user's collection of tracks (favourites), oldest first."""
        for t in tracks:
            user.favourites.append((self._as_id(t), self._now()))

    add_favourites = like

    def _as_id(self, t: FakeTrack | str) -> str:
        return self.track_id(t) if isinstance(t, FakeTrack) else t

    def issue_token(
        self,
        user: FakeUser | None,
        *,
        client_id: str | None = None,
        expires_in: int | None = None,
        scope: str = "",
    ) -> tuple[str, str | None]:
        """(access token, refresh token): what the token endpoint would give."""
        cid = client_id or next(iter(self.clients))
        lifetime = self.token_lifetime if expires_in is None else expires_in
        token = Token(
            user.id if user else None,
            cid,
            datetime.now(UTC) + timedelta(seconds=lifetime),
            scope,
        )
        access = "tat_" + secrets.token_urlsafe(16)
        self.tokens[access] = token
        refresh = None
        if user is not None:
            refresh = "trt_" + secrets.token_urlsafe(16)
            self.refresh_tokens[refresh] = Token(token.user, cid, token.expires_at, scope)
        return access, refresh

    def expire(self, access_token: str) -> None:
        self.tokens[access_token].expires_at = datetime.now(UTC) - timedelta(seconds=1)

    def revoke(self, token: str) -> None:
        """Revoke an access or refresh token (the user disconnected the app)."""
        found = self.tokens.get(token) or self.refresh_tokens.get(token)
        if found is not None:
            found.revoked = True

    def revoke_user(self, user: FakeUser) -> None:
        for t in (*self.tokens.values(), *self.refresh_tokens.values()):
            if t.user == user.id:
                t.revoked = True

    def playlist_track_ids(self, playlist: FakePlaylist | str) -> list[str]:
        pl = self.playlists[playlist if isinstance(playlist, str) else playlist.id]
        return [e.track_id for e in pl.entries]

    # --- answers --------------------------------------------------------------------------
    @staticmethod
    def _doc(status: int, body: Any, **headers: str) -> httpx.Response:
        return httpx.Response(
            status,
            content=json.dumps(body).encode(),
            headers={"content-type": JSONAPI, **headers},
        )

    def _error(self, err: ApiError) -> httpx.Response:
        obj: dict[str, Any] = {"id": str(uuid.uuid4()), "status": str(err.status)}
        if err.code:
            obj["code"] = err.code
        obj["detail"] = err.detail
        obj.update(err.extra)
        headers: dict[str, str] = {}
        if err.status == 429:
            obj = {"status": "429", "detail": "Rate limit exceeded"}
            headers = {
                "x-ratelimit-remaining": "0",
                "x-ratelimit-requested-tokens": "1",
                "x-ratelimit-burst-capacity": "10",
                "x-ratelimit-replenish-rate": self.replenish_rate,
            }
            if self.throttle_retry_after is not None:
                headers["retry-after"] = self.throttle_retry_after
        return self._doc(err.status, {"errors": [obj]}, **headers)

    @staticmethod
    def _oauth_error(
        status: int, error: str, description: str, sub_status: int = 1002
    ) -> httpx.Response:
        body = {
            "status": status,
            "sub_status": sub_status,
            "error": error,
            "error_description": description,
        }
        return httpx.Response(status, json=body)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        key = request.headers.get("idempotency-key")
        if key and key in self._inflight:
            self.conflicts += 1
            return self._error(
                ApiError(409, "A request with this Idempotency-Key is in progress", "CONFLICT")
            )
        if key:
            self._inflight.add(key)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            if path.startswith(LOGIN + "/"):
                return self._login(request, path.removeprefix(LOGIN))
            if path.startswith(AUTH + "/"):
                return self._token_endpoint(request, path.removeprefix(AUTH))
            if path.startswith(API + "/"):
                return self._api(request, path.removeprefix(API))
            return self._error(ApiError(404, "Resource not found"))
        finally:
            if key:
                self._inflight.discard(key)

    # --- login page -------------------------------------------------------------------------
    def _login(self, request: httpx.Request, path: str) -> httpx.Response:
        self.counts[f"{request.method} /authorize"] += 1
        if path != "/authorize" or request.method != "GET":
            return httpx.Response(404, text="Not found")
        q = request.url.params
        redirect, state = q.get("redirect_uri"), q.get("state")
        problems = []
        if q.get("client_id") not in self.clients:
            problems.append("Unknown client_id")
        if q.get("response_type") != "code":
            problems.append("response_type must be code")
        if not redirect:
            problems.append("redirect_uri is missing")
        if not q.get("code_challenge") or q.get("code_challenge_method") != "S256":
            problems.append("PKCE (code_challenge, code_challenge_method=S256) is required")
        if problems or self.login_user is None:
            text = "; ".join(problems) or "Nobody is signed in"
            page = f"<!doctype html><title>TIDAL</title><p class=error>{html.escape(text)}</p>"
            return httpx.Response(400, text=page, headers={"content-type": "text/html"})
        assert redirect is not None
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "user": self.login_user,
            "client_id": str(q.get("client_id")),
            "redirect_uri": redirect,
            "challenge": str(q.get("code_challenge")),
            "scope": q.get("scope") or "",
        }
        extra = {"state": state} if state else {}
        sep = "&" if "?" in redirect else "?"
        allow = f"{redirect}{sep}{urlencode({'code': code, **extra})}"
        deny = f"{redirect}{sep}{urlencode({'error': 'access_denied', **extra})}"
        user = self.users[self.login_user]
        page = (
            "<!doctype html><html><head><title>Log in to TIDAL</title></head><body>"
            f"<p>Signed in as {html.escape(user.username)}.</p>"
            f"<p>Allow this app access to: {html.escape(q.get('scope') or '')}</p>"
            f'<a id="allow" href="{html.escape(allow)}">Continue</a> '
            f'<a id="deny" href="{html.escape(deny)}">Deny</a></body></html>'
        )
        return httpx.Response(200, text=page, headers={"content-type": "text/html"})

    # --- token endpoint ---------------------------------------------------------------------
    def _token_endpoint(self, request: httpx.Request, path: str) -> httpx.Response:
        self.counts[f"{request.method} /token"] += 1
        if path != "/token" or request.method != "POST":
            return httpx.Response(404, json={"status": 404, "error": "not_found"})
        form = dict(parse_qsl(request.content.decode()))
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = request.headers.get("authorization", "")
        if auth.startswith("Basic "):
            try:
                client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                return self._oauth_error(401, "invalid_client", "Bad Basic credentials")
        if client_id not in self.clients:
            return self._oauth_error(401, "invalid_client", "Client not found", 1002)
        if secret is not None and secret != self.clients[client_id]:
            return self._oauth_error(401, "invalid_client", "Client authentication failed")
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._code_grant(form, client_id)
        if grant == "refresh_token":
            held = self.refresh_tokens.get(form.get("refresh_token") or "")
            if held is None or held.revoked or held.client_id != client_id:
                return self._oauth_error(400, "invalid_grant", "Invalid refresh token", 1002)
            user = self.users[held.user] if held.user else None
            access, _ = self.issue_token(user, client_id=client_id, scope=held.scope)
            # the refresh token is not rotated: issue_token's new one is thrown away
            return self._token_answer(access, None, held.scope, held.user)
        if grant == "client_credentials":
            if secret is None:
                return self._oauth_error(401, "invalid_client", "Client secret required")
            access, _ = self.issue_token(None, client_id=client_id)
            return self._token_answer(access, None, "", None)
        return self._oauth_error(400, "unsupported_grant_type", f"Unsupported grant {grant}")

    def _code_grant(self, form: Mapping[str, str], client_id: str) -> httpx.Response:
        code = self.codes.pop(form.get("code") or "", None)
        if code is None or code["client_id"] != client_id:
            return self._oauth_error(400, "invalid_grant", "Authorization code is invalid")
        if form.get("redirect_uri") != code["redirect_uri"]:
            return self._oauth_error(400, "invalid_grant", "redirect_uri does not match")
        verifier = form.get("code_verifier") or ""
        digest = hashlib.sha256(verifier.encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != code["challenge"]:
            return self._oauth_error(400, "invalid_grant", "PKCE verification failed", 1003)
        user = self.users[code["user"]]
        access, refresh = self.issue_token(user, client_id=client_id, scope=code["scope"])
        return self._token_answer(access, refresh, code["scope"], user.id)

    def _token_answer(
        self, access: str, refresh: str | None, scope: str, user_id: str | None
    ) -> httpx.Response:
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "scope": scope,
            "clientName": "Tonearm test",
        }
        if refresh:
            body["refresh_token"] = refresh
        if user_id:
            body["user_id"] = int(user_id) if user_id.isdigit() else user_id
        return httpx.Response(200, json=body)

    # --- API --------------------------------------------------------------------------------
    ROUTES: tuple[tuple[str, str, str], ...] = (
        ("GET", r"/users/(?P<id>[^/]+)", "/users/{id}"),
        ("GET", r"/tracks", "/tracks"),
        ("GET", r"/tracks/(?P<id>[^/]+)", "/tracks/{id}"),
        ("GET", r"/searchResults", "/searchResults"),
        (
            "GET",
            r"/searchResults/(?P<id>[^/]+)/relationships/tracks",
            "/searchResults/{id}/relationships/tracks",
        ),
        ("GET", r"/playlists", "/playlists"),
        ("POST", r"/playlists", "/playlists"),
        ("GET", r"/playlists/(?P<id>[^/]+)", "/playlists/{id}"),
        (
            "GET",
            r"/playlists/(?P<id>[^/]+)/relationships/items",
            "/playlists/{id}/relationships/items",
        ),
        (
            "POST",
            r"/playlists/(?P<id>[^/]+)/relationships/items",
            "/playlists/{id}/relationships/items",
        ),
        (
            "DELETE",
            r"/playlists/(?P<id>[^/]+)/relationships/items",
            "/playlists/{id}/relationships/items",
        ),
        (
            "GET",
            r"/userCollectionTracks/(?P<id>[^/]+)/relationships/items",
            "/userCollectionTracks/{id}/relationships/items",
        ),
        (
            "GET",
            r"/userCollectionPlaylists/(?P<id>[^/]+)/relationships/items",
            "/userCollectionPlaylists/{id}/relationships/items",
        ),
    )

    def _api(self, request: httpx.Request, path: str) -> httpx.Response:
        route = None
        known_path = False
        for method, pattern, name in self.ROUTES:
            m = re.fullmatch(pattern, path)
            if m:
                known_path = True
                if method == request.method:
                    route = (name, m.groupdict())
                    break
        self.api_requests += 1
        label = f"{request.method} {route[0] if route else path}"
        self.counts[label] += 1
        try:
            if self.throttle_every and self.api_requests % self.throttle_every == 0:
                self.throttled += 1
                raise ApiError(429, "Rate limit exceeded")
            if self.server_errors:
                self.server_errors -= 1
                raise ApiError(503, "Service unavailable")
            if route is None:
                if known_path:
                    raise ApiError(405, "Method not allowed")
                raise ApiError(404, "Resource not found")
            accept = request.headers.get("accept", "*/*")
            if JSONAPI not in accept and "*/*" not in accept:
                raise ApiError(406, "Not acceptable: use application/vnd.api+json")
            if request.content and JSONAPI not in request.headers.get("content-type", ""):
                raise ApiError(415, "Unsupported media type: use application/vnd.api+json")
            me = self._authenticate(request)
            name, args = route
            return self._dispatch(request, name, args, me)
        except ApiError as err:
            return self._error(err)

    def _authenticate(self, request: httpx.Request) -> Token:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            raise ApiError(401, "Missing access token", "UNAUTHORIZED")
        token = self.tokens.get(auth.removeprefix("Bearer "))
        if token is None or token.revoked:
            raise ApiError(401, "The token is not valid", "UNAUTHORIZED")
        if token.expires_at <= datetime.now(UTC):
            raise ApiError(
                401,
                "The token has expired. (Expired on time)",
                "UNAUTHORIZED",
                meta={"subStatus": 11003},
            )
        return token

    def _user(self, token: Token, wanted: str = "me") -> FakeUser:
        """The user a `me` (or an id) names; app tokens have none (behaves as 404)."""
        if token.user is None or wanted not in ("me", token.user):
            raise ApiError(404, "Resource not found")
        return self.users[token.user]

    def _dispatch(
        self, request: httpx.Request, name: str, args: dict[str, str], token: Token
    ) -> httpx.Response:
        q = request.url.params
        self._check_params(request, name)
        include = self._include(q)
        base = f"{request.url.scheme}://{request.url.netloc.decode()}{API}"
        if name == "/users/{id}":
            user = self._user(token, args["id"])
            return self._doc(
                200,
                {
                    "data": self._render("users", user.id, {}, {}, token),
                    "links": {"self": "/users/me"},
                },
            )
        if name == "/tracks":
            return self._tracks(request, include, token, base)
        if name == "/tracks/{id}":
            if self.track(args["id"]) is None:
                raise ApiError(404, "Resource not found")
            return self._resource_doc("tracks", args["id"], include, token, f"/tracks/{args['id']}")
        if name == "/searchResults":
            return self._search(request, include, token, base)
        if name == "/searchResults/{id}/relationships/tracks":
            return self._relationship(
                request, "searchResults", args["id"], "tracks", include, token, base
            )
        if name == "/playlists":
            if request.method == "POST":
                return self._create_playlist(request, token)
            return self._list_playlists(request, include, token, base)
        if name == "/playlists/{id}":
            self._playlist(args["id"], token)
            return self._resource_doc(
                "playlists", args["id"], include, token, f"/playlists/{args['id']}"
            )
        if name == "/playlists/{id}/relationships/items":
            pl = self._playlist(args["id"], token)
            if request.method == "POST":
                return self._add_items(request, pl, token)
            if request.method == "DELETE":
                return self._remove_items(request, pl, token)
            return self._relationship(request, "playlists", pl.id, "items", include, token, base)
        if name == "/userCollectionTracks/{id}/relationships/items":
            user = self._user(token, args["id"])
            return self._relationship(
                request, "userCollectionTracks", user.id, "items", include, token, base
            )
        if name == "/userCollectionPlaylists/{id}/relationships/items":
            user = self._user(token, args["id"])
            return self._relationship(
                request, "userCollectionPlaylists", user.id, "items", include, token, base
            )
        raise ApiError(404, "Resource not found")

    def _check_params(self, request: httpx.Request, name: str) -> None:
        allowed = FILTERS.get(name, ())
        for key in request.url.params:
            if key.startswith("filter[") and key not in allowed:
                raise ApiError(
                    400,
                    f"Unknown filter '{key}'. Available filters: {', '.join(allowed) or 'none'}",
                    "INVALID_FILTER",
                    source={"parameter": key},
                )
        country = request.url.params.get("countryCode")
        if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
            raise ApiError(
                400,
                "countryCode must be an ISO 3166-1 alpha-2 code",
                "INVALID_ENUM_VALUE",
                source={"parameter": "countryCode"},
            )

    @staticmethod
    def _include(q: httpx.QueryParams) -> dict[str, Any]:
        tree: dict[str, Any] = {}
        for value in q.get_list("include"):
            for path in value.split(","):
                if not path.strip():
                    continue
                parts = path.strip().split(".")
                if len(parts) > 3:
                    raise ApiError(
                        400,
                        "Include path exceeds the maximum depth of 3",
                        "INVALID_INCLUDE",
                        source={"parameter": "include"},
                    )
                node = tree
                for part in parts:
                    node = node.setdefault(part, {})
        return tree

    def _validate_tree(self, rtype: str, tree: Mapping[str, Any]) -> None:
        for name, sub in tree.items():
            related = RELATIONSHIPS.get(rtype, {}).get(name)
            if related is None:
                raise ApiError(
                    400,
                    f"Invalid include path '{name}' for {rtype}",
                    "INVALID_INCLUDE",
                    source={"parameter": "include"},
                )
            self._validate_tree(related, sub)

    # --- resources --------------------------------------------------------------------------
    def _attributes(self, rtype: str, rid: str, token: Token) -> dict[str, Any]:
        if rtype == "tracks":
            t = self.track(rid)
            if t is None:
                return {}
            secs = round(t.duration or 0)
            return {
                "title": t.title,
                "isrc": t.isrc or "",
                "duration": f"PT{secs // 60}M{secs % 60}S" if secs >= 60 else f"PT{secs}S",
                "explicit": False,
                "popularity": 0.5,
                "key": "UNKNOWN",
                "keyScale": "UNKNOWN",
                "mediaTags": ["LOSSLESS"],
                "externalLinks": [
                    {
                        "href": f"https://tidal.com/browse/track/{rid}",
                        "meta": {"type": "TIDAL_SHARING"},
                    }
                ],
            }
        if rtype == "artists":
            return {"name": self._names.get(("artists", rid), ""), "popularity": 0.5}
        if rtype == "albums":
            return {
                "title": self._names.get(("albums", rid), ""),
                "albumType": "ALBUM",
                "barcodeId": "0000000000000",
                "duration": "PT40M0S",
                "explicit": False,
                "mediaTags": ["LOSSLESS"],
                "numberOfItems": 10,
                "numberOfVolumes": 1,
                "popularity": 0.5,
            }
        if rtype == "users":
            user = self.users.get(rid)
            if user is None or user.id != token.user:
                return {}  # another user's account: redacted
            attrs: dict[str, Any] = {
                "username": user.username,
                "country": user.country,
                "developerAccessTier": "THIRD_PARTY",
            }
            if user.email:
                attrs["email"] = user.email
            return attrs
        if rtype == "playlists":
            pl = self.playlists[rid]
            attrs = {
                "name": pl.name,
                "accessType": pl.access,
                "bounded": True,
                "createdAt": pl.created.isoformat().replace("+00:00", "Z"),
                "lastModifiedAt": pl.modified.isoformat().replace("+00:00", "Z"),
                "numberOfFollowers": 0,
                "numberOfItems": len(pl.entries),
                "playlistType": "USER",
                "externalLinks": [
                    {
                        "href": f"https://tidal.com/browse/playlist/{rid}",
                        "meta": {"type": "TIDAL_SHARING"},
                    }
                ],
            }
            if pl.description:
                attrs["description"] = pl.description
            return attrs
        return {}

    def _related_ids(self, rtype: str, rid: str, rel: str, token: Token) -> list[dict[str, Any]]:
        """The identifiers of a relationship, whole (the caller pages)."""
        if rtype == "tracks":
            t = self.track(rid)
            if t is None:
                return []
            if rel == "artists":
                out = []
                for name in t.artists:
                    aid = _num_id("artist:" + name, 1_000)
                    self._names[("artists", aid)] = name
                    out.append({"id": aid, "type": "artists"})
                return out
            if rel == "albums" and t.album:
                alb = _num_id(f"album:{t.album}:{t.artists[:1]}", 100_000_000)
                self._names[("albums", alb)] = t.album
                return [{"id": alb, "type": "albums"}]
            return []
        if rtype == "playlists":
            pl = self.playlists[rid]
            if rel == "owners":
                return [{"id": pl.owner, "type": "users"}]
            if rel == "items":
                return [
                    {
                        "id": e.track_id,
                        "type": e.type,
                        "meta": {"itemId": e.item_id, "addedAt": _ts(e.added_at)},
                    }
                    for e in pl.entries
                ]
        if rtype == "userCollectionTracks" and rel == "items":
            return [
                {"id": tid, "type": "tracks", "meta": {"addedAt": _ts(at)}}
                for tid, at in self.users[rid].favourites
            ]
        if rtype == "userCollectionPlaylists" and rel == "items":
            user = self.users[rid]
            ids = [p.id for p in self.playlists.values() if p.owner == user.id]
            ids += [p for p in user.followed if p in self.playlists and p not in ids]
            return [{"id": p, "type": "playlists", "meta": {"addedAt": _ts(EPOCH)}} for p in ids]
        if rtype == "searchResults":
            query = _unb64(rid)
            if rel == "tracks":
                found, _ = self.catalog.search(query, limit=300)
                return [{"id": self.track_id(t), "type": "tracks"} for t in found]
            return []
        return []

    def _render(
        self,
        rtype: str,
        rid: str,
        tree: Mapping[str, Any],
        included: dict[tuple[str, str], dict[str, Any]],
        token: Token,
    ) -> dict[str, Any]:
        res: dict[str, Any] = {"id": rid, "type": rtype}
        attrs = self._attributes(rtype, rid, token)
        if attrs:
            res["attributes"] = attrs
        if tree:
            rels: dict[str, Any] = {}
            for name, sub in tree.items():
                ids = self._related_ids(rtype, rid, name, token)
                page, nxt = ids[: self.page_size], len(ids) > self.page_size
                links: dict[str, Any] = {"self": f"/{rtype}/{rid}/relationships/{name}"}
                if nxt:
                    cur = _cursor(self.page_size)
                    links["next"] = f"/{rtype}/{rid}/relationships/{name}?page[cursor]={cur}"
                    links["meta"] = {"nextCursor": cur}
                rels[name] = {"data": page, "links": links}
                self._include_all(page, sub, included, token)
            res["relationships"] = rels
        return res

    def _include_all(
        self,
        idents: Iterable[Mapping[str, Any]],
        tree: Mapping[str, Any],
        included: dict[tuple[str, str], dict[str, Any]],
        token: Token,
    ) -> None:
        for ident in idents:
            key = (str(ident["type"]), str(ident["id"]))
            if ident["type"] == "tracks" and self.track(key[1]) is None:
                continue
            if key not in included:
                included[key] = {}  # placeholder against cycles
                included[key] = self._render(key[0], key[1], tree, included, token)

    def _resource_doc(
        self, rtype: str, rid: str, include: Mapping[str, Any], token: Token, self_link: str
    ) -> httpx.Response:
        self._validate_tree(rtype, include)
        included: dict[tuple[str, str], dict[str, Any]] = {}
        data = self._render(rtype, rid, include, included, token)
        body: dict[str, Any] = {"data": data, "links": {"self": self_link}}
        if included:
            body["included"] = list(included.values())
        return self._doc(200, body)

    def _page(
        self, request: httpx.Request, items: list[Any], base: str
    ) -> tuple[list[Any], dict[str, Any]]:
        """One page of `items` at the request's cursor, and the links (next keeps every
        parameter of the request but the cursor)."""
        q = request.url.params
        start = _uncursor(q.get("page[cursor]"))
        page = items[start : start + self.page_size]
        path = request.url.path.removeprefix(API)
        dropped = {"page[cursor]"} if self.next_keeps_include else {"page[cursor]", "include"}
        others = [(k, v) for k, v in q.multi_items() if k not in dropped]
        self_q = urlencode(list(q.multi_items()), safe="[],.:")
        links: dict[str, Any] = {"self": path + (f"?{self_q}" if self_q else "")}
        if start + self.page_size < len(items):
            cur = _cursor(start + self.page_size)
            nq = urlencode([*others, ("page[cursor]", cur)], safe="[],.:")
            prefix = base if self.absolute_links else ""
            links["next"] = f"{prefix}{path}?{nq}"
            links["meta"] = {"nextCursor": cur}
        return page, links

    def _relationship(
        self,
        request: httpx.Request,
        rtype: str,
        rid: str,
        rel: str,
        include: Mapping[str, Any],
        token: Token,
        base: str,
    ) -> httpx.Response:
        if set(include) - {rel}:
            raise ApiError(
                400,
                f"Invalid include path; available: {rel}",
                "INVALID_INCLUDE",
                source={"parameter": "include"},
            )
        self._validate_tree(rtype, include)
        ids = self._related_ids(rtype, rid, rel, token)
        page, links = self._page(request, ids, base)
        included: dict[tuple[str, str], dict[str, Any]] = {}
        if rel in include:
            self._include_all(page, include[rel], included, token)
        body: dict[str, Any] = {"data": page, "links": links}
        if included:
            body["included"] = list(included.values())
        return self._doc(200, body)

    def _tracks(
        self, request: httpx.Request, include: Mapping[str, Any], token: Token, base: str
    ) -> httpx.Response:
        self._validate_tree("tracks", include)
        q = request.url.params
        isrcs = [i for v in q.get_list("filter[isrc]") for i in v.split(",") if i]
        wanted = [i for v in q.get_list("filter[id]") for i in v.split(",") if i]
        if not isrcs and not wanted:
            raise ApiError(
                400,
                "At least one filter is required. Available filters: "
                + ", ".join(FILTERS["/tracks"]),
                "MISSING_FILTER",
            )
        ids: list[str] = [w for w in wanted if self.track(w) is not None]
        if len(isrcs) == 1:
            ids += [self.track_id(t) for t in self.catalog.by_isrc(isrcs[0])]
            page, links = self._page(request, ids, base)
        else:
            for isrc in isrcs:  # several ISRCs: one track each, no paging
                found = self.catalog.by_isrc(isrc)
                if found:
                    ids.append(self.track_id(found[0]))
            page, links = ids, {"self": request.url.path.removeprefix(API)}
        included: dict[tuple[str, str], dict[str, Any]] = {}
        data = [self._render("tracks", i, include, included, token) for i in page]
        body: dict[str, Any] = {"data": data, "links": links}
        if included:
            body["included"] = list(included.values())
        return self._doc(200, body)

    def _search(
        self, request: httpx.Request, include: Mapping[str, Any], token: Token, base: str
    ) -> httpx.Response:
        self._validate_tree("searchResults", include)
        query = request.url.params.get("filter[query]")
        if not query:
            raise ApiError(
                400,
                "filter[query] is required",
                "MISSING_FILTER",
                source={"parameter": "filter[query]"},
            )
        if len(query) > 256:
            raise ApiError(
                400,
                "filter[query] must be at most 256 characters",
                "VALUE_TOO_LONG",
                source={"parameter": "filter[query]"},
            )
        sid = _b64(query)
        included: dict[tuple[str, str], dict[str, Any]] = {}
        data = self._render("searchResults", sid, include, included, token)
        data["attributes"] = {"query": query, "trackingId": str(uuid.uuid4())}
        body: dict[str, Any] = {"data": [data], "links": {"self": "/searchResults"}}
        if included:
            body["included"] = list(included.values())
        return self._doc(200, body)

    # --- playlists --------------------------------------------------------------------------
    def _playlist(self, pid: str, token: Token) -> FakePlaylist:
        pl = self.playlists.get(pid)
        if pl is None or (pl.access == "PRIVATE" and pl.owner != token.user):
            raise ApiError(404, "Resource not found")
        return pl

    def _list_playlists(
        self, request: httpx.Request, include: Mapping[str, Any], token: Token, base: str
    ) -> httpx.Response:
        self._validate_tree("playlists", include)
        q = request.url.params
        owners = [o for v in q.get_list("filter[owners.id]") for o in v.split(",")]
        wanted = [i for v in q.get_list("filter[id]") for i in v.split(",")]
        if not owners and not wanted and not q.get("filter[collaborators.id]"):
            raise ApiError(
                400,
                "At least one filter is required. Available filters: "
                + ", ".join(FILTERS["/playlists"]),
                "MISSING_FILTER",
            )
        owner_ids = {token.user if o == "me" else o for o in owners}
        if "me" in owners and token.user is None:
            raise ApiError(404, "Resource not found")
        found = [
            p
            for p in self.playlists.values()
            if (not owner_ids or p.owner in owner_ids)
            and (not wanted or p.id in wanted)
            and (p.access != "PRIVATE" or p.owner == token.user)
        ]
        sort = q.get("sort")
        if sort:
            attr = {"createdAt": "created", "lastModifiedAt": "modified", "name": "name"}.get(
                sort.lstrip("-")
            )
            if attr is None:
                raise ApiError(400, f"Invalid sort '{sort}'", "INVALID_SORT")
            found.sort(key=lambda p: getattr(p, attr), reverse=sort.startswith("-"))
        page, links = self._page(request, [p.id for p in found], base)
        included: dict[tuple[str, str], dict[str, Any]] = {}
        data = [self._render("playlists", i, include, included, token) for i in page]
        body: dict[str, Any] = {"data": data, "links": links}
        if included:
            body["included"] = list(included.values())
        return self._doc(200, body)

    def _body(self, request: httpx.Request) -> Any:
        try:
            return json.loads(request.content or b"null")
        except ValueError:
            raise ApiError(400, "Invalid request: body is not JSON", "INVALID_BODY") from None

    def _idempotent(self, request: httpx.Request) -> httpx.Response | None:
        key = request.headers.get("idempotency-key")
        if not key:
            return None
        if len(key) > 128:
            raise ApiError(
                400,
                "Idempotency-Key longer than 128 characters",
                "INVALID_HEADER",
                source={"header": "Idempotency-Key"},
            )
        seen = self._idem.get(key)
        if seen is None:
            return None
        fingerprint, answer = seen
        if fingerprint != self._fingerprint(request):
            raise ApiError(
                422,
                "Idempotency key reused with a different payload",
                "IDEMPOTENT_REQUEST_PAYLOAD_MISMATCH",
            )
        return answer

    @staticmethod
    def _fingerprint(request: httpx.Request) -> str:
        return hashlib.sha256(
            request.method.encode() + request.url.path.encode() + request.content
        ).hexdigest()

    def _remember(self, request: httpx.Request, answer: httpx.Response) -> httpx.Response:
        key = request.headers.get("idempotency-key")
        if key:
            self._idem[key] = (self._fingerprint(request), answer)
        if self.lose_answers:
            self.lose_answers -= 1
            raise DropConnection
        return answer

    def _create_playlist(self, request: httpx.Request, token: Token) -> httpx.Response:
        replay = self._idempotent(request)
        if replay is not None:
            return replay
        user = self._user(token)
        body = self._body(request)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or data.get("type") != "playlists":
            raise ApiError(
                400,
                "Invalid request: data.type must be playlists",
                "INVALID_BODY",
                source={"pointer": "/data/type"},
            )
        attrs = data.get("attributes") or {}
        name = attrs.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ApiError(
                400,
                "Invalid request: name is required",
                "INVALID_BODY",
                source={"pointer": "/data/attributes/name"},
            )
        access = attrs.get("accessType", "UNLISTED")
        if access not in ("PUBLIC", "UNLISTED"):
            raise ApiError(
                400,
                "Invalid request: accessType",
                "INVALID_ENUM_VALUE",
                source={"pointer": "/data/attributes/accessType"},
            )
        pl = self.add_playlist(user, name, description=attrs.get("description"), access=access)
        doc = {
            "data": self._render("playlists", pl.id, {}, {}, token),
            "links": {"self": f"/playlists/{pl.id}"},
        }
        return self._remember(request, self._doc(201, doc))

    def _own(self, pl: FakePlaylist, token: Token) -> None:
        if token.user is None or pl.owner != token.user:
            raise ApiError(403, "Forbidden: not the owner of this playlist", "FORBIDDEN")

    def _items_payload(self, request: httpx.Request) -> list[dict[str, Any]]:
        body = self._body(request)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list) or not 1 <= len(data) <= 50:
            raise ApiError(
                400,
                "Invalid request: data must hold 1 to 50 items",
                "INVALID_BODY",
                source={"pointer": "/data"},
            )
        for i, item in enumerate(data):
            if not isinstance(item, dict) or item.get("type") not in ("tracks", "videos"):
                raise ApiError(
                    400,
                    "Invalid request: type must be tracks or videos",
                    "INVALID_BODY",
                    source={"pointer": f"/data/{i}/type"},
                )
            if not isinstance(item.get("id"), str):
                raise ApiError(
                    400,
                    "Invalid request: id must be a string",
                    "INVALID_BODY",
                    source={"pointer": f"/data/{i}/id"},
                )
        return data

    def _add_items(self, request: httpx.Request, pl: FakePlaylist, token: Token) -> httpx.Response:
        replay = self._idempotent(request)
        if replay is not None:
            return replay
        self._own(pl, token)
        data = self._items_payload(request)
        body = self._body(request)
        before = ((body.get("meta") or {}) if isinstance(body, dict) else {}).get("positionBefore")
        at = len(pl.entries)
        if before is not None:
            at = next((i for i, e in enumerate(pl.entries) if e.item_id == before), -1)
            if at < 0:
                raise ApiError(
                    400,
                    "Invalid request: positionBefore is not an item of it",
                    "INVALID_BODY",
                    source={"pointer": "/meta/positionBefore"},
                )
        added, skipped = [], []
        for item in data:
            tid = item["id"]
            if item["type"] != "tracks" or self.track(tid) is None or tid in self.unavailable:
                skipped.append({"id": tid, "type": item["type"], "reason": "NOT_FOUND"})
                continue
            entry = Entry(str(uuid.uuid4()), tid, self._now())
            pl.entries.insert(at, entry)
            at += 1
            added.append(
                {
                    "id": tid,
                    "type": "tracks",
                    "meta": {"addedAt": _ts(entry.added_at), "itemId": entry.item_id},
                }
            )
        if added:
            pl.modified = self._now()
        doc = {
            "data": added,
            "links": {"self": f"/playlists/{pl.id}/relationships/items"},
            "meta": {"skipped": skipped},
        }
        return self._remember(request, self._doc(200, doc))

    def _remove_items(
        self, request: httpx.Request, pl: FakePlaylist, token: Token
    ) -> httpx.Response:
        replay = self._idempotent(request)
        if replay is not None:
            return replay
        self._own(pl, token)
        data = self._items_payload(request)
        gone = set()
        for i, item in enumerate(data):
            item_id = (item.get("meta") or {}).get("itemId")
            if not isinstance(item_id, str):
                raise ApiError(
                    400,
                    "Invalid request: meta.itemId is required",
                    "INVALID_BODY",
                    source={"pointer": f"/data/{i}/meta/itemId"},
                )
            gone.add((item["id"], item_id))
        before = len(pl.entries)
        pl.entries = [e for e in pl.entries if (e.track_id, e.item_id) not in gone]
        if len(pl.entries) != before:
            pl.modified = self._now()
        doc = {"links": {"self": f"/playlists/{pl.id}/relationships/items"}}
        return self._remember(request, self._doc(200, doc))


def _ts(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def _unb64(text: str) -> str:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except ValueError:
        raise ApiError(404, "Resource not found") from None


def _cursor(offset: int) -> str:
    return _b64(f"o:{offset}")


def _uncursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(raw.removeprefix("o:"))
    except ValueError:
        raise ApiError(
            400, "Invalid page[cursor]", "INVALID_CURSOR", source={"parameter": "page[cursor]"}
        ) from None

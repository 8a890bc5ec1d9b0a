"""The Spotify Web API (`/v1/...`) and accounts service (`/authorize`, `/api/token`) on one
server, in their 2026 development-mode shapes (docs/research/streaming-apis.md section 1).

Web API (`https://api.spotify.com/v1`):

* `Authorization: Bearer <token>`; none is 401 "No token provided", an unknown one 401
  "Invalid access token", an expired one 401 "The access token expired". Errors are
  `{"error": {"status", "message"}}`.
* `GET /me`; `GET /me/playlists` (own and followed, newest created first; limit 20 / max 50);
  `POST /me/playlists` (201, the full playlist); `GET /playlists/{id}` (`fields=` honoured for
  plain and `name(sub,...)` selections); `GET/POST/DELETE /playlists/{id}/items` (each entry's
  `item`; read only by the owner or a collaborator, else 403; writes take at most 100 URIs,
  else 400; each write answers `{"snapshot_id"}` and changes it); `GET /me/tracks` (liked songs,
  `{added_at, track}`, newest first); `GET /search` (type=track, limit 5 / max 10 else 400
  "Invalid limit"; `isrc:`, `track:`, `artist:`, `album:` filters, quoted or not, and free
  text). The pre-2026 `/playlists/{id}/tracks` answers 403 "Forbidden".
* Podcast episodes in a playlist are episode objects when `additional_types` names `episode`,
  else track-shaped with `episode: true` (observed behaviour, not documented).
* Paging objects carry `href`/`next`/`previous` as absolute URLs back at this server.
* Rate limit: 429 `{"error":{"status":429,"message":"API rate limit exceeded"}}` with
  `Retry-After`; the July 2026 quota answer is 429 with `"reason":"QUOTA_EXCEEDED"`.

Accounts (`https://accounts.spotify.com`):

* `GET /authorize`: checks `client_id`, `redirect_uri` (registered; loopback registered without
  a port matches any port), `response_type=code`, `code_challenge_method=S256` and a
  `code_challenge`; answers the consent page ("Spotify - Authorize") whose "Agree" link goes to
  `redirect_uri?code=...&state=...` and "Cancel" to `redirect_uri?error=access_denied&state=...`.
* `POST /api/token` (form): `authorization_code` with PKCE (the verifier is checked against
  the challenge; codes are single use) and `refresh_token`, which rotates the refresh token
  (the old one is then `invalid_grant` "Invalid refresh token"). Errors are the OAuth shape
  `{"error", "error_description"}` with HTTP 400.

Knobs are attributes (see `__init__`); tests expire access tokens with `expire()` and revoke
refresh tokens with `revoke()`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import itertools
import json
import re
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from tests.fakes.catalog import FakeCatalog, FakeTrack
from tests.fakes.server import DropConnection

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_FILTER = re.compile(r'(\w+):(?:"([^"]*)"|(\S+))')
_SEARCH_TYPES = {"album", "artist", "playlist", "track", "show", "episode", "audiobook"}


def spotify_id(kind: str, key: str) -> str:
    """A stable 22-character base62 id for a catalog key (Spotify's id format)."""
    n = int.from_bytes(hashlib.sha256(f"{kind}:{key}".encode()).digest()[:17], "big")
    out = []
    for _ in range(22):
        n, r = divmod(n, 62)
        out.append(_B62[r])
    return "".join(out)


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class Entry:
    """One playlist entry: a catalog track, a local file or a podcast episode."""

    kind: str  # "track" | "local" | "episode"
    ref: str  # catalog key, or the local file's / episode's title
    added_at: str
    added_by: str


@dataclass
class Playlist:
    id: str
    owner: str
    name: str
    description: str = ""
    public: bool = False
    collaborative: bool = False
    collaborators: set[str] = field(default_factory=set)
    entries: list[Entry] = field(default_factory=list)
    snapshot_id: str = ""
    snapshots: list[str] = field(default_factory=list)  # every snapshot_id it had, in order


@dataclass
class AccessToken:
    user: str
    client_id: str
    scope: str
    expires_at: float
    expired: bool = False


@dataclass
class RefreshToken:
    user: str
    client_id: str
    scope: str
    state: str = "valid"  # valid | used (rotated) | revoked


@dataclass
class Code:
    user: str
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    used: bool = False


class FakeSpotify:
    def __init__(
        self,
        catalog: FakeCatalog,
        *,
        client_id: str = "tonearm-test-client",
        redirect_uris: tuple[str, ...] = ("http://127.0.0.1/callback",),
    ) -> None:
        self.catalog = catalog
        self.client_id = client_id
        self.apps: dict[str, list[str]] = {client_id: list(redirect_uris)}
        self.secrets: dict[str, str] = {client_id: "tonearm-test-secret"}  # client credentials
        # --- knobs ---------------------------------------------------------------------------
        self.latency = 0.0
        self.throttle_every = 0  # every Nth API request answers 429
        self.throttle_retry_after = "1"
        self.rate_limited = 0  # the next N API requests answer 429 (Retry-After as above)
        self.quota_exceeded = False  # every API request answers the July 2026 quota 429
        self.quota_retry_after: str | None = "3600"
        self.server_errors = 0  # the next N API requests answer `server_error_status`
        self.server_error_status = 503
        self.drop_answers = 0  # the next N API requests lose their connection (nothing done)
        self.expires_in = 3600  # lifetime of the access tokens it issues
        self.rotate_refresh = True  # a refresh answers a new refresh token, the old one dies
        self.legacy_item_key = False  # serve `track` (extended-quota apps) instead of `item`
        self.unplayable: set[str] = set()  # catalog keys answered is_playable=false
        self.login_user: str | None = None  # who is signed in on the consent page
        # --- state ---------------------------------------------------------------------------
        self.users: dict[str, str] = {}  # id -> display name
        self.playlists: dict[str, Playlist] = {}
        self.library: dict[str, list[str]] = {}  # user -> playlist ids, in the listing order
        self.liked: dict[str, list[tuple[str, str]]] = {}  # user -> (key, added_at), newest first
        self.codes: dict[str, Code] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        # --- counters ------------------------------------------------------------------------
        self.calls: Counter[str] = Counter()  # "GET /playlists/{id}/items" -> n (rejected too)
        self.api_requests = 0
        self.throttled = 0
        self.bodies: list[tuple[str, Any]] = []  # (endpoint, JSON body) of every API write
        self._ids: dict[str, tuple[str, str]] = {}  # spotify id -> (kind, ref)
        self._clock = itertools.count(1)

    # --- seeding -------------------------------------------------------------------------------
    def add_user(self, user_id: str, display_name: str | None = None) -> str:
        self.users[user_id] = display_name or user_id
        self.library.setdefault(user_id, [])
        self.liked.setdefault(user_id, [])
        if self.login_user is None:
            self.login_user = user_id
        return user_id

    def track_id(self, key: str) -> str:
        tid = spotify_id("track", key)
        self._ids[tid] = ("track", key)
        return tid

    def track_uri(self, key: str) -> str:
        return f"spotify:track:{self.track_id(key)}"

    def add_playlist(
        self,
        user: str,
        name: str,
        track_keys: list[str] | tuple[str, ...] = (),
        *,
        owner: str | None = None,
        description: str = "",
        public: bool = False,
        collaborative: bool = False,
        collaborators: tuple[str, ...] = (),
        locals_: tuple[str, ...] = (),
        episodes: tuple[str, ...] = (),
    ) -> str:
        """A playlist in `user`'s list, owned by `owner` (default: `user`; another owner means
        `user` follows it). `locals_` / `episodes` are appended as local files / episodes."""
        owner = owner or user
        if collaborative and owner != user:
            collaborators = (*collaborators, user)  # following a collaborative list: a collaborator
        for u in {user, owner, *collaborators}:
            if u not in self.users:
                self.add_user(u)
        pid = spotify_id("playlist", f"{owner}/{name}/{len(self.playlists)}")
        pl = Playlist(pid, owner, name, description, public, collaborative, set(collaborators))
        for key in track_keys:
            if self.catalog.get(key) is None:
                raise KeyError(key)
            self.track_id(key)
            pl.entries.append(Entry("track", key, self._stamp(), owner))
        pl.entries += [Entry("local", t, self._stamp(), owner) for t in locals_]
        pl.entries += [Entry("episode", t, self._stamp(), owner) for t in episodes]
        self._new_snapshot(pl)
        self.playlists[pid] = pl
        self.library[user].append(pid)
        if owner != user:
            self.library[owner].append(pid)
        return pid

    def like(self, user: str, keys: list[str] | tuple[str, ...]) -> None:
        """Like the tracks in order: the last one is the newest (listed first)."""
        if user not in self.users:
            self.add_user(user)
        for key in keys:
            if self.catalog.get(key) is None:
                raise KeyError(key)
            self.track_id(key)
            self.liked[user].insert(0, (key, self._stamp()))

    def issue_tokens(self, user: str, scope: str = "") -> tuple[str, str]:
        """(access token, refresh token) for `user`, as if they had just connected."""
        access = self._new_access(user, self.client_id, scope)
        refresh = "AQ" + secrets.token_urlsafe(40)
        self.refresh_tokens[refresh] = RefreshToken(user, self.client_id, scope)
        return access, refresh

    # --- test controls -------------------------------------------------------------------------
    def expire(self, access_token: str | None = None) -> None:
        """Expire one access token, or every one issued so far."""
        for token, info in self.access_tokens.items():
            if access_token is None or token == access_token:
                info.expired = True

    def revoke(self, refresh_token: str | None = None, *, user: str | None = None) -> None:
        """Revoke a refresh token (or all of a user's, or all): the next refresh answers
        invalid_grant "Refresh token revoked"; the user's access tokens die too."""
        for token, info in self.refresh_tokens.items():
            if (refresh_token is None or token == refresh_token) and (
                user is None or info.user == user
            ):
                info.state = "revoked"
                for a in self.access_tokens.values():
                    if a.user == info.user:
                        a.expired = True

    def entries(self, playlist_id: str) -> list[str]:
        """The playlist's catalog keys in order (local files and episodes as `kind:title`)."""
        pl = self.playlists[playlist_id]
        return [e.ref if e.kind == "track" else f"{e.kind}:{e.ref}" for e in pl.entries]

    # --- plumbing ------------------------------------------------------------------------------
    def _stamp(self) -> str:
        n = next(self._clock)
        day, hour, minute, second = 1 + n // 86400 % 28, n // 3600 % 24, n // 60 % 60, n % 60
        return f"2026-01-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"

    def _new_snapshot(self, pl: Playlist) -> None:
        pl.snapshot_id = "AAAA" + secrets.token_urlsafe(24)
        pl.snapshots.append(pl.snapshot_id)

    def _new_access(self, user: str, client_id: str, scope: str) -> str:
        token = "BQ" + secrets.token_urlsafe(40)
        self.access_tokens[token] = AccessToken(
            user, client_id, scope, time.monotonic() + self.expires_in
        )
        return token

    @staticmethod
    def _error(status: int, message: str, **headers: str) -> httpx.Response:
        return httpx.Response(
            status, json={"error": {"status": status, "message": message}}, headers=headers
        )

    @staticmethod
    def _oauth_error(error: str, description: str, status: int = 400) -> httpx.Response:
        return httpx.Response(status, json={"error": error, "error_description": description})

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.latency:
            await asyncio.sleep(self.latency)
        path = request.url.path
        if path == "/authorize":
            self.calls["GET /authorize"] += 1
            return self._authorize(request)
        if path == "/api/token":
            self.calls["POST /api/token"] += 1
            return self._token(request)
        if path.startswith("/v1/"):
            return self._api(request, path.removeprefix("/v1"))
        return self._error(404, "Service not found")

    # --- accounts ------------------------------------------------------------------------------
    def _redirect_ok(self, client_id: str, uri: str) -> bool:
        for registered in self.apps.get(client_id, ()):
            if uri == registered:
                return True
            a, b = urlsplit(registered), urlsplit(uri)
            loopback = a.hostname in ("127.0.0.1", "::1") and a.port is None
            if loopback and (a.scheme, a.hostname, a.path) == (b.scheme, b.hostname, b.path):
                return True  # a loopback URI registered without a port takes any port
        return False

    @staticmethod
    def _with_query(uri: str, params: dict[str, str]) -> str:
        parts = urlsplit(uri)
        query = parse_qsl(parts.query) + [(k, v) for k, v in params.items() if v is not None]
        return urlunsplit(parts._replace(query=urlencode(query)))

    def _page(self, status: int, title: str, body: str) -> httpx.Response:
        doc = (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title></head><body>{body}</body></html>"
        )
        return httpx.Response(status, text=doc, headers={"content-type": "text/html"})

    def _authorize(self, request: httpx.Request) -> httpx.Response:
        q = request.url.params
        client_id = q.get("client_id", "")
        redirect_uri = q.get("redirect_uri", "")
        state = q.get("state", "")
        if client_id not in self.apps:
            return self._page(400, "Error", "<p>INVALID_CLIENT: Invalid client</p>")
        if not redirect_uri or not self._redirect_ok(client_id, redirect_uri):
            return self._page(400, "Error", "<p>INVALID_CLIENT: Invalid redirect URI</p>")

        def fail(error: str, description: str) -> httpx.Response:
            target = self._with_query(
                redirect_uri,
                {"error": error, "error_description": description, "state": state or None},
            )
            return httpx.Response(302, headers={"location": target})

        if q.get("response_type") != "code":
            return fail("unsupported_response_type", "response_type must be code")
        if q.get("code_challenge_method") != "S256":
            return fail("invalid_request", "code_challenge_method must be S256")
        if not re.fullmatch(r"[A-Za-z0-9_-]{43}", q.get("code_challenge", "")):
            return fail("invalid_request", "code_challenge must be a S256 challenge")
        user = self.login_user
        if user is None:
            return self._page(200, "Spotify - Log in", "<p>Log in to Spotify</p>")
        code = "AQ" + secrets.token_urlsafe(48)
        self.codes[code] = Code(
            user, client_id, redirect_uri, q["code_challenge"], q.get("scope", "")
        )
        agree = self._with_query(redirect_uri, {"code": code, "state": state or None})
        cancel = self._with_query(redirect_uri, {"error": "access_denied", "state": state or None})
        scopes = "".join(f"<li>{html.escape(s)}</li>" for s in q.get("scope", "").split())
        body = (
            f"<h1>Connect {html.escape(client_id)} to your Spotify account</h1>"
            f"<p>Logged in as {html.escape(self.users.get(user, user))}</p><ul>{scopes}</ul>"
            f'<a id="auth-accept" class="button" href="{html.escape(agree)}">Agree</a> '
            f'<a id="auth-cancel" class="button" href="{html.escape(cancel)}">Cancel</a>'
        )
        return self._page(200, "Spotify - Authorize", body)

    def _token(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST":
            return self._oauth_error("invalid_request", "Method not allowed", 405)
        ctype = request.headers.get("content-type", "")
        if not ctype.startswith("application/x-www-form-urlencoded"):
            return self._oauth_error("invalid_request", "Unsupported content type")
        form = dict(parse_qsl(request.content.decode()))
        client_id = form.get("client_id", "")
        basic = request.headers.get("authorization", "")
        if basic.startswith("Basic "):
            client_id = base64.b64decode(basic[6:]).decode().partition(":")[0]
        if client_id not in self.apps:
            return self._oauth_error("invalid_client", "Invalid client")
        grant = form.get("grant_type")
        if grant == "authorization_code":
            code = self.codes.get(form.get("code", ""))
            if code is None or code.used or code.client_id != client_id:
                return self._oauth_error("invalid_grant", "Invalid authorization code")
            code.used = True  # single use, even when the rest of the request is wrong
            if form.get("redirect_uri") != code.redirect_uri:
                return self._oauth_error("invalid_grant", "Invalid redirect URI")
            verifier = form.get("code_verifier", "")
            if not verifier or challenge_of(verifier) != code.challenge:
                return self._oauth_error("invalid_grant", "code_verifier was incorrect")
            access = self._new_access(code.user, client_id, code.scope)
            refresh = "AQ" + secrets.token_urlsafe(40)
            self.refresh_tokens[refresh] = RefreshToken(code.user, client_id, code.scope)
            return self._token_answer(access, refresh, code.scope)
        if grant == "refresh_token":
            old_token = form.get("refresh_token", "")
            old = self.refresh_tokens.get(old_token)
            if old is None or old.client_id != client_id or old.state == "used":
                return self._oauth_error("invalid_grant", "Invalid refresh token")
            if old.state == "revoked":
                return self._oauth_error("invalid_grant", "Refresh token revoked")
            access = self._new_access(old.user, client_id, old.scope)
            refresh = None
            if self.rotate_refresh:
                old.state = "used"
                refresh = "AQ" + secrets.token_urlsafe(40)
                self.refresh_tokens[refresh] = RefreshToken(old.user, client_id, old.scope)
            return self._token_answer(access, refresh, old.scope)
        if grant == "client_credentials":  # app-only: the secret in the Basic header
            secret = base64.b64decode(basic[6:]).decode().partition(":")[2] if basic else ""
            if not secret or secret != self.secrets.get(client_id):
                return self._oauth_error("invalid_client", "Invalid client secret")
            access = self._new_access("", client_id, "")
            body = {"access_token": access, "token_type": "Bearer", "expires_in": self.expires_in}
            return httpx.Response(200, json=body)
        if not grant:
            return self._oauth_error("unsupported_grant_type", "grant_type parameter is missing")
        return self._oauth_error("unsupported_grant_type", f"grant_type {grant} is not supported")

    def _token_answer(self, access: str, refresh: str | None, scope: str) -> httpx.Response:
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": self.expires_in,
        }
        if refresh:
            body["refresh_token"] = refresh
        return httpx.Response(200, json=body)

    # --- web api -------------------------------------------------------------------------------
    _ROUTES: tuple[tuple[str, re.Pattern[str], str], ...] = (
        ("GET", re.compile(r"/me"), "me"),
        ("GET", re.compile(r"/me/playlists"), "my_playlists"),
        ("POST", re.compile(r"/me/playlists"), "create_playlist"),
        ("GET", re.compile(r"/me/tracks"), "liked_songs"),
        ("GET", re.compile(r"/search"), "search"),
        ("GET", re.compile(r"/playlists/([^/]+)"), "get_playlist"),
        ("GET", re.compile(r"/playlists/([^/]+)/items"), "get_items"),
        ("POST", re.compile(r"/playlists/([^/]+)/items"), "add_items"),
        ("DELETE", re.compile(r"/playlists/([^/]+)/items"), "remove_items"),
    )

    def _api(self, request: httpx.Request, path: str) -> httpx.Response:
        method = request.method
        endpoint = re.sub(r"^/playlists/[^/]+", "/playlists/{id}", path)
        self.calls[f"{method} {endpoint}"] += 1
        self.api_requests += 1
        if self.drop_answers:
            self.drop_answers -= 1
            raise DropConnection
        if self.quota_exceeded:
            self.throttled += 1
            headers = {"retry-after": self.quota_retry_after} if self.quota_retry_after else {}
            body = {"error": {"status": 429, "message": "Too many requests"}}
            body["error"]["reason"] = "QUOTA_EXCEEDED"
            return httpx.Response(429, json=body, headers=headers)
        if self.rate_limited or (
            self.throttle_every and self.api_requests % self.throttle_every == 0
        ):
            self.rate_limited = max(0, self.rate_limited - 1)
            self.throttled += 1
            return self._error(
                429, "API rate limit exceeded", **{"retry-after": self.throttle_retry_after}
            )
        if self.server_errors:
            self.server_errors -= 1
            status = self.server_error_status
            messages = {500: "Server error.", 502: "Bad gateway.", 503: "Service unavailable"}
            return self._error(status, messages.get(status, "Server error."))
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            return self._error(401, "No token provided")
        token = self.access_tokens.get(auth[7:].strip())
        if token is None:
            return self._error(401, "Invalid access token")
        if token.expired or time.monotonic() >= token.expires_at:
            return self._error(401, "The access token expired")
        if re.fullmatch(r"/playlists/[^/]+/tracks", path):
            return self._error(403, "Forbidden")  # removed for development-mode apps in 2026
        known_path = False
        for m, pattern, name in self._ROUTES:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            known_path = True
            if m == method:
                handler = getattr(self, f"_api_{name}")
                result: httpx.Response = handler(request, token.user, *match.groups())
                return result
        if known_path:
            return self._error(405, "Method not allowed")
        return self._error(404, "Service not found")

    # paging -------------------------------------------------------------------------------------
    def _limits(
        self, request: httpx.Request, default: int, maximum: int
    ) -> tuple[int, int] | httpx.Response:
        q = request.url.params
        try:
            limit = int(q.get("limit", default))
        except ValueError:
            return self._error(400, "Invalid limit")
        if not 0 <= limit <= maximum:
            return self._error(400, "Invalid limit")
        try:
            offset = int(q.get("offset", 0))
        except ValueError:
            return self._error(400, "Invalid offset")
        if offset < 0 or offset > 100_000:
            return self._error(400, "Invalid offset")
        return limit, offset

    @staticmethod
    def _url(request: httpx.Request, **params: Any) -> str:
        query = dict(request.url.params)
        query.update({k: str(v) for k, v in params.items()})
        return str(request.url.copy_with(query=urlencode(query).encode()))

    def _paging(
        self,
        request: httpx.Request,
        items: list[dict[str, Any]],
        total: int,
        limit: int,
        offset: int,
    ) -> dict[str, Any]:
        nxt = self._url(request, offset=offset + limit, limit=limit)
        prev = self._url(request, offset=max(0, offset - limit), limit=limit)
        return {
            "href": self._url(request, offset=offset, limit=limit),
            "limit": limit,
            "next": nxt if limit and offset + limit < total else None,
            "offset": offset,
            "previous": prev if offset > 0 else None,
            "total": total,
            "items": items,
        }

    # objects ------------------------------------------------------------------------------------
    def _base(self, request: httpx.Request) -> str:
        return f"{request.url.scheme}://{request.url.netloc.decode()}/v1"

    def _user_obj(self, request: httpx.Request, user: str, *, full: bool = False) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "external_urls": {"spotify": f"https://open.spotify.com/user/{user}"},
            "href": f"{self._base(request)}/users/{user}",
            "id": user,
            "type": "user",
            "uri": f"spotify:user:{user}",
            "display_name": self.users.get(user, user),
        }
        if full:
            obj["images"] = []
        return obj

    def _track_obj(
        self, request: httpx.Request, t: FakeTrack, market: str | None
    ) -> dict[str, Any]:
        base = self._base(request)
        tid = self.track_id(t.key)
        artists = [
            {
                "external_urls": {"spotify": f"https://open.spotify.com/artist/{aid}"},
                "href": f"{base}/artists/{aid}",
                "id": aid,
                "name": name,
                "type": "artist",
                "uri": f"spotify:artist:{aid}",
            }
            for name in t.artists
            for aid in [spotify_id("artist", name)]
        ]
        album_id = spotify_id("album", f"{t.album}|{t.artists[:1]}")
        obj: dict[str, Any] = {
            "album": {
                "album_type": "album",
                "artists": artists[:1],
                "external_urls": {"spotify": f"https://open.spotify.com/album/{album_id}"},
                "href": f"{base}/albums/{album_id}",
                "id": album_id,
                "images": [
                    {"url": f"https://i.scdn.co/image/{album_id}", "height": 640, "width": 640}
                ],
                "name": t.album or t.title,
                "release_date": "2020-01-01",
                "release_date_precision": "day",
                "total_tracks": 10,
                "type": "album",
                "uri": f"spotify:album:{album_id}",
            },
            "artists": artists,
            "disc_number": t.disc_number or 1,
            "duration_ms": round((t.duration or 0) * 1000),
            "explicit": False,
            "external_ids": {"isrc": t.isrc} if t.isrc else {},
            "external_urls": {"spotify": f"https://open.spotify.com/track/{tid}"},
            "href": f"{base}/tracks/{tid}",
            "id": tid,
            "is_local": False,
            "name": t.title,
            "track_number": t.track_number or 1,
            "type": "track",
            "uri": f"spotify:track:{tid}",
        }
        if market:
            obj["is_playable"] = t.key not in self.unplayable
        return obj

    def _entry_obj(self, request: httpx.Request, e: Entry, market: str | None) -> dict[str, Any]:
        inner: dict[str, Any]
        if e.kind == "track":
            track = self.catalog.get(e.ref)
            assert track is not None
            inner = self._track_obj(request, track, market)
        elif e.kind == "local":
            inner = {
                "album": {"name": "", "images": [], "artists": []},
                "artists": [{"name": "", "type": "artist", "uri": None, "id": None}],
                "duration_ms": 200000,
                "id": None,
                "is_local": True,
                "name": e.ref,
                "type": "track",
                "uri": f"spotify:local:::{e.ref.replace(' ', '+')}:200",
            }
        else:
            eid = spotify_id("episode", e.ref)
            show = {"id": spotify_id("show", e.ref), "name": "A show", "type": "show"}
            types = request.url.params.get("additional_types", "").split(",")
            if "episode" in types:
                inner = {
                    "id": eid,
                    "name": e.ref,
                    "type": "episode",
                    "uri": f"spotify:episode:{eid}",
                    "duration_ms": 1800000,
                    "show": show,
                }
            else:
                # A client that did not ask for episodes gets them shaped as tracks, flagged
                # `episode: true` (observed since 2020: tekore#164, SpotifyAPI-NET#436).
                inner = {
                    "album": {"album_type": "show", "name": show["name"], "images": []},
                    "artists": [{"name": show["name"], "type": "show", "id": show["id"]}],
                    "duration_ms": 1800000,
                    "episode": True,
                    "track": False,
                    "id": eid,
                    "is_local": False,
                    "name": e.ref,
                    "type": "track",
                    "uri": f"spotify:episode:{eid}",
                    "external_urls": {"spotify": f"https://open.spotify.com/episode/{eid}"},
                }
        return {
            "added_at": e.added_at,
            "added_by": self._user_obj(request, e.added_by),
            "is_local": e.kind == "local",
            "primary_color": None,
            ("track" if self.legacy_item_key else "item"): inner,
        }

    def _playlist_obj(
        self, request: httpx.Request, pl: Playlist, *, full: bool, viewer: str
    ) -> dict[str, Any]:
        base = self._base(request)
        summary_href = f"{base}/playlists/{pl.id}/items"
        obj: dict[str, Any] = {
            "collaborative": pl.collaborative,
            "description": pl.description,
            "external_urls": {"spotify": f"https://open.spotify.com/playlist/{pl.id}"},
            "href": f"{base}/playlists/{pl.id}",
            "id": pl.id,
            "images": [],
            "name": pl.name,
            "owner": self._user_obj(request, pl.owner),
            "primary_color": None,
            "public": pl.public,
            "snapshot_id": pl.snapshot_id,
            "items": {"href": summary_href, "total": len(pl.entries)},
            "tracks": None,
            "type": "playlist",
            "uri": f"spotify:playlist:{pl.id}",
        }
        if full and self._may_read(pl, viewer):
            market = request.url.params.get("market")
            entries = pl.entries[:100]
            page = self._paging(
                request,
                [self._entry_obj(request, e, market) for e in entries],
                len(pl.entries),
                100,
                0,
            )
            page["href"] = f"{summary_href}?offset=0&limit=100"
            if page["next"]:
                page["next"] = f"{summary_href}?offset=100&limit=100"
            obj["items"] = page
        return obj

    @staticmethod
    def _may_read(pl: Playlist, user: str) -> bool:
        return user == pl.owner or (pl.collaborative and user in pl.collaborators)

    # handlers -----------------------------------------------------------------------------------
    def _api_me(self, request: httpx.Request, user: str) -> httpx.Response:
        return httpx.Response(200, json=self._user_obj(request, user, full=True))

    def _api_my_playlists(self, request: httpx.Request, user: str) -> httpx.Response:
        limits = self._limits(request, 20, 50)
        if isinstance(limits, httpx.Response):
            return limits
        limit, offset = limits
        ids = self.library.get(user, [])
        items = [
            self._playlist_obj(request, self.playlists[p], full=False, viewer=user)
            for p in ids[offset : offset + limit]
        ]
        return httpx.Response(200, json=self._paging(request, items, len(ids), limit, offset))

    def _json_body(self, request: httpx.Request) -> Any:
        try:
            return json.loads(request.content or b"null")
        except ValueError:
            return None

    def _api_create_playlist(self, request: httpx.Request, user: str) -> httpx.Response:
        body = self._json_body(request)
        self.bodies.append(("POST /me/playlists", body))
        if not isinstance(body, dict):
            return self._error(400, "Error parsing JSON.")
        if not body.get("name"):
            return self._error(400, "Missing required field: name")
        pid = spotify_id("playlist", f"{user}/{body['name']}/{len(self.playlists)}")
        pl = Playlist(
            pid,
            user,
            str(body["name"]),
            str(body.get("description") or ""),
            bool(body.get("public", True)),
            bool(body.get("collaborative", False)),
        )
        self._new_snapshot(pl)
        self.playlists[pid] = pl
        self.library.setdefault(user, []).insert(0, pid)
        obj = self._playlist_obj(request, pl, full=True, viewer=user)
        return httpx.Response(201, json=obj)

    def _api_liked_songs(self, request: httpx.Request, user: str) -> httpx.Response:
        limits = self._limits(request, 20, 50)
        if isinstance(limits, httpx.Response):
            return limits
        limit, offset = limits
        market = request.url.params.get("market")
        liked = self.liked.get(user, [])
        items = []
        for key, added_at in liked[offset : offset + limit]:
            track = self.catalog.get(key)
            assert track is not None
            items.append({"added_at": added_at, "track": self._track_obj(request, track, market)})
        return httpx.Response(200, json=self._paging(request, items, len(liked), limit, offset))

    def _api_search(self, request: httpx.Request, user: str) -> httpx.Response:
        q = request.url.params
        if not q.get("q"):
            return self._error(400, "No search query")
        if not q.get("type"):
            return self._error(400, "Missing parameter type")
        types = set(q["type"].split(","))
        if not types <= _SEARCH_TYPES:
            return self._error(400, "Bad search type field")
        limits = self._limits(request, 5, 10)
        if isinstance(limits, httpx.Response):
            return limits
        limit, offset = limits
        if offset + limit > 1000:
            return self._error(400, "Invalid offset")
        filters: dict[str, str] = {}
        for m in _FILTER.finditer(q["q"]):
            filters[m.group(1).lower()] = m.group(2) if m.group(2) is not None else m.group(3)
        free = _FILTER.sub(" ", q["q"])
        out: dict[str, Any] = {}
        if "track" in types:
            if "isrc" in filters:
                found = self.catalog.by_isrc(filters["isrc"])
                page, total = found[offset : offset + limit], len(found)
            else:
                page, total = self.catalog.search(
                    free,
                    title=filters.get("track"),
                    artist=filters.get("artist"),
                    album=filters.get("album"),
                    limit=limit,
                    offset=offset,
                )
            market = q.get("market")
            items = [self._track_obj(request, t, market) for t in page]
            out["tracks"] = self._paging(request, items, total, limit, offset)
        return httpx.Response(200, json=out)

    def _playlist_or_404(self, pid: str) -> Playlist | httpx.Response:
        pl = self.playlists.get(pid)
        if pl is None:
            return self._error(404, "Resource not found")
        return pl

    def _api_get_playlist(self, request: httpx.Request, user: str, pid: str) -> httpx.Response:
        pl = self._playlist_or_404(pid)
        if isinstance(pl, httpx.Response):
            return pl
        obj = self._playlist_obj(request, pl, full=True, viewer=user)
        fields = request.url.params.get("fields")
        if fields:
            obj = select_fields(obj, parse_fields(fields))
        return httpx.Response(200, json=obj)

    def _api_get_items(self, request: httpx.Request, user: str, pid: str) -> httpx.Response:
        pl = self._playlist_or_404(pid)
        if isinstance(pl, httpx.Response):
            return pl
        if not self._may_read(pl, user):
            return self._error(403, "Forbidden")
        limits = self._limits(request, 20, 50)
        if isinstance(limits, httpx.Response):
            return limits
        limit, offset = limits
        market = request.url.params.get("market")
        items = [self._entry_obj(request, e, market) for e in pl.entries[offset : offset + limit]]
        page = self._paging(request, items, len(pl.entries), limit, offset)
        fields = request.url.params.get("fields")
        if fields:
            page = select_fields(page, parse_fields(fields))
        return httpx.Response(200, json=page)

    def _writable(self, pl: Playlist, user: str) -> bool:
        return self._may_read(pl, user)

    def _uris(self, values: list[Any]) -> list[tuple[str, str]] | httpx.Response:
        out = []
        for uri in values:
            if not isinstance(uri, str):
                return self._error(400, "Invalid track uri")
            kind, _, sid = uri.removeprefix("spotify:").partition(":")
            target = self._ids.get(sid)
            if kind not in ("track", "episode") or target is None or target[0] != kind:
                return self._error(400, f"Invalid track uri: {uri}")
            out.append(target)
        return out

    def _api_add_items(self, request: httpx.Request, user: str, pid: str) -> httpx.Response:
        pl = self._playlist_or_404(pid)
        if isinstance(pl, httpx.Response):
            return pl
        body = self._json_body(request)
        self.bodies.append(("POST /playlists/{id}/items", body))
        if not self._writable(pl, user):
            return self._error(403, "Forbidden")
        query_uris = request.url.params.get("uris")
        if query_uris:  # the query's uris win; the body is ignored
            uris: Any = query_uris.split(",")
            position = request.url.params.get("position")
        elif isinstance(body, dict) and isinstance(body.get("uris"), list):
            uris, position = body["uris"], body.get("position")
        else:
            return self._error(400, "No uris provided")
        if not uris:
            return self._error(400, "No uris provided")
        if len(uris) > 100:
            return self._error(400, "You can add a maximum of 100 tracks per request.")
        targets = self._uris(uris)
        if isinstance(targets, httpx.Response):
            return targets
        new = [Entry(kind, ref, self._stamp(), user) for kind, ref in targets]
        at = len(pl.entries) if position is None else int(position)
        if not 0 <= at <= len(pl.entries):
            return self._error(400, "Index out of bounds")
        pl.entries[at:at] = new
        self._new_snapshot(pl)
        return httpx.Response(201, json={"snapshot_id": pl.snapshot_id})

    def _api_remove_items(self, request: httpx.Request, user: str, pid: str) -> httpx.Response:
        pl = self._playlist_or_404(pid)
        if isinstance(pl, httpx.Response):
            return pl
        body = self._json_body(request)
        self.bodies.append(("DELETE /playlists/{id}/items", body))
        if not self._writable(pl, user):
            return self._error(403, "Forbidden")
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            return self._error(400, "No uris provided")  # also the 2025 `tracks` key
        if len(items) > 100:
            return self._error(400, "You can remove a maximum of 100 tracks per request.")
        targets = self._uris([i.get("uri") if isinstance(i, dict) else None for i in items])
        if isinstance(targets, httpx.Response):
            return targets
        gone = set(targets)
        pl.entries = [e for e in pl.entries if (e.kind, e.ref) not in gone]
        self._new_snapshot(pl)
        return httpx.Response(200, json={"snapshot_id": pl.snapshot_id})


# --- the `fields` filter ---------------------------------------------------------------------


def parse_fields(spec: str) -> dict[str, Any]:
    """`id,name,items(total,items(item(name)))` -> {"id": {}, "name": {}, "items": {...}};
    an empty dict means the whole value."""

    def parse(i: int) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        name = ""
        while i < len(spec):
            c = spec[i]
            if c == "(":
                sub, i = parse(i + 1)
                out[name.strip()] = sub
                name = ""
            elif c == ")":
                if name.strip():
                    out[name.strip()] = {}
                return out, i + 1
            elif c == ",":
                if name.strip():
                    out[name.strip()] = {}
                name = ""
                i += 1
            else:
                name += c
                i += 1
        if name.strip():
            out[name.strip()] = {}
        return out, i

    return parse(0)[0]


def select_fields(value: Any, selection: dict[str, Any]) -> Any:
    if not selection:
        return value
    if isinstance(value, list):
        return [select_fields(v, selection) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: select_fields(value[k], sub) for k, sub in selection.items() if k in value}

"""Deezer's API and its connect host, as developers.deezer.com/api documents them (and as
clients observed where the reference is silent; see docs/research/streaming-apis.md, 2).

* Connect: `GET /oauth/auth.php?app_id&redirect_uri&perms&state` stands for the consent page:
  it answers 302 to `redirect_uri?code=...&state=...` for `consent_user` (or
  `?error_reason=user_denied` when `deny`). `GET /oauth/access_token.php?app_id&secret&code`
  answers `access_token=...&expires=...` (text/html), or `{"access_token","expires"}` with
  `output=json`; `expires` is 0 with `offline_access` (the token does not expire), 3600
  otherwise. A bad or used code (or a wrong app/secret: a guess) is the bare text `wrong code`.
* API: every answer is HTTP 200; errors are `{"error":{"type","message","code"}}`. The token is
  the `access_token` query parameter; an unknown, expired or revoked one is code 300
  `Invalid OAuth access token.` on any endpoint; `/user/me...` without one is code 200.
* Paging: `index`, `limit` (default 25, at most `max_limit`), answers `data`, `total`, `next`
  and `prev` (absolute URLs repeating the query with a new `index`).
* Lists (search, playlist tracks, favourites) carry the short track form (no `isrc`); the full
  form comes from `/track/{id}` and `/track/isrc:{isrc}` (unknown: code 800 `no data`).
* Writes: `POST /user/me/playlists?title=` -> `{"id":N}`; `POST /playlist/{id}` updates title,
  description, public -> `true`; `POST|DELETE /playlist/{id}/tracks?songs=1,2` -> `true`. A song
  already in the playlist refuses the whole request (`This song already exists in this
  playlist`, code 500, as observed); more than `max_songs` songs is code 100 (a guess at the
  observed failure of large batches). `request_method=post|delete` tunnels the verb.
* Knobs: `latency`, `throttle_every` (every Nth API request answers code 4 `Quota limit
  exceeded`; Deezer sends no Retry-After, so `throttle_retry_after` is kept only for the common
  knob set), `busy` (the next N API requests answer code 700), `http_errors` (the next N answer
  HTTP 502 from the edge), counters per endpoint in `counts`.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import re
import secrets
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.fakes.catalog import FakeCatalog, FakeTrack

ALL_PERMS = frozenset({"basic_access", "manage_library", "offline_access", "delete_library"})

QUOTA = (4, "Exception", "Quota limit exceeded")
ITEMS_LIMIT = (100, "Exception", "Items limit exceeded")
PERMISSION = (200, "OAuthException", "Permission denied")
NO_USER_TOKEN = (
    200,
    "OAuthException",
    "An active access token must be used to query information about the current user",
)
TOKEN_INVALID = (300, "OAuthException", "Invalid OAuth access token.")
WRONG_PARAMETER = (500, "ParameterException", "Wrong parameter")
ALREADY_THERE = (500, "ParameterException", "This song already exists in this playlist")
BUSY = (700, "Exception", "Service busy")
NO_DATA = (800, "DataException", "no data")

_FIELD = re.compile(r'(\w+):"([^"]*)"')


def deezer_id(track: FakeTrack) -> int:
    """The catalog key as a Deezer track id (a number)."""
    if track.key.isdigit():
        return 3_000_000 + int(track.key)
    return 100_000_000 + zlib.crc32(track.key.encode())


def _small_id(text: str) -> int:
    return 1 + zlib.crc32(text.encode()) % 9_999_999


@dataclass
class FakeUser:
    id: int
    name: str
    country: str = "FR"
    favourites: list[tuple[int, int]] = field(default_factory=list)  # (track id, time_add)


@dataclass
class FakePlaylist:
    id: int
    title: str
    creator: int
    public: bool = True
    collaborative: bool = False
    description: str = ""
    tracks: list[tuple[int, int]] = field(default_factory=list)

    def checksum(self) -> str:
        return hashlib.md5(",".join(str(t) for t, _ in self.tracks).encode()).hexdigest()


@dataclass
class FakeToken:
    user: int
    perms: frozenset[str]
    state: str = "valid"  # "valid", "expired", "revoked"


def _error(found: tuple[int, str, str]) -> httpx.Response:
    code, kind, message = found
    return httpx.Response(200, json={"error": {"type": kind, "message": message, "code": code}})


def _true() -> httpx.Response:
    return httpx.Response(200, json=True)


class FakeDeezer:
    def __init__(
        self,
        catalog: FakeCatalog | None = None,
        *,
        app_id: str = "123456",
        secret: str = "deezer-secret",
    ) -> None:
        self.catalog = catalog or FakeCatalog()
        self.app_id = app_id
        self.secret = secret
        self.latency = 0.0
        self.throttle_every = 0
        self.throttle_retry_after = "1"  # unused: Deezer's code 4 has no Retry-After
        self.busy = 0
        self.http_errors = 0
        self.max_limit = 100
        self.max_songs = 50
        self.deny = False  # the consent page: the user refuses
        self.consent_user: int | None = None
        self.consent_perms: frozenset[str] | None = None  # None: what the app asked for
        self.counts: Counter[str] = Counter()  # "GET /user/me/playlists": n
        self.api_requests = 0
        self.throttled = 0
        self.searches: list[dict[str, Any]] = []  # {"q", "strict"} of every search
        self.users: dict[int, FakeUser] = {}
        self.playlists: dict[int, FakePlaylist] = {}
        self.tokens: dict[str, FakeToken] = {}
        self.codes: dict[str, tuple[int, frozenset[str]]] = {}
        self._user_ids = itertools.count(1001)
        self._playlist_ids = itertools.count(11_336_219_700)
        self._clock = itertools.count(1_700_000_000)
        self._ids: dict[int, FakeTrack] = {}
        self._indexed = 0

    # --- seeding -----------------------------------------------------------------------
    def add_user(self, name: str = "dz-user", *, country: str = "FR") -> int:
        user = FakeUser(next(self._user_ids), name, country)
        self.users[user.id] = user
        if self.consent_user is None:
            self.consent_user = user.id
        return user.id

    def issue_token(
        self, user: int, *, perms: frozenset[str] | set[str] = ALL_PERMS, state: str = "valid"
    ) -> str:
        token = "fr" + secrets.token_hex(24)
        self.tokens[token] = FakeToken(user, frozenset(perms), state)
        return token

    def expire(self, token: str) -> None:
        self.tokens[token].state = "expired"

    def revoke(self, token: str) -> None:
        self.tokens[token].state = "revoked"

    def track_id(self, track: FakeTrack | str) -> int:
        t = track if isinstance(track, FakeTrack) else self.catalog.get(track)
        assert t is not None, track
        return deezer_id(t)

    def add_playlist(
        self,
        user: int,
        title: str,
        tracks: Sequence[FakeTrack | str] = (),
        *,
        public: bool = True,
        collaborative: bool = False,
        description: str = "",
    ) -> int:
        pl = FakePlaylist(next(self._playlist_ids), title, user, public, collaborative, description)
        pl.tracks = [(self.track_id(t), next(self._clock)) for t in tracks]
        self.playlists[pl.id] = pl
        return pl.id

    def like(self, user: int, tracks: Sequence[FakeTrack | str]) -> None:
        fav = self.users[user].favourites
        fav.extend((self.track_id(t), next(self._clock)) for t in tracks)

    # --- lookups -----------------------------------------------------------------------
    def track_by_id(self, track_id: int) -> FakeTrack | None:
        if self._indexed != len(self.catalog.tracks):
            self._ids = {deezer_id(t): t for t in self.catalog.tracks}
            self._indexed = len(self.catalog.tracks)
        return self._ids.get(track_id)

    def _artist(self, name: str) -> dict[str, Any]:
        artist_id = _small_id(name)
        return {
            "id": artist_id,
            "name": name,
            "link": f"https://www.deezer.com/artist/{artist_id}",
            "picture": f"https://api.deezer.com/artist/{artist_id}/image",
            "tracklist": f"https://api.deezer.com/artist/{artist_id}/top?limit=50",
            "type": "artist",
        }

    def _album(self, t: FakeTrack) -> dict[str, Any]:
        album_id = _small_id(f"{t.album}/{t.artists[:1]}")
        md5 = hashlib.md5(str(album_id).encode()).hexdigest()
        cover = f"https://cdn-images.dzcdn.net/images/cover/{md5}"
        return {
            "id": album_id,
            "title": t.album or t.title,
            "cover": f"https://api.deezer.com/album/{album_id}/image",
            "cover_small": f"{cover}/56x56-000000-80-0-0.jpg",
            "cover_medium": f"{cover}/250x250-000000-80-0-0.jpg",
            "cover_big": f"{cover}/500x500-000000-80-0-0.jpg",
            "cover_xl": f"{cover}/1000x1000-000000-80-0-0.jpg",
            "md5_image": md5,
            "tracklist": f"https://api.deezer.com/album/{album_id}/tracks",
            "type": "album",
        }

    def short_track(self, t: FakeTrack, time_add: int | None = None) -> dict[str, Any]:
        tid = deezer_id(t)
        obj: dict[str, Any] = {
            "id": tid,
            "readable": True,
            "title": t.title,
            "title_short": t.title,
            "title_version": "",
            "link": f"https://www.deezer.com/track/{tid}",
            "duration": round(t.duration or 0),
            "rank": 500000,
            "explicit_lyrics": False,
            "explicit_content_lyrics": 0,
            "explicit_content_cover": 0,
            "preview": f"https://cdnt-preview.dzcdn.net/api/1/1/{tid}.mp3",
            "md5_image": self._album(t)["md5_image"],
        }
        if time_add is not None:
            obj["time_add"] = time_add
        obj["artist"] = self._artist(t.artists[0] if t.artists else "Unknown")
        obj["album"] = self._album(t)
        obj["type"] = "track"
        return obj

    def full_track(self, t: FakeTrack) -> dict[str, Any]:
        obj = self.short_track(t)
        obj.update(
            isrc=t.isrc or "",
            share=f"https://www.deezer.com/track/{obj['id']}?utm_source=deezer",
            track_position=t.track_number or 1,
            disk_number=t.disc_number or 1,
            release_date="2020-01-01",
            bpm=0,
            gain=-8.2,
            available_countries=["FR", "DE", "GB", "US"],
            contributors=[{**self._artist(a), "role": "Main"} for a in t.artists],
        )
        obj["type"] = obj.pop("type")
        return obj

    def _user_obj(self, user: FakeUser) -> dict[str, Any]:
        return {
            "id": user.id,
            "name": user.name,
            "lastname": "",
            "firstname": "",
            "status": 0,
            "link": f"https://www.deezer.com/profile/{user.id}",
            "picture": f"https://api.deezer.com/user/{user.id}/image",
            "country": user.country,
            "lang": "EN",
            "is_kid": False,
            "tracklist": f"https://api.deezer.com/user/{user.id}/flow",
            "type": "user",
        }

    def _creator(self, user_id: int) -> dict[str, Any]:
        user = self.users.get(user_id)
        return {
            "id": user_id,
            "name": user.name if user else str(user_id),
            "tracklist": f"https://api.deezer.com/user/{user_id}/flow",
            "type": "user",
        }

    def _playlist_obj(self, pl: FakePlaylist, *, loved: bool = False) -> dict[str, Any]:
        md5 = hashlib.md5(str(pl.id).encode()).hexdigest()
        pic = f"https://cdn-images.dzcdn.net/images/playlist/{md5}"
        return {
            "id": pl.id,
            "title": pl.title,
            "description": pl.description,
            "duration": 0,
            "public": pl.public,
            "is_loved_track": loved,
            "collaborative": pl.collaborative,
            "nb_tracks": len(pl.tracks),
            "fans": 0,
            "link": f"https://www.deezer.com/playlist/{pl.id}",
            "picture": f"https://api.deezer.com/playlist/{pl.id}/image",
            "picture_medium": f"{pic}/250x250-000000-80-0-0.jpg",
            "picture_xl": f"{pic}/1000x1000-000000-80-0-0.jpg",
            "checksum": pl.checksum(),
            "tracklist": f"https://api.deezer.com/playlist/{pl.id}/tracks",
            "creation_date": "2026-01-01 00:00:00",
            "creator": self._creator(pl.creator),
            "type": "playlist",
        }

    def _loved(self, user: FakeUser) -> FakePlaylist:
        loved = FakePlaylist(user.id * 10, "Loved Tracks", user.id, public=False)
        loved.tracks = user.favourites
        return loved

    # --- HTTP --------------------------------------------------------------------------
    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.latency:
            await asyncio.sleep(self.latency)
        path = request.url.path
        if path.startswith("/oauth/"):
            self.counts[f"GET {path}"] += 1
            return self._connect(request)
        params = request.url.params
        method = (params.get("request_method") or request.method).upper()
        self.api_requests += 1
        self.counts[f"{method} {self._template(path)}"] += 1
        if self.throttle_every and self.api_requests % self.throttle_every == 0:
            self.throttled += 1
            return _error(QUOTA)
        if self.http_errors:
            self.http_errors -= 1
            return httpx.Response(502, text="<html><body>502 Bad Gateway</body></html>")
        if self.busy:
            self.busy -= 1
            return _error(BUSY)
        token: FakeToken | None = None
        if "access_token" in params:
            token = self.tokens.get(params["access_token"])
            if token is None or token.state != "valid":
                return _error(TOKEN_INVALID)
        return self._route(request, method, path, token)

    @staticmethod
    def _template(path: str) -> str:
        path = re.sub(r"/isrc:[^/]*", "/isrc:{isrc}", path)
        return re.sub(r"/\d+", "/{id}", path)

    def _connect(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        if request.url.path == "/oauth/auth.php":
            redirect = params.get("redirect_uri", "")
            if params.get("app_id") != self.app_id or not redirect:
                return httpx.Response(200, text="<html>Invalid application</html>")
            sep = "&" if "?" in redirect else "?"
            if self.deny or self.consent_user is None:
                query = {"error_reason": "user_denied", "state": params.get("state", "")}
            else:
                perms = frozenset(params.get("perms", "basic_access").split(","))
                code = "fr" + secrets.token_hex(16)
                self.codes[code] = (self.consent_user, self.consent_perms or perms)
                query = {"code": code, "state": params.get("state", "")}
            return httpx.Response(302, headers={"location": f"{redirect}{sep}{urlencode(query)}"})
        if request.url.path == "/oauth/access_token.php":
            granted = self.codes.pop(params.get("code", ""), None)
            if (
                granted is None
                or params.get("app_id") != self.app_id
                or params.get("secret") != self.secret
            ):
                return httpx.Response(
                    200, text="wrong code", headers={"content-type": "text/html; charset=utf-8"}
                )
            user, perms = granted
            token = self.issue_token(user, perms=perms)
            expires = 0 if "offline_access" in perms else 3600
            if params.get("output") == "json":
                return httpx.Response(200, json={"access_token": token, "expires": expires})
            return httpx.Response(
                200,
                text=f"access_token={token}&expires={expires}",
                headers={"content-type": "text/html; charset=utf-8"},
            )
        return httpx.Response(404, text="Not Found")

    def _page(self, request: httpx.Request, items: list[Any], **extra: Any) -> httpx.Response:
        params = request.url.params
        try:
            index = max(0, int(params.get("index", "0")))
            limit = max(1, min(int(params.get("limit", "25")), self.max_limit))
        except ValueError:
            return _error(WRONG_PARAMETER)
        body: dict[str, Any] = {"data": items[index : index + limit], **extra, "total": len(items)}
        base = f"{request.url.scheme}://{request.url.netloc.decode()}{request.url.path}"
        rest = [(k, v) for k, v in params.multi_items() if k != "index"]
        if index > 0:
            body["prev"] = f"{base}?{urlencode([*rest, ('index', max(0, index - limit))])}"
        if index + limit < len(items):
            body["next"] = f"{base}?{urlencode([*rest, ('index', index + limit)])}"
        return httpx.Response(200, json=body)

    def _tracks(self, entries: list[tuple[int, int]]) -> list[dict[str, Any]]:
        out = []
        for tid, added in entries:
            t = self.track_by_id(tid)
            if t is not None:
                out.append(self.short_track(t, added))
        return out

    def _route(
        self, request: httpx.Request, method: str, path: str, token: FakeToken | None
    ) -> httpx.Response:
        params = request.url.params
        parts = [p for p in path.split("/") if p]
        if parts[:2] == ["user", "me"]:
            if token is None:
                return _error(NO_USER_TOKEN)
            user = self.users[token.user]
            rest = parts[2:]
            if not rest and method == "GET":
                return httpx.Response(200, json=self._user_obj(user))
            if rest == ["playlists"] and method == "GET":
                own = [self._playlist_obj(self._loved(user), loved=True)]
                own += [
                    self._playlist_obj(p) for p in self.playlists.values() if p.creator == user.id
                ]
                return self._page(request, own)
            if rest == ["playlists"] and method == "POST":
                if "manage_library" not in token.perms:
                    return _error(PERMISSION)
                title = params.get("title", "")
                if not title:
                    return _error((501, "MissingParameterException", "Missing parameters: title"))
                pl = FakePlaylist(next(self._playlist_ids), title, user.id)
                self.playlists[pl.id] = pl
                return httpx.Response(200, json={"id": pl.id})
            if rest == ["tracks"] and method == "GET":
                return self._page(request, self._tracks(user.favourites))
            if rest == ["tracks"] and method == "POST":
                if "manage_library" not in token.perms:
                    return _error(PERMISSION)
                tid = params.get("track_id", "")
                if not tid.isdigit() or self.track_by_id(int(tid)) is None:
                    return _error(WRONG_PARAMETER)
                user.favourites.insert(0, (int(tid), next(self._clock)))
                return _true()
            return _error(NO_DATA)
        if parts and parts[0] == "track" and len(parts) == 2 and method == "GET":
            ref = parts[1]
            if ref.startswith("isrc:"):
                found = self.catalog.by_isrc(ref.removeprefix("isrc:"))
                t = found[0] if found else None
            else:
                t = self.track_by_id(int(ref)) if ref.isdigit() else None
            return httpx.Response(200, json=self.full_track(t)) if t else _error(NO_DATA)
        if parts == ["search", "track"] or parts == ["search"]:
            return self._search(request)
        if parts and parts[0] == "playlist" and len(parts) in (2, 3) and parts[1].isdigit():
            target = self.playlists.get(int(parts[1]))
            if target is None:
                return _error(NO_DATA)
            if len(parts) == 2:
                return self._playlist(request, method, target, token)
            if parts[2] == "tracks":
                return self._playlist_tracks(request, method, target, token)
        return _error(NO_DATA)

    def _search(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        q = params.get("q", "")
        fields = {k.lower(): v for k, v in _FIELD.findall(q)}
        text = _FIELD.sub(" ", q)
        self.searches.append({"q": q, "strict": params.get("strict")})
        found, _ = self.catalog.search(
            text,
            title=fields.get("track"),
            artist=fields.get("artist"),
            album=fields.get("album"),
            limit=10_000,
        )
        return self._page(request, [self.short_track(t) for t in found])

    def _may_edit(self, pl: FakePlaylist, token: FakeToken | None) -> tuple[int, str, str] | None:
        if token is None:
            return NO_USER_TOKEN
        if "manage_library" not in token.perms:
            return PERMISSION
        if pl.creator != token.user and not pl.collaborative:
            return PERMISSION
        return None

    def _playlist(
        self, request: httpx.Request, method: str, pl: FakePlaylist, token: FakeToken | None
    ) -> httpx.Response:
        if method == "GET":
            obj = self._playlist_obj(pl)
            obj["tracks"] = {"data": self._tracks(pl.tracks[:400]), "checksum": pl.checksum()}
            return httpx.Response(200, json=obj)
        if method == "POST":
            if (refused := self._may_edit(pl, token)) is not None:
                return _error(refused)
            params = request.url.params
            if "title" in params:
                pl.title = params["title"]
            if "description" in params:
                pl.description = params["description"]
            if "public" in params:
                pl.public = params["public"].lower() in ("true", "1")
            if "collaborative" in params:
                pl.collaborative = params["collaborative"].lower() in ("true", "1")
            return _true()
        if method == "DELETE":
            if token is None or pl.creator != token.user or "delete_library" not in token.perms:
                return _error(PERMISSION)
            del self.playlists[pl.id]
            return _true()
        return _error(NO_DATA)

    def _playlist_tracks(
        self, request: httpx.Request, method: str, pl: FakePlaylist, token: FakeToken | None
    ) -> httpx.Response:
        if method == "GET":
            return self._page(request, self._tracks(pl.tracks), checksum=pl.checksum())
        if method not in ("POST", "DELETE"):
            return _error(NO_DATA)
        if (refused := self._may_edit(pl, token)) is not None:
            return _error(refused)
        songs = [s for s in request.url.params.get("songs", "").split(",") if s]
        if not songs:
            return _error((501, "MissingParameterException", "Missing parameters: songs"))
        if not all(s.isdigit() for s in songs):
            return _error(WRONG_PARAMETER)
        ids = [int(s) for s in songs]
        if len(ids) > self.max_songs:
            return _error(ITEMS_LIMIT)
        if method == "DELETE":
            drop = set(ids)
            pl.tracks = [(t, a) for t, a in pl.tracks if t not in drop]
            return _true()
        if any(self.track_by_id(t) is None for t in ids):
            return _error(WRONG_PARAMETER)
        present = {t for t, _ in pl.tracks}
        if len(set(ids)) != len(ids) or present & set(ids):
            return _error(ALREADY_THERE)
        pl.tracks.extend((t, next(self._clock)) for t in ids)
        return _true()

"""The Last.fm API client (https://www.last.fm/api: authspec, scrobbling, track.scrobble,
track.updateNowPlaying, user.getInfo, errorcodes).

* Every call of a session (and `auth.getSession`) is signed: `api_sig` is the MD5 of the
  parameters sorted by name, each name followed by its value, then the shared secret (UTF-8);
  `format` and `callback` are not signed.
* Writes are form-encoded POSTs to the API root. `track.scrobble` takes up to 50 scrobbles in
  array notation (`artist[i]`, `track[i]`, `timestamp[i]`, ...).
* Errors are in the body, `{"error": <int>, "message"}`, with HTTP 200 as often as 4xx/5xx:
  11 and 16 are temporary (retried), 29 is the rate limit, 9 (invalid session) and 4/14/15
  (authentication) mean the user must reconnect, 26 a suspended API key. Ignored scrobbles
  (`ignoredMessage.code` other than "0": an ignored artist, a timestamp too old or too new,
  the daily limit) are answered 200 and reported in `ScrobbleResult.ignored`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from tonearm.kit.http import GuardedResponse
from tonearm.providers.base import (
    AuthRevoked,
    Listen,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
    ScrobbleResult,
    ServiceUser,
)
from tonearm.providers.http import ServiceHttp, TokenSource, default_classify
from tonearm.providers.registry import AppCredentials

BATCH = 50
UNSIGNED = frozenset({"format", "callback", "api_sig"})
TEMPORARY = frozenset({8, 11, 16})
AUTH = frozenset({4, 9, 14, 15})
RATE_LIMIT = 29
IGNORED = {
    "1": "artist ignored",
    "2": "track ignored",
    "3": "timestamp too old",
    "4": "timestamp too new",
    "5": "daily scrobble limit exceeded",
}


def sign(params: Mapping[str, str], secret: str) -> str:
    text = "".join(f"{k}{params[k]}" for k in sorted(params) if k not in UNSIGNED)
    return hashlib.md5((text + secret).encode("utf-8"), usedforsecurity=False).hexdigest()


def classify(resp: GuardedResponse) -> ProviderError | None:
    try:
        body: Any = resp.json()
    except ValueError:
        body = None
    code = body.get("error") if isinstance(body, dict) else None
    if isinstance(code, int) and not isinstance(code, bool):
        message = f"Last.fm error {code}: {body.get('message') or 'no message'}"
        extra = {"lastfm_error": code, "upstream_status": resp.status_code}
        if code in TEMPORARY:
            return ProviderUnavailable(message, extra=extra)
        if code == RATE_LIMIT:
            return RateLimited(message)  # no Retry-After: backed off
        if code in AUTH:
            return AuthRevoked(message, extra=extra)
        return ProviderError(message, extra=extra)
    if not 200 <= resp.status_code < 300:
        return default_classify(resp)
    return None


async def _call(
    http: ServiceHttp,
    creds: AppCredentials,
    method: str,
    params: Mapping[str, str],
    *,
    post: bool = True,
    retry: bool = False,
) -> dict[str, Any]:
    signed = {**params, "method": method, "api_key": creds.client_id}
    if creds.client_secret is None:
        raise ProviderError("Last.fm needs the API shared secret")
    signed["api_sig"] = sign(signed, creds.client_secret)
    signed["format"] = "json"
    if post:
        body = await http.json("POST", "", data=signed, retry_non_idempotent=retry)
    else:
        body = await http.json("GET", "", params=signed)
    if not isinstance(body, dict):
        raise ProviderError(f"Last.fm answered {method} with something unexpected")
    return body


async def get_session(http: ServiceHttp, creds: AppCredentials, token: str) -> tuple[str, str]:
    """The session key and the user name for a token the user authorized."""
    body = await _call(http, creds, "auth.getSession", {"token": token}, post=False)
    session = body.get("session") or {}
    if not isinstance(session, dict) or not session.get("key"):
        raise ProviderError("Last.fm's auth.getSession answer has no session")
    return str(session["key"]), str(session.get("name") or "")


def _text(obj: Any) -> str:
    if isinstance(obj, dict):
        return str(obj.get("#text") or "")
    return str(obj or "")


class LastfmClient:
    batch: ClassVar[int] = BATCH

    def __init__(self, http: ServiceHttp, creds: AppCredentials, session: TokenSource) -> None:
        self.http = http
        self.creds = creds
        self.session = session

    async def _call(
        self, method: str, params: Mapping[str, str], *, post: bool = True, retry: bool = False
    ) -> dict[str, Any]:
        sk = await self.session(False)
        return await _call(
            self.http, self.creds, method, {**params, "sk": sk}, post=post, retry=retry
        )

    async def me(self) -> ServiceUser:
        body = await self._call("user.getInfo", {}, post=False)
        user = body.get("user") or {}
        name = str(user.get("name") or "")
        return ServiceUser(id=name, name=user.get("realname") or name, url=user.get("url"))

    async def scrobble(self, listens: Sequence[Listen]) -> ScrobbleResult:
        ignored: list[tuple[int, str]] = []
        good: list[int] = []
        for i, listen in enumerate(listens):
            if not listen.title.strip() or not listen.artists or not listen.artists[0].strip():
                ignored.append((i, "no artist or track name"))
            else:
                good.append(i)
        accepted = 0
        for start in range(0, len(good), BATCH):
            chunk = good[start : start + BATCH]
            params: dict[str, str] = {}
            for n, i in enumerate(chunk):
                params.update(_scrobble_params(listens[i], n))
            # Retrying a failed batch is safe: Last.fm keeps one scrobble per track and time.
            body = await self._call("track.scrobble", params, retry=True)
            got, why = _scrobbles(body)
            accepted += got
            ignored.extend((chunk[n], reason) for n, reason in why if n < len(chunk))
        ignored.sort()
        return ScrobbleResult(accepted=accepted, ignored=ignored)

    async def now_playing(self, listen: Listen) -> None:
        params = _scrobble_params(listen, None)
        params.pop("timestamp", None)
        # Failed now-playing requests should not be retried (Last.fm's scrobbling docs).
        await self._call("track.updateNowPlaying", params)


def _scrobble_params(listen: Listen, i: int | None) -> dict[str, str]:
    def key(name: str) -> str:
        return name if i is None else f"{name}[{i}]"

    out = {
        key("artist"): listen.artists[0] if listen.artists else "",
        key("track"): listen.title,
        key("timestamp"): str(int(listen.listened_at.timestamp())),
    }
    if listen.album:
        out[key("album")] = listen.album
    if listen.duration:
        out[key("duration")] = str(round(listen.duration))
    if listen.track_number is not None:
        out[key("trackNumber")] = str(listen.track_number)
    if listen.mb_recording_id:
        out[key("mbid")] = listen.mb_recording_id
    return out


def _scrobbles(body: dict[str, Any]) -> tuple[int, list[tuple[int, str]]]:
    """(accepted, [(index in the batch, why ignored)])."""
    scrobbles = body.get("scrobbles") or {}
    attr = scrobbles.get("@attr") or {}
    items = scrobbles.get("scrobble") or []
    if isinstance(items, dict):
        items = [items]
    why: list[tuple[int, str]] = []
    for n, item in enumerate(items):
        msg = item.get("ignoredMessage") if isinstance(item, dict) else None
        code = str(msg.get("code", "0")) if isinstance(msg, dict) else "0"
        if code != "0":
            text = _text(msg)
            reason = IGNORED.get(code, f"ignored (code {code})")
            why.append((n, f"{reason}: {text}" if text and text != reason else reason))
    try:
        accepted = int(attr.get("accepted", len(items) - len(why)))
    except (TypeError, ValueError):
        accepted = len(items) - len(why)
    return accepted, why

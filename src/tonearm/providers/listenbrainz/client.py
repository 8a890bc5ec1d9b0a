"""The ListenBrainz client (https://listenbrainz.readthedocs.io, `docs/users/api` and
`docs/users/json.rst`).

* `POST /1/submit-listens`: `listen_type` "single" (exactly one listen), "import" (up to 1000
  listens, at most 10,240,000 bytes) or "playing_now" (one, without `listened_at`). Each
  listen is at most 10,240 bytes, has a non-empty `artist_name` and `track_name` and a
  `listened_at` (the start of playback) not before 2002-10-01. Listens that break these
  rules are not sent: they come back in `ScrobbleResult.ignored`.
* `GET /1/validate-token`: always 200 for a present token, `valid` true or false.
* Errors are `{"code", "error"}`; 401 is a token the service no longer takes (a pasted
  token cannot be refreshed: `AuthRevoked`); 429 carries `X-RateLimit-Reset-In` (seconds).
"""

from __future__ import annotations

import json as jsonlib
from collections.abc import Sequence
from typing import Any, ClassVar

from tonearm.kit.http import GuardedResponse, parse_retry_after
from tonearm.providers.base import (
    AuthRevoked,
    Listen,
    ProviderError,
    RateLimited,
    ScrobbleResult,
    ServiceUser,
)
from tonearm.providers.http import ServiceHttp, TokenSource, default_classify, error_message

MAX_LISTENS = 1000  # MAX_LISTENS_PER_REQUEST
MAX_LISTEN_SIZE = 10240  # bytes of one listen's JSON
MAX_PAYLOAD = 10_240_000  # bytes of one request's listens
MIN_LISTENED_AT = 1033430400  # 2002-10-01 UTC
MAX_TAGS = 50
WEB = "https://listenbrainz.org"


def classify(resp: GuardedResponse) -> ProviderError | None:
    status = resp.status_code
    if 200 <= status < 300:
        return None
    detail = f"ListenBrainz: {error_message(resp)}"
    if status == 429:
        wait = parse_retry_after(resp.headers.get("x-ratelimit-reset-in"))
        if wait is None:
            wait = parse_retry_after(resp.headers.get("retry-after"))
        return RateLimited(detail, retry_after=wait)
    if status == 401:
        return AuthRevoked(detail)
    if status == 400:
        return ProviderError(_bad_listen(resp, detail), extra={"upstream_status": 400})
    return default_classify(resp)


def _bad_listen(resp: GuardedResponse, detail: str) -> str:
    """The 400's message, naming the listen it is about (the server merges the offending
    listen's keys into the error body)."""
    try:
        body = resp.json()
    except ValueError:
        return detail
    meta = body.get("track_metadata") if isinstance(body, dict) else None
    if isinstance(meta, dict):
        artist, track = meta.get("artist_name"), meta.get("track_name")
        return f"{detail} (listen: {artist!s} - {track!s}, listened_at {body.get('listened_at')})"
    return detail


async def validate(http: ServiceHttp, token: str) -> ServiceUser:
    body = await http.json("GET", "1/validate-token", headers={"Authorization": f"Token {token}"})
    if not isinstance(body, dict) or not body.get("valid"):
        raise AuthRevoked("ListenBrainz does not accept this token")
    name = str(body.get("user_name") or "")
    return ServiceUser(id=name, name=name, url=f"{WEB}/user/{name}/")


def listen_json(listen: Listen, *, playing_now: bool = False) -> dict[str, Any]:
    info: dict[str, Any] = {"submission_client": "Tonearm"}
    if listen.mb_recording_id:
        info["recording_mbid"] = listen.mb_recording_id
    if listen.isrc:
        info["isrc"] = listen.isrc
    if listen.duration:
        info["duration_ms"] = round(listen.duration * 1000)
    if listen.track_number is not None:
        info["tracknumber"] = listen.track_number
    meta: dict[str, Any] = {
        "artist_name": ", ".join(listen.artists),
        "track_name": listen.title,
        "additional_info": info,
    }
    if listen.album:
        meta["release_name"] = listen.album
    out: dict[str, Any] = {"track_metadata": meta}
    if not playing_now:
        out["listened_at"] = int(listen.listened_at.timestamp())
    return out


def problem(listen: Listen, obj: dict[str, Any]) -> str | None:
    """Why the service would refuse the listen, or None."""
    if not listen.title.strip():
        return "no track name"
    if not any(a.strip() for a in listen.artists):
        return "no artist name"
    if "listened_at" in obj and obj["listened_at"] < MIN_LISTENED_AT:
        return "listened_at before 2002-10-01"
    if len(_dumps(obj)) > MAX_LISTEN_SIZE:
        return f"larger than {MAX_LISTEN_SIZE} bytes"
    return None


def _dumps(obj: Any) -> bytes:
    return jsonlib.dumps(obj, ensure_ascii=False).encode("utf-8")


class ListenBrainzClient:
    batch: ClassVar[int] = MAX_LISTENS

    def __init__(self, http: ServiceHttp, token: TokenSource) -> None:
        self.http = http
        self.token = token

    async def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {await self.token(False)}"}

    async def me(self) -> ServiceUser:
        return await validate(self.http, await self.token(False))

    async def _submit(self, listen_type: str, payload: list[dict[str, Any]]) -> None:
        # Resending is safe: ListenBrainz keeps one listen per user, time and recording.
        await self.http.call(
            "POST",
            "1/submit-listens",
            json={"listen_type": listen_type, "payload": payload},
            headers=await self._headers(),
            retry_non_idempotent=listen_type != "playing_now",
        )

    async def scrobble(self, listens: Sequence[Listen]) -> ScrobbleResult:
        ignored: list[tuple[int, str]] = []
        good: list[dict[str, Any]] = []
        for i, listen in enumerate(listens):
            obj = listen_json(listen)
            why = problem(listen, obj)
            if why:
                ignored.append((i, why))
            else:
                good.append(obj)
        if len(good) == 1 and len(listens) == 1:
            await self._submit("single", good)
        else:
            for chunk in _chunks(good):
                await self._submit("import", chunk)
        return ScrobbleResult(accepted=len(good), ignored=ignored)

    async def now_playing(self, listen: Listen) -> None:
        obj = listen_json(listen, playing_now=True)
        why = problem(listen, obj)
        if why:
            raise ProviderError(f"ListenBrainz would refuse this listen: {why}")
        await self._submit("playing_now", [obj])


def _chunks(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """At most MAX_LISTENS listens and MAX_PAYLOAD bytes each (a margin left for the rest of
    the document)."""
    out: list[list[dict[str, Any]]] = []
    chunk: list[dict[str, Any]] = []
    size = 0
    for obj in items:
        n = len(_dumps(obj)) + 2
        if chunk and (len(chunk) >= MAX_LISTENS or size + n > MAX_PAYLOAD - 1024):
            out.append(chunk)
            chunk, size = [], 0
        chunk.append(obj)
        size += n
    if chunk:
        out.append(chunk)
    return out

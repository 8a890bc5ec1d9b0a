"""ListenBrainz's API (`/1/...`), as its docs and server code show it
(docs/research/streaming-apis.md section 6).

* `Authorization: Token <token>`; none 401 "You need to provide an Authorization header.",
  another scheme 401 "Provided Authorization header is invalid.", an unknown or revoked token
  401 "Invalid authorization token.". Errors are `{"code", "error"}`.
* `GET /1/validate-token`: 200 `{"code":200,"message":"Token valid.","valid":true,
  "user_name":..}` or `{"code":200,"message":"Token invalid.","valid":false}`; no token 400.
* `POST /1/submit-listens`: validates `listen_type`, the count (one for single/playing_now,
  at most 1000 for import), sizes, `listened_at` (an int >= 1033430400, absent for
  playing_now), `artist_name`/`track_name`, tags, `duration_ms` xor `duration`; a listen's
  error merges that listen's keys into the body. 200 `{"status":"ok"}`. Listens are kept per
  user (`listens`, deduplicated on user, listened_at and track as ListenBrainz does), the
  last playing_now in `playing_now`, every accepted document in `submissions`.
* Every answer carries `X-RateLimit-*`; `throttle_every` N: every Nth request is 429 with
  `X-RateLimit-Reset-In: throttle_retry_after`.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import httpx

from tests.fakes.catalog import FakeCatalog

MAX_LISTENS = 1000
MAX_LISTEN_SIZE = 10240
MAX_PAYLOAD = 10_240_000
MIN_LISTENED_AT = 1033430400
MAX_TAGS, MAX_TAG_SIZE = 50, 64
MAX_DURATION_MS = 24 * 24 * 3600 * 1000


class BadListen(Exception):
    def __init__(self, message: str, listen: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.listen = listen


class FakeListenBrainz:
    def __init__(self, catalog: FakeCatalog | None = None) -> None:
        self.catalog = catalog or FakeCatalog()  # not served: ListenBrainz takes listens
        self.latency = 0.0
        self.throttle_every = 0
        self.throttle_retry_after = "1"
        self.rate_limit = 30  # X-RateLimit-Limit
        self.tokens: dict[str, str] = {}  # token -> user name
        self.revoked: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.listens: dict[str, list[dict[str, Any]]] = {}
        self.playing_now: dict[str, dict[str, Any]] = {}
        self.submissions: list[dict[str, Any]] = []
        self.fail_next: list[int] = []  # statuses to answer the next submits with (500, ...)
        self._requests = 0

    def issue(self, user: str, token: str | None = None) -> str:
        token = token or f"lb-{user}-{len(self.tokens) + 1:04d}"
        self.tokens[token] = user
        return token

    def revoke(self, token: str) -> None:
        self.revoked.add(token)

    def _headers(self, remaining: int) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(max(0, remaining)),
            "X-RateLimit-Reset-In": self.throttle_retry_after,
            "X-RateLimit-Reset": "1767225600",
        }

    def _answer(self, status: int, body: dict[str, Any], remaining: int = 10) -> httpx.Response:
        return httpx.Response(status, json=body, headers=self._headers(remaining))

    def _error(self, status: int, message: str, **extra: Any) -> httpx.Response:
        return self._answer(status, {**extra, "code": status, "error": message})

    def _user(self, request: httpx.Request) -> str | httpx.Response:
        auth = request.headers.get("authorization")
        if not auth:
            return self._error(401, "You need to provide an Authorization header.")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "token" or not token:
            return self._error(401, "Provided Authorization header is invalid.")
        user = self.tokens.get(token.strip())
        if user is None or token.strip() in self.revoked:
            return self._error(401, "Invalid authorization token.")
        return user

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.latency:
            await asyncio.sleep(self.latency)
        path = request.url.path.rstrip("/")
        self.counts[path] += 1
        self._requests += 1
        if self.throttle_every and self._requests % self.throttle_every == 0:
            return self._answer(
                429,
                {
                    "code": 429,
                    "error": "Too Many Requests: 429 per 1 minute",
                },
                remaining=0,
            )
        if path == "/1/validate-token" and request.method == "GET":
            return self._validate(request)
        if path == "/1/submit-listens" and request.method == "POST":
            user = self._user(request)
            if isinstance(user, httpx.Response):
                return user
            if self.fail_next:
                return self._error(self.fail_next.pop(0), "Internal Server Error")
            return self._submit(user, request)
        return self._error(404, "Not Found")

    def _validate(self, request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("authorization", "")
        token = auth.partition(" ")[2].strip() if auth else request.url.params.get("token", "")
        if not token:
            return self._error(400, "You need to provide an Authorization token.")
        user = self.tokens.get(token)
        if user is None or token in self.revoked:
            return self._answer(200, {"code": 200, "message": "Token invalid.", "valid": False})
        body = {"code": 200, "message": "Token valid.", "valid": True, "user_name": user}
        return self._answer(200, body)

    def _submit(self, user: str, request: httpx.Request) -> httpx.Response:
        try:
            doc = json.loads(request.content)
        except ValueError as exc:
            return self._error(400, f"Cannot parse JSON document: {exc}")
        try:
            listen_type, payload = self._check(doc, len(request.content))
        except BadListen as exc:
            return self._error(400, str(exc), **(exc.listen or {}))
        self.submissions.append(doc)
        if listen_type == "playing_now":
            self.playing_now[user] = payload[0]
        else:
            kept = self.listens.setdefault(user, [])
            seen = {(x["listened_at"], x["track_metadata"]["track_name"]) for x in kept}
            for listen in payload:
                if (listen["listened_at"], listen["track_metadata"]["track_name"]) not in seen:
                    kept.append(listen)
        return self._answer(200, {"status": "ok"})

    def _check(self, doc: Any, size: int) -> tuple[str, list[dict[str, Any]]]:
        if not isinstance(doc, dict):
            raise BadListen("Invalid JSON document submitted.")
        listen_type = doc.get("listen_type")
        if listen_type not in ("single", "playing_now", "import"):
            raise BadListen("JSON document requires a valid listen_type key.")
        payload = doc.get("payload")
        if not isinstance(payload, list) or not payload:
            raise BadListen("JSON document does not contain any listens")
        if size > MAX_PAYLOAD:
            raise BadListen("Payload too large.")
        if len(payload) > MAX_LISTENS:
            raise BadListen(
                f"Too many listens. You may not submit more than {MAX_LISTENS} listens at once."
            )
        if listen_type != "import" and len(payload) != 1:
            raise BadListen(
                "JSON document contains more than listen for a single/playing_now. "
                "It should contain only one."
            )
        for listen in payload:
            self._check_listen(listen, listen_type)
        return listen_type, payload

    def _check_listen(self, listen: Any, listen_type: str) -> None:
        if not isinstance(listen, dict):
            raise BadListen("Listen is not a JSON object.")
        if len(json.dumps(listen).encode()) > MAX_LISTEN_SIZE:
            raise BadListen(
                f"JSON document is too large. In aggregate, listens may not "
                f"exceed {MAX_LISTEN_SIZE} characters.",
                listen,
            )
        if listen_type == "playing_now":
            if "listened_at" in listen:
                raise BadListen(
                    "JSON document must not contain listened_at while submitting playing_now.",
                    listen,
                )
        else:
            at = listen.get("listened_at")
            if at is None:
                raise BadListen(
                    "JSON document must contain the key listened_at at the top level.", listen
                )
            if not isinstance(at, int) or isinstance(at, bool):
                raise BadListen("JSON document must contain an int value for listened_at.", listen)
            if at < MIN_LISTENED_AT:
                raise BadListen(
                    f"Value for key listened_at is too low. listened_at timestamp should be "
                    f"greater than {MIN_LISTENED_AT}.",
                    listen,
                )
        meta = listen.get("track_metadata")
        if not isinstance(meta, dict):
            raise BadListen("JSON document does not contain required field track_metadata.", listen)
        for key in ("artist_name", "track_name"):
            value = meta.get(key)
            if not isinstance(value, str) or not value.strip():
                raise BadListen(
                    f"JSON document does not contain required field track_metadata.{key}.",
                    listen,
                )
        info = meta.get("additional_info") or {}
        if not isinstance(info, dict):
            raise BadListen("additional_info must be a JSON object.", listen)
        tags = info.get("tags") or []
        if len(tags) > MAX_TAGS or any(len(str(t)) > MAX_TAG_SIZE for t in tags):
            raise BadListen(f"JSON document may not contain more than {MAX_TAGS} tags.", listen)
        if "duration_ms" in info and "duration" in info:
            raise BadListen(
                "JSON document should not contain both duration and duration_ms.", listen
            )
        ms = info.get("duration_ms", (info.get("duration") or 0) * 1000)
        if not isinstance(ms, int | float) or ms < 0 or ms > MAX_DURATION_MS:
            raise BadListen("Value for duration is invalid.", listen)

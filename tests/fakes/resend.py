"""Resend's `POST /emails`, as https://resend.com/docs/api-reference documents it.

* `Authorization: Bearer <key>`: none is 401 `missing_api_key`, a wrong one 403
  `invalid_api_key`.
* Body: `from`, `to` (a list), `subject` and `text` or `html`; a missing field is 422
  `validation_error`. Success: 200 `{"id": "<uuid>"}`.
* Rate limit: 429 `rate_limit_exceeded` with `retry-after` and the `ratelimit-*` headers.
* `Idempotency-Key`: a key seen in the last 24 hours gets the first answer again and sends
  nothing.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from tests.fakes.server import DropConnection


class FakeResend:
    def __init__(self, api_key: str = "re_test") -> None:
        self.api_key = api_key
        self.sent: list[dict[str, Any]] = []
        self.rate_limited = 0  # answer this many requests with 429 first
        self.retry_after = "1"
        self.lose_answers = 0  # accept this many emails, then drop the connection
        self._answers: dict[str, httpx.Response] = {}

    def _error(self, status: int, name: str, message: str, **headers: str) -> httpx.Response:
        body = {"statusCode": status, "name": name, "message": message}
        return httpx.Response(status, json=body, headers=headers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or request.url.path != "/emails":
            return self._error(404, "not_found", "The requested endpoint does not exist.")
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return self._error(
                401, "missing_api_key", "Missing API key in the authorization header."
            )
        if auth.removeprefix("Bearer ") != self.api_key:
            return self._error(403, "invalid_api_key", "API key is invalid")
        if self.rate_limited:
            self.rate_limited -= 1
            return self._error(
                429,
                "rate_limit_exceeded",
                "Too many requests. You can only make 2 requests per second.",
                **{
                    "retry-after": self.retry_after,
                    "ratelimit-limit": "2",
                    "ratelimit-remaining": "0",
                    "ratelimit-reset": self.retry_after,
                },
            )
        key = request.headers.get("idempotency-key")
        if key and key in self._answers:
            return self._answers[key]
        body = json.loads(request.content)
        for field in ("from", "to", "subject"):
            if not body.get(field):
                return self._error(422, "validation_error", f"The `{field}` field is missing.")
        if not (body.get("text") or body.get("html")):
            return self._error(422, "validation_error", "Missing `html` or `text` field.")
        self.sent.append(body)
        answer = httpx.Response(200, json={"id": str(uuid.uuid4())})
        if key:
            self._answers[key] = answer
        if self.lose_answers:
            self.lose_answers -= 1
            raise DropConnection
        return answer

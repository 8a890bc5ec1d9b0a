"""MSG91's Flow API, as https://docs.msg91.com documents it: `POST /api/v5/flow` with an
`authkey` header and `{"template_id", "short_url", "recipients": [{"mobiles", <variables>}]}`.

MSG91 answers errors with HTTP 200 and `{"type": "error", "message": ...}` (the documented
example: `{"type": "error", "message": "Missing Authentication Key", "code": "106"}`), so a
client must read `type`; success is `{"type": "success", "message": "<request id>"}`.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx


class FakeMsg91:
    def __init__(self, auth_key: str = "msg91-key", template_id: str = "tmpl-otp") -> None:
        self.auth_key = auth_key
        self.template_id = template_id
        self.sent: list[dict[str, Any]] = []

    @staticmethod
    def _error(message: str, code: str | None = None) -> httpx.Response:
        body = {"type": "error", "message": message}
        return httpx.Response(200, json=body if code is None else {**body, "code": code})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or request.url.path.rstrip("/") != "/api/v5/flow":
            return httpx.Response(404, json={"type": "error", "message": "Not found"})
        key = request.headers.get("authkey")
        if not key:
            return self._error("Missing Authentication Key", "106")
        if key != self.auth_key:
            return self._error("Authentication failure")
        body = json.loads(request.content)
        if body.get("template_id") != self.template_id:
            return self._error("Invalid template id")
        if not body.get("recipients") or not all(r.get("mobiles") for r in body["recipients"]):
            return self._error("Mobile number is required")
        self.sent.append(body)
        return httpx.Response(200, json={"type": "success", "message": uuid.uuid4().hex[:24]})

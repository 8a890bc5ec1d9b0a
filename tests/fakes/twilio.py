"""Twilio's Messages resource, as https://www.twilio.com/docs/messaging/api/message-resource
documents it: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded `To`,
`From`, `Body`, HTTP Basic with the account SID and auth token.

Errors are `{"code", "message", "more_info", "status"}`: 401 code 20003 (authenticate), 404 code
20404 (another account), 400 code 21211 (invalid `To`), 21603 (`From` missing), 429 code 20429
(too many requests: never processed, safe to retry). Success: 201 with the Message resource.
"""

from __future__ import annotations

import base64
import re
import uuid
from typing import Any

import httpx

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


class FakeTwilio:
    def __init__(self, account_sid: str = "AC" + "0" * 32, auth_token: str = "token") -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sent: list[dict[str, str]] = []
        self.rate_limited = 0
        self.retry_after: str | None = "1"

    def _error(self, status: int, code: int, message: str, **headers: str) -> httpx.Response:
        body: dict[str, Any] = {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }
        return httpx.Response(status, json=body, headers=headers)

    def _authorised(self, request: httpx.Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "Basic":
            return False
        sid, _, secret = base64.b64decode(token).decode().partition(":")
        return (sid, secret) == (self.account_sid, self.auth_token)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if not self._authorised(request):
            return self._error(401, 20003, "Authenticate")
        path = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        if request.method != "POST" or request.url.path != path:
            return self._error(
                404, 20404, f"The requested resource {request.url.path} was not found"
            )
        if self.rate_limited:
            self.rate_limited -= 1
            headers = {"retry-after": self.retry_after} if self.retry_after else {}
            return self._error(429, 20429, "Too Many Requests", **headers)
        form = dict(httpx.QueryParams(request.content.decode()))
        if not form.get("From"):
            return self._error(400, 21603, "A 'From' phone number is required.")
        if not _E164.match(form.get("To", "")):
            return self._error(400, 21211, f"Invalid 'To' Phone Number: {form.get('To', '')}")
        self.sent.append(form)
        sid = "SM" + uuid.uuid4().hex
        return httpx.Response(
            201,
            json={
                "sid": sid,
                "account_sid": self.account_sid,
                "to": form["To"],
                "from": form["From"],
                "body": form.get("Body", ""),
                "status": "queued",
                "uri": f"{path[:-5]}/{sid}.json",
            },
        )

"""The Subsonic API's error codes (the spec's, and OpenSubsonic's 41-44), raised by the
layer and rendered as a Subsonic `error` answer (HTTP 200, as clients expect)."""

from __future__ import annotations

GENERIC = 0
MISSING_PARAMETER = 10
CLIENT_TOO_OLD = 20
SERVER_TOO_OLD = 30
WRONG_CREDENTIALS = 40
TOKEN_NOT_SUPPORTED = 41
AUTH_NOT_SUPPORTED = 42
MULTIPLE_AUTH = 43
INVALID_API_KEY = 44
NOT_AUTHORIZED = 50
NOT_FOUND = 70


class SubsonicError(Exception):
    def __init__(self, code: int, message: str, *, http_status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status


def missing(name: str) -> SubsonicError:
    return SubsonicError(MISSING_PARAMETER, f"Required parameter is missing: {name}")

"""Signed, expiring URLs for the local back end (served by `endpoints.router`).

The HMAC key is derived from the app secret with its own purpose string, so a leaked URL
signature says nothing about keys used elsewhere. The signed message covers the key, the expiry
and the optional download filename and content type, so none of them can be changed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import quote, urlencode

from tonearm.kit.errors import Forbidden

FILES_PATH = "/api/v1/files/"
_PURPOSE = b"storage-url"


class InvalidSignature(Forbidden):
    code, title = "invalid_signature", "Invalid URL signature"


class UrlExpired(Forbidden):
    code, title = "url_expired", "URL has expired"


def derive_url_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()


def _signature(
    url_key: bytes, key: str, expires_at: int, filename: str | None, content_type: str | None
) -> str:
    message = json.dumps([key, int(expires_at), filename, content_type], ensure_ascii=False)
    return hmac.new(url_key, message.encode(), hashlib.sha256).hexdigest()


def sign_local_url(
    secret: str,
    key: str,
    expires_at: int,
    filename: str | None = None,
    content_type: str | None = None,
    *,
    base_url: str = "",
) -> str:
    """`{base_url}/api/v1/files/{key}?expires=..&sig=..[&filename=..][&content_type=..]`."""
    return UrlSigner(secret, base_url).sign(key, expires_at, filename, content_type)


def verify_local_signature(
    secret: str,
    key: str,
    expires: int | str | None,
    sig: str | None,
    filename: str | None = None,
    content_type: str | None = None,
    *,
    now: float | None = None,
) -> None:
    """Raise InvalidSignature or UrlExpired unless the signature is good and still valid."""
    UrlSigner(secret).verify(key, expires, sig, filename, content_type, now=now)


class UrlSigner:
    """Signs and checks file URLs; holds only the derived key, never the app secret."""

    def __init__(self, secret: str, base_url: str = "") -> None:
        self._key = derive_url_key(secret)
        self.base_url = base_url.rstrip("/")

    def sign(
        self,
        key: str,
        expires_at: int,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> str:
        query: dict[str, str | int] = {
            "expires": int(expires_at),
            "sig": _signature(self._key, key, expires_at, filename, content_type),
        }
        if filename is not None:
            query["filename"] = filename
        if content_type is not None:
            query["content_type"] = content_type
        return f"{self.base_url}{FILES_PATH}{quote(key, safe='/')}?{urlencode(query)}"

    def verify(
        self,
        key: str,
        expires: int | str | None,
        sig: str | None,
        filename: str | None = None,
        content_type: str | None = None,
        *,
        now: float | None = None,
    ) -> None:
        try:
            expires_at = int(expires) if expires is not None else None
        except ValueError:
            expires_at = None
        if expires_at is None or not sig:
            raise InvalidSignature("The URL is missing its signature or expiry")
        expected = _signature(self._key, key, expires_at, filename, content_type)
        if not hmac.compare_digest(expected.encode(), sig.encode()):
            raise InvalidSignature()
        if (time.time() if now is None else now) >= expires_at:
            raise UrlExpired()

"""What a guarded HTTP call gives back: the response types (whole, or streamed under the size
cap) and the errors the client raises. `kit.http` re-exports every name here."""

from __future__ import annotations

import json as jsonlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from tonearm.kit.errors import TonearmError
from tonearm.kit.netguard import UpstreamError

# --- errors ------------------------------------------------------------------------------------


class UpstreamTimeout(TonearmError):
    status, code, title = 504, "upstream_timeout", "Upstream service timed out"


class ResponseTooLarge(UpstreamError):
    code, title = "response_too_large", "Upstream response too large"


class TooManyRedirects(UpstreamError):
    code, title = "too_many_redirects", "Too many redirects"


# --- responses ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GuardedResponse:
    status_code: int
    headers: httpx.Headers
    content: bytes
    url: str

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def text(self) -> str:
        charset = httpx.Response(200, headers=self.headers).charset_encoding or "utf-8"
        return self.content.decode(charset, errors="replace")

    def json(self) -> Any:
        return jsonlib.loads(self.content)

    def raise_for_status(self) -> GuardedResponse:
        if not self.is_success:
            raise UpstreamError(
                f"{self.url} answered {self.status_code}",
                extra={"upstream_status": self.status_code},
            )
        return self


@dataclass(slots=True)
class GuardedStream:
    """An open response whose body is read incrementally, still under the size cap."""

    status_code: int
    headers: httpx.Headers
    url: str
    _response: httpx.Response
    _max_bytes: int | None

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        check_declared_length(self._response, self._max_bytes)
        seen = 0
        try:
            async for chunk in self._response.aiter_bytes():
                seen += len(chunk)
                if self._max_bytes is not None and seen > self._max_bytes:
                    raise ResponseTooLarge(f"More than {self._max_bytes} bytes")
                yield chunk
        except httpx.TimeoutException as exc:
            raise UpstreamTimeout(str(exc) or None) from exc
        except httpx.HTTPError as exc:
            raise UpstreamError(str(exc) or None) from exc

    async def read(self) -> bytes:
        return b"".join([chunk async for chunk in self.aiter_bytes()])


def check_declared_length(response: httpx.Response, max_bytes: int | None) -> None:
    declared = response.headers.get("content-length", "")
    if max_bytes is not None and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge(f"The response declares {declared} bytes, over {max_bytes}")

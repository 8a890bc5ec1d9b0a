"""The one way out: an httpx client for user-supplied URLs and external services.

`GuardedClient` adds what a server fetching other people's URLs needs:

* SSRF guard (`kit.netguard`): only http(s); the host is resolved and refused when any address
  is not public. Every redirect hop is checked again (redirects are followed here, at most
  `max_redirects`).
* DNS pinning (`kit.netguard.PinnedTransport`): connections go to the address that was
  checked. Connections are pooled per origin, so a pooled connection always went through the
  check. Environment proxies are ignored on purpose: through a proxy we could not pin.
* Limits: connect/read timeouts, a total deadline per call (retries and redirects included),
  a response size cap enforced while streaming (decompressed bytes count).
* Retries with exponential backoff and jitter on connect failures (the request never left, so
  any method) and on 429/502/503/504 for idempotent methods, honouring Retry-After.

Trusted internal calls (fakes in tests, a configured service on the LAN) opt out per call with
`allow_private=True` or per host with `allow_private_hosts`; those go through a plain transport.
"""

from __future__ import annotations

import asyncio
import contextlib
import json as jsonlib
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from tonearm.kit.errors import TonearmError
from tonearm.kit.netguard import (
    IPAddress,
    PinnedTransport,
    Resolver,
    UpstreamError,
    UrlNotAllowed,
    blocked_reason,
    check_url,
    resolve_public,
    system_resolver,
)

__all__ = [  # the address policy lives in kit.netguard; callers import it from here too
    "USER_AGENT",
    "GuardedClient",
    "IPAddress",
    "PinnedTransport",
    "ResponseTooLarge",
    "TooManyRedirects",
    "UpstreamError",
    "UpstreamTimeout",
    "UrlNotAllowed",
    "blocked_reason",
    "parse_retry_after",
]

USER_AGENT = "Tonearm/0.1 (+https://tonearm.dev)"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CREDENTIAL_HEADERS = ("authorization", "cookie", "proxy-authorization")

Sleep = Callable[[float], Awaitable[None]]


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
        _check_declared_length(self._response, self._max_bytes)
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


def _check_declared_length(response: httpx.Response, max_bytes: int | None) -> None:
    declared = response.headers.get("content-length", "")
    if max_bytes is not None and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge(f"The response declares {declared} bytes, over {max_bytes}")


# --- the client --------------------------------------------------------------------------------


class GuardedClient:
    def __init__(
        self,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 20.0,
        total_timeout: float = 60.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 5,
        retries: int = 3,
        backoff_base: float = 0.5,
        backoff_max: float = 20.0,
        retry_after_cap: float = 60.0,
        allow_private_hosts: Iterable[str] = (),
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver = system_resolver,
        sleep: Sleep = asyncio.sleep,
        user_agent: str = USER_AGENT,
    ) -> None:
        """`transport` replaces the pinned transport (tests: httpx.MockTransport); the URL and
        address checks still run before every hop, through `resolver`."""
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.retry_after_cap = retry_after_cap
        self.total_timeout = total_timeout
        self.allow_private_hosts = frozenset(h.lower() for h in allow_private_hosts)
        self._resolver = resolver
        self._sleep = sleep
        self._transport = transport
        self._client_kwargs: dict[str, Any] = {
            "timeout": httpx.Timeout(read_timeout, connect=connect_timeout),
            "headers": {"User-Agent": user_agent, **(headers or {})},
            "follow_redirects": False,
            "trust_env": False,
        }
        self._guarded = httpx.AsyncClient(
            transport=transport or PinnedTransport(resolver), **self._client_kwargs
        )
        self._trusted: httpx.AsyncClient | None = None

    async def __aenter__(self) -> GuardedClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._guarded.aclose()
        if self._trusted is not None:
            await self._trusted.aclose()

    # --- public API ------------------------------------------------------------------------
    async def request(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        max_bytes: int | None = None,
        allow_private: bool = False,
        retry_non_idempotent: bool = False,
        timeout: float | None = None,
    ) -> GuardedResponse:
        """Send, follow redirects, retry, and read the whole body (at most `max_bytes`).
        Any HTTP status is returned; transport failures raise domain errors."""
        cap = self.max_bytes if max_bytes is None else max_bytes
        async with self.stream(
            method,
            url,
            headers=headers,
            params=params,
            json=json,
            data=data,
            content=content,
            max_bytes=cap,
            allow_private=allow_private,
            retry_non_idempotent=retry_non_idempotent,
            timeout=timeout,
        ) as resp:
            body = await resp.read()
        return GuardedResponse(resp.status_code, resp.headers, body, resp.url)

    async def fetch(self, url: str | httpx.URL, **kwargs: Any) -> GuardedResponse:
        return await self.request("GET", url, **kwargs)

    @contextlib.asynccontextmanager
    async def stream(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        max_bytes: int | None = None,
        allow_private: bool = False,
        retry_non_idempotent: bool = False,
        timeout: float | None = None,
    ) -> AsyncIterator[GuardedStream]:
        """Like `request`, but the body is read by the caller (`aiter_bytes`) inside the
        block. The total timeout covers the whole block; pass `timeout=` for long downloads."""
        total = self.total_timeout if timeout is None else timeout
        deadline = time.monotonic() + total
        try:
            async with asyncio.timeout(total):
                request = self._guarded.build_request(
                    method,
                    url,
                    headers=headers,
                    params=params,
                    json=json,
                    data=data,
                    content=content,
                )
                response = await self._send(request, allow_private, retry_non_idempotent, deadline)
                try:
                    yield GuardedStream(
                        response.status_code,
                        response.headers,
                        str(response.url),
                        response,
                        self.max_bytes if max_bytes is None else max_bytes,
                    )
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            raise UpstreamTimeout(f"No complete answer within {total:g}s") from exc

    # --- internals -------------------------------------------------------------------------
    def _is_trusted(self, url: httpx.URL, allow_private: bool) -> bool:
        return allow_private or url.host.lower() in self.allow_private_hosts

    def _client_for(self, trusted: bool) -> httpx.AsyncClient:
        if not trusted:
            return self._guarded
        if self._trusted is None:
            transport = self._transport or httpx.AsyncHTTPTransport(trust_env=False)
            self._trusted = httpx.AsyncClient(transport=transport, **self._client_kwargs)
        return self._trusted

    async def _send(
        self,
        request: httpx.Request,
        allow_private: bool,
        retry_non_idempotent: bool,
        deadline: float,
    ) -> httpx.Response:
        for hop in range(self.max_redirects + 1):
            response = await self._send_with_retries(
                request, allow_private, retry_non_idempotent, deadline
            )
            location = response.headers.get("location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                return response
            await response.aclose()
            if hop == self.max_redirects:
                break
            request = _redirect(request, response.status_code, location)
        raise TooManyRedirects(f"More than {self.max_redirects} redirects")

    async def _send_with_retries(
        self,
        request: httpx.Request,
        allow_private: bool,
        retry_non_idempotent: bool,
        deadline: float,
    ) -> httpx.Response:
        check_url(request.url)
        trusted = self._is_trusted(request.url, allow_private)
        client = self._client_for(trusted)
        may_retry_status = retry_non_idempotent or request.method in IDEMPOTENT_METHODS
        attempt = 0
        while True:
            attempt += 1
            if not trusted:  # early, clear refusal; the pinned transport checks again
                port = request.url.port or (443 if request.url.scheme == "https" else 80)
                await resolve_public(request.url.host, port, self._resolver, blocked_reason)
            try:
                response = await client.send(request, stream=True)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # Nothing was sent: safe to retry whatever the method.
                delay = self._backoff(attempt)
                if attempt > self.retries or time.monotonic() + delay > deadline:
                    err = (
                        UpstreamTimeout if isinstance(exc, httpx.ConnectTimeout) else UpstreamError
                    )
                    raise err(f"Could not connect to {request.url.host}") from exc
                await self._sleep(delay)
                continue
            except httpx.TimeoutException as exc:
                raise UpstreamTimeout(str(exc) or None) from exc
            except httpx.HTTPError as exc:
                raise UpstreamError(str(exc) or None) from exc

            if response.status_code in RETRY_STATUSES and may_retry_status:
                retry_delay = self._retry_delay(response, attempt)
                if (
                    retry_delay is not None
                    and attempt <= self.retries
                    and time.monotonic() + retry_delay <= deadline
                ):
                    await response.aclose()
                    await self._sleep(retry_delay)
                    continue
            return response

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with jitter: half fixed, half random."""
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _retry_delay(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when waiting is pointless (Retry-After
        beyond the cap: better to fail now than to hammer the service or hang)."""
        if response.status_code in (429, 503):
            after = parse_retry_after(response.headers.get("retry-after"))
            if after is not None:
                return after if after <= self.retry_after_cap else None
        return self._backoff(attempt)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _redirect(request: httpx.Request, status: int, location: str) -> httpx.Request:
    try:
        url = request.url.join(location)
    except httpx.InvalidURL as exc:
        raise UpstreamError(f"Bad redirect location {location!r}") from exc
    check_url(url)
    method = request.method
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        method = "GET"
    headers = httpx.Headers(request.headers)
    headers.pop("host", None)
    body: bytes | None = None
    if method == request.method:
        body = request.content
    else:
        for name in ("content-length", "content-type", "transfer-encoding"):
            headers.pop(name, None)
    same_origin = (url.scheme, url.host, url.port) == (
        request.url.scheme,
        request.url.host,
        request.url.port,
    )
    if not same_origin:
        for name in _CREDENTIAL_HEADERS:
            headers.pop(name, None)
    return httpx.Request(method, url, headers=headers, content=body, extensions=request.extensions)

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
* Retries with exponential backoff and jitter, within the deadline:
  - connect failures, whatever the method (the request never left);
  - 429, whatever the method (the service refused it without acting on it), honouring
    Retry-After up to `retry_after_cap` (a longer wait is given up at once: the 429 is returned);
  - 502/503/504 and failures after the request was sent (reset, read timeout), only for
    idempotent methods or when the caller says the request is safe to repeat
    (`retry_non_idempotent=True`, e.g. a POST carrying an idempotency key).

Named private hosts (a service on the LAN, the local fakes tests and benchmarks start on
127.0.0.1) are let through by `allow_hosts`, a list of `host` or `host:port` entries
(`kit.netguard.AllowedHosts`); they still go through the pinned transport. There is no per-call
bypass.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from tonearm.kit.http_results import (
    GuardedResponse,
    GuardedStream,
    ResponseTooLarge,
    TooManyRedirects,
    UpstreamTimeout,
)
from tonearm.kit.netguard import (
    AllowedHosts,
    IPAddress,
    PinnedTransport,
    Resolver,
    UpstreamError,
    UrlNotAllowed,
    blocked_reason,
    check_url,
    metadata_reason,
    resolve_public,
    system_resolver,
)

__all__ = [  # the address policy lives in kit.netguard; callers import it from here too
    "USER_AGENT",
    "AllowedHosts",
    "GuardedClient",
    "GuardedResponse",
    "GuardedStream",
    "IPAddress",
    "PinnedTransport",
    "ResponseTooLarge",
    "TooManyRedirects",
    "UpstreamError",
    "UpstreamTimeout",
    "UrlNotAllowed",
    "basic_auth",
    "blocked_reason",
    "parse_retry_after",
]

USER_AGENT = "Tonearm/0.1 (+https://tonearm.dev)"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# Errors raised before anything was sent, and after (the server may have acted on it).
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_MAYBE_SENT = (
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    httpx.ReadTimeout,
    httpx.WriteTimeout,
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CREDENTIAL_HEADERS = ("authorization", "cookie", "proxy-authorization")

Sleep = Callable[[float], Awaitable[None]]


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
        allow_hosts: Iterable[str] | AllowedHosts = (),
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver = system_resolver,
        sleep: Sleep = asyncio.sleep,
        user_agent: str = USER_AGENT,
        retry_statuses: Iterable[int] = RETRY_STATUSES,
    ) -> None:
        """`retry_statuses`: the answers retried here (a service client that paces all its
        callers together after a 429 passes an empty set and retries itself).
        `allow_hosts`: `host` or `host:port` entries that may resolve to private addresses.
        `transport` replaces the pinned transport (tests: httpx.MockTransport); the URL and
        address checks still run before every hop, through `resolver`."""
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.retry_after_cap = retry_after_cap
        self.total_timeout = total_timeout
        self.retry_statuses = frozenset(retry_statuses)
        self.allowed = AllowedHosts.parse(allow_hosts)
        self._resolver = resolver
        self._sleep = sleep
        self._client = httpx.AsyncClient(
            transport=transport or PinnedTransport(resolver, allowed=self.allowed),
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            headers={"User-Agent": user_agent, **(headers or {})},
            follow_redirects=False,
            trust_env=False,
        )

    async def __aenter__(self) -> GuardedClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

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
        retry_non_idempotent: bool = False,
        timeout: float | None = None,
    ) -> AsyncIterator[GuardedStream]:
        """Like `request`, but the body is read by the caller (`aiter_bytes`) inside the
        block. The total timeout covers the whole block; pass `timeout=` for long downloads."""
        total = self.total_timeout if timeout is None else timeout
        deadline = time.monotonic() + total
        try:
            async with asyncio.timeout(total):
                request = self._client.build_request(
                    method,
                    url,
                    headers=headers,
                    params=params,
                    json=json,
                    data=data,
                    content=content,
                )
                response = await self._send(request, retry_non_idempotent, deadline)
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
    async def _send(
        self, request: httpx.Request, retry_non_idempotent: bool, deadline: float
    ) -> httpx.Response:
        for hop in range(self.max_redirects + 1):
            response = await self._send_with_retries(request, retry_non_idempotent, deadline)
            location = response.headers.get("location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                return response
            await response.aclose()
            if hop == self.max_redirects:
                break
            request = _redirect(request, response.status_code, location)
        raise TooManyRedirects(f"More than {self.max_redirects} redirects")

    async def _send_with_retries(
        self, request: httpx.Request, retry_non_idempotent: bool, deadline: float
    ) -> httpx.Response:
        check_url(request.url)
        host = request.url.raw_host.decode("ascii")
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        check = metadata_reason if self.allowed.allows(host, port) else blocked_reason
        repeatable = retry_non_idempotent or request.method in IDEMPOTENT_METHODS
        attempt = 0
        while True:
            attempt += 1
            # An early, clear refusal; the pinned transport checks again at connect time.
            await resolve_public(host, port, self._resolver, check)
            try:
                response = await self._client.send(request, stream=True)
            except (*_NOT_SENT, *_MAYBE_SENT) as exc:
                delay = self._backoff(attempt)
                if (
                    (isinstance(exc, _NOT_SENT) or repeatable)
                    and attempt <= self.retries
                    and time.monotonic() + delay <= deadline
                ):
                    await self._sleep(delay)
                    continue
                if isinstance(exc, _NOT_SENT):
                    message = f"Could not connect to {request.url.host}"
                else:
                    message = f"{request.url.host} did not answer ({type(exc).__name__})"
                err = UpstreamTimeout if isinstance(exc, httpx.TimeoutException) else UpstreamError
                raise err(message) from exc
            except httpx.TimeoutException as exc:
                raise UpstreamTimeout(str(exc) or None) from exc
            except httpx.HTTPError as exc:
                raise UpstreamError(str(exc) or None) from exc

            if response.status_code in self.retry_statuses and (
                response.status_code == 429 or repeatable
            ):
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


def basic_auth(username: str, password: str) -> str:
    """An `Authorization` header value for HTTP Basic (sent as a header, so a redirect to
    another origin drops it like any other credential)."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


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

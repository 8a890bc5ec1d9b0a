"""How every service client talks HTTP: through the guarded client (`kit.http`), with the
user's token, the service's pace, and one reading of its errors.

* `Pace` is shared by every client of one service in the process (and so by every track of a
  migration and every migration of a user): at most `concurrency` requests in flight, at most
  `rate` per second, and after a 429 *everyone* waits the Retry-After, not only the caller that
  got it. That is what keeps a 2,000-track transfer from turning one 429 into a storm.
* `ServiceHttp.call` retries 429 (and the service's own spelling of it, such as Deezer's
  HTTP 200 with error code 4) after the wait the service asks for, up to `max_wait`; retries
  5xx and lost answers of idempotent requests with backoff; on a 401 asks the token source for
  a fresh token once and repeats. What remains is raised as the errors of `providers.base`.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import httpx

from tonearm.kit.http import (
    GuardedClient,
    GuardedResponse,
    UpstreamError,
    UpstreamTimeout,
    parse_retry_after,
)
from tonearm.providers.base import (
    AuthExpired,
    ProviderError,
    ProviderForbidden,
    ProviderNotFound,
    ProviderUnavailable,
    RateLimited,
)

#: force_refresh -> a valid access token. The connection refreshes before expiry by itself;
#: `True` after the service answered 401 to the token it gave.
TokenSource = Callable[[bool], Awaitable[str]]
#: The service's reading of an answer: an error to raise (or to retry, for `RateLimited` and
#: `ProviderUnavailable`), or None when the answer is good.
Classify = Callable[[GuardedResponse], ProviderError | None]

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def http_client(allow_hosts: Iterable[str] = (), **kwargs: Any) -> GuardedClient:
    """The guarded client for service APIs: connect failures are retried there; 429 and 5xx
    are left to `ServiceHttp`, which paces all callers of a service together."""
    kwargs.setdefault("total_timeout", 30.0)
    kwargs.setdefault("retries", 2)
    return GuardedClient(allow_hosts=allow_hosts, retry_statuses=(), **kwargs)


class Pace:
    def __init__(
        self,
        *,
        rate: float | None = None,
        concurrency: int = 4,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._slots = asyncio.Semaphore(concurrency)
        self._next = 0.0  # earliest start of the next request (the rate)
        self._resume = 0.0  # no request before this (a 429's Retry-After)
        self._clock = clock
        self._sleep = sleep
        self.waited = 0.0  # seconds spent waiting on the service's 429s (reports, benchmarks)

    async def __aenter__(self) -> Pace:
        await self._slots.acquire()
        try:
            while True:
                now = self._clock()
                start = max(now, self._next, self._resume)
                if start <= now:
                    self._next = now + self.interval
                    return self
                await self._sleep(start - now)
        except BaseException:
            self._slots.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self._slots.release()

    def cool_down(self, seconds: float) -> None:
        now = self._clock()
        until = now + max(0.0, seconds)
        if until > self._resume:
            self.waited += until - max(self._resume, now)
            self._resume = until


_PACES: dict[str, Pace] = {}


def shared_pace(key: str, *, rate: float | None = None, concurrency: int = 4) -> Pace:
    """The process's pace for `key` (a service, or a service and an app id)."""
    pace = _PACES.get(key)
    if pace is None:
        pace = _PACES[key] = Pace(rate=rate, concurrency=concurrency)
    return pace


def default_classify(resp: GuardedResponse) -> ProviderError | None:
    status = resp.status_code
    if 200 <= status < 300:
        return None
    detail = error_message(resp)
    if status == 429:
        return RateLimited(detail, retry_after=parse_retry_after(resp.headers.get("retry-after")))
    if status == 401:
        return AuthExpired(detail)
    if status == 403:
        return ProviderForbidden(detail)
    if status == 404:
        return ProviderNotFound(detail)
    if status >= 500:
        return ProviderUnavailable(detail)
    return ProviderError(detail, extra={"upstream_status": status})


def error_message(resp: GuardedResponse) -> str:
    """The service's own words, from the usual JSON shapes; the status line otherwise."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])
        if isinstance(err, str):
            desc = body.get("error_description") or body.get("message")
            return f"{err}: {desc}" if isinstance(desc, str) else err
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            return str(
                first.get("detail") or first.get("title") or first.get("code") or status_line(resp)
            )
        if isinstance(body.get("message"), str):
            return str(body["message"])
    return status_line(resp)


def status_line(resp: GuardedResponse) -> str:
    return f"answered HTTP {resp.status_code}"


class ServiceHttp:
    def __init__(
        self,
        http: GuardedClient,
        base_url: str,
        *,
        pace: Pace,
        token: TokenSource | None = None,
        classify: Classify = default_classify,
        service: str = "service",
        max_wait: float = 60.0,
        attempts: int = 6,
        backoff_base: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.pace = pace
        self.token = token
        self.classify = classify
        self.service = service
        self.max_wait = max_wait
        self.attempts = attempts
        self.backoff_base = backoff_base
        self._sleep = sleep
        self.requests = 0  # sent, retries included (reports, benchmarks)

    def url(self, path: str) -> str:
        """A path under the base URL, or a whole URL as given (a `next` link)."""
        return path if "://" in path else f"{self.base_url}/{path.lstrip('/')}"

    def _target(self, path: str, params: Mapping[str, Any] | None) -> tuple[str, Any]:
        """httpx drops a URL's own query when `params` is given: merge them instead (a
        `next` link's cursor plus the caller's parameters)."""
        url = self.url(path)
        if not params or "?" not in url:
            return url, params
        parsed = httpx.URL(url)
        return str(parsed.copy_merge_params(dict(params))), None

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: bool = True,
        retry_non_idempotent: bool = False,
    ) -> GuardedResponse:
        repeatable = retry_non_idempotent or method in IDEMPOTENT
        refreshed = False  # the 401 refresh happened (once per call)
        force = False  # ask the token source for a new token on this attempt
        attempt = 0
        while True:
            attempt += 1
            sent_headers = dict(headers or {})
            if auth and self.token is not None:
                sent_headers["Authorization"] = f"Bearer {await self.token(force)}"
                force = False
            try:
                async with self.pace:
                    self.requests += 1
                    url, query = self._target(path, params)
                    resp = await self.http.request(
                        method,
                        url,
                        params=query,
                        json=json,
                        data=data,
                        headers=sent_headers,
                        retry_non_idempotent=retry_non_idempotent,
                    )
            except (UpstreamTimeout, UpstreamError) as exc:
                if repeatable and attempt < self.attempts:
                    await self._sleep(self._backoff(attempt))
                    continue
                raise ProviderUnavailable(f"{self.service}: {exc}") from exc
            problem = self.classify(resp)
            if problem is None:
                return resp
            if isinstance(problem, RateLimited) and attempt < self.attempts:
                wait = problem.retry_after
                if wait is None:
                    wait = self._backoff(attempt)
                if wait <= self.max_wait:
                    self.pace.cool_down(wait)
                    continue
            elif isinstance(problem, AuthExpired) and self.token is not None and not refreshed:
                refreshed = force = True
                attempt -= 1
                continue
            elif (
                isinstance(problem, ProviderUnavailable) and repeatable and attempt < self.attempts
            ):
                await self._sleep(self._backoff(attempt))
                continue
            raise problem

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = await self.call(method, path, **kwargs)
        if not resp.content:
            return None
        try:
            return resp.json()
        except ValueError as exc:
            raise ProviderError(f"{self.service} answered something that is not JSON") from exc

    def _backoff(self, attempt: int) -> float:
        ceiling = min(30.0, self.backoff_base * 2 ** (attempt - 1))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

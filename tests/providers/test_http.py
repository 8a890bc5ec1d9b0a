"""`providers.http`: the shared pace, `ServiceHttp.call`'s retries, and the reading of errors.

The pace runs on a fake clock; `ServiceHttp` talks real HTTP to a scripted `FakeServer` with
its sleeps recorded, never waited."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from tests.fakes.server import DropConnection, FakeServer
from tonearm.kit.http import GuardedClient, GuardedResponse
from tonearm.providers import (
    AuthExpired,
    Pace,
    ProviderError,
    ProviderForbidden,
    ProviderNotFound,
    ProviderUnavailable,
    RateLimited,
    ServiceHttp,
    http_client,
    shared_pace,
)
from tonearm.providers.http import default_classify, error_message

# --- a fake clock ------------------------------------------------------------------------------


class Clock:
    """time.monotonic and asyncio.sleep for a Pace: sleeping moves the clock to the end of the
    sleep (concurrent sleepers share the time), and lets other tasks run."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.on_sleep: Callable[[], None] | None = None

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        target = self.now + seconds
        if self.on_sleep is not None:
            hook, self.on_sleep = self.on_sleep, None
            hook()
        await asyncio.sleep(0)
        self.now = max(self.now, target)


async def test_pace_spaces_requests_at_the_rate() -> None:
    clock = Clock()
    pace = Pace(rate=2, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(4):
        async with pace:
            starts.append(clock.now)
    assert starts == [0.0, 0.5, 1.0, 1.5]
    assert pace.waited == 0


async def test_pace_spaces_concurrent_callers_too() -> None:
    clock = Clock()
    pace = Pace(rate=4, concurrency=10, clock=clock, sleep=clock.sleep)
    starts: list[float] = []

    async def one() -> None:
        async with pace:
            starts.append(clock.now)

    await asyncio.gather(*(one() for _ in range(5)))
    assert sorted(starts) == [0.0, 0.25, 0.5, 0.75, 1.0]


async def test_pace_caps_concurrency() -> None:
    pace = Pace(concurrency=2)
    inside = 0
    most = 0
    release = asyncio.Event()

    async def one() -> None:
        nonlocal inside, most
        async with pace:
            inside += 1
            most = max(most, inside)
            await release.wait()
            inside -= 1

    tasks = [asyncio.create_task(one()) for _ in range(5)]
    for _ in range(5):
        await asyncio.sleep(0)
    assert inside == 2
    release.set()
    await asyncio.gather(*tasks)
    assert most == 2 and inside == 0


async def test_pace_releases_its_slot_when_cancelled_while_waiting() -> None:
    clock = Clock()
    pace = Pace(concurrency=1, clock=clock, sleep=clock.sleep)
    pace.cool_down(10)

    async def blocked_sleep(seconds: float) -> None:
        await asyncio.Event().wait()

    pace._sleep = blocked_sleep  # type: ignore[attr-defined]
    task = asyncio.create_task(pace.__aenter__())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    pace._sleep = clock.sleep  # type: ignore[attr-defined]
    clock.now = 10
    async with pace:  # the slot came back
        pass


async def test_cool_down_makes_every_caller_wait() -> None:
    clock = Clock()
    pace = Pace(concurrency=5, clock=clock, sleep=clock.sleep)
    pace.cool_down(3)
    starts: list[float] = []

    async def one() -> None:
        async with pace:
            starts.append(clock.now)

    await asyncio.gather(*(one() for _ in range(3)))
    assert starts == [3.0, 3.0, 3.0]
    assert pace.waited == 3.0


async def test_cool_down_reaches_callers_already_waiting_for_the_rate() -> None:
    clock = Clock()
    pace = Pace(rate=1, clock=clock, sleep=clock.sleep)
    async with pace:
        pass
    # the next caller waits 1 s for the rate; during that wait a 429 asks for 5 s
    clock.on_sleep = lambda: pace.cool_down(5)
    async with pace:
        started = clock.now
    assert started == 5.0
    assert clock.sleeps == [1.0, 4.0]
    assert pace.waited == 5.0


async def test_cool_down_never_shortens_and_counts_overlap_once() -> None:
    clock = Clock()
    pace = Pace(clock=clock, sleep=clock.sleep)
    pace.cool_down(10)
    pace.cool_down(4)  # shorter: no change
    assert pace.waited == 10
    pace.cool_down(12)  # 2 s more than already asked
    assert pace.waited == 12
    async with pace:
        assert clock.now == 12


def test_shared_pace_is_one_per_key() -> None:
    a = shared_pace("test-http-a", rate=5, concurrency=3)
    assert shared_pace("test-http-a") is a
    assert shared_pace("test-http-b") is not a
    assert a.interval == 0.2


# --- ServiceHttp over real HTTP ------------------------------------------------------------------

Answer = httpx.Response | Callable[[httpx.Request], httpx.Response]


class Script:
    """Answers in order (the last one repeats); records requests."""

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if answer is DropConnection:
            raise DropConnection
        return answer(request) if callable(answer) else answer


def spotify_error(status: int, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(
        status, json={"error": {"status": status, "message": message}}, headers=headers
    )


OK = httpx.Response(200, json={"ok": True})


class Tokens:
    def __init__(self) -> None:
        self.calls: list[bool] = []

    async def __call__(self, force: bool) -> str:
        self.calls.append(force)
        return f"token-{len(self.calls)}" + ("-fresh" if force else "")


class Rig:
    def __init__(self, script: Script, server: FakeServer, http: GuardedClient) -> None:
        self.script = script
        self.server = server
        self.http = http
        self.clock = Clock()
        self.pace = Pace(clock=self.clock, sleep=self.clock.sleep)
        self.backoffs: list[float] = []
        self.tokens = Tokens()

    async def _sleep(self, seconds: float) -> None:
        self.backoffs.append(seconds)

    def service(self, **kw: Any) -> ServiceHttp:
        kw.setdefault("token", self.tokens)
        return ServiceHttp(
            self.http,
            self.server.url + "/v1",
            pace=self.pace,
            service="Test",
            sleep=self._sleep,
            **kw,
        )


@pytest.fixture
async def rig() -> AsyncIterator[Callable[..., Any]]:
    stack: list[Any] = []

    async def make(*answers: Any) -> Rig:
        script = Script(*answers)
        server = FakeServer(script)
        await server.__aenter__()
        stack.append(server)

        async def no_sleep(seconds: float) -> None:
            return None

        http = http_client(allow_hosts=[server.host], sleep=no_sleep)
        stack.append(http)
        return Rig(script, server, http)

    yield make
    for thing in reversed(stack):
        await thing.__aexit__(None, None, None)


async def test_call_sends_the_bearer_token_and_returns_the_answer(rig: Any) -> None:
    r = await rig(OK)
    s = r.service()
    resp = await s.call("GET", "me", params={"a": "1"})
    assert resp.status_code == 200 and resp.json() == {"ok": True}
    sent = r.script.seen[0]
    assert sent.url.path == "/v1/me" and sent.url.params["a"] == "1"
    assert sent.headers["authorization"] == "Bearer token-1"
    assert r.tokens.calls == [False]
    assert s.requests == 1


async def test_call_without_auth_sends_no_token(rig: Any) -> None:
    r = await rig(OK)
    await r.service().call("GET", "public", auth=False)
    assert "authorization" not in r.script.seen[0].headers
    assert r.tokens.calls == []


async def test_url_keeps_absolute_next_links(rig: Any) -> None:
    r = await rig(OK)
    s = r.service()
    assert s.url("/me") == r.server.url + "/v1/me"
    assert s.url("https://api.example/v1/x?offset=50") == "https://api.example/v1/x?offset=50"
    await s.call("GET", r.server.url + "/v1/next?offset=50")
    assert r.script.seen[0].url.params["offset"] == "50"


async def test_429_is_retried_after_retry_after_through_the_pace(rig: Any) -> None:
    r = await rig(spotify_error(429, "API rate limit exceeded", **{"retry-after": "7"}), OK)
    resp = await r.service().call("GET", "me")
    assert resp.json() == {"ok": True}
    assert len(r.script.seen) == 2
    assert r.clock.sleeps == [7.0]  # the pace waited, so every caller would have
    assert r.pace.waited == 7.0
    assert r.backoffs == []


async def test_429_is_retried_for_posts_too(rig: Any) -> None:
    r = await rig(spotify_error(429, "API rate limit exceeded", **{"retry-after": "1"}), OK)
    resp = await r.service().call("POST", "things", json={"a": 1})
    assert resp.status_code == 200
    assert [json.loads(q.content) for q in r.script.seen] == [{"a": 1}, {"a": 1}]


async def test_429_beyond_max_wait_raises_rate_limited(rig: Any) -> None:
    r = await rig(spotify_error(429, "API rate limit exceeded", **{"retry-after": "120"}), OK)
    with pytest.raises(RateLimited, match="API rate limit exceeded") as info:
        await r.service(max_wait=60).call("GET", "me")
    assert info.value.retry_after == 120
    assert len(r.script.seen) == 1
    assert r.pace.waited == 0


async def test_429_without_retry_after_backs_off(rig: Any) -> None:
    r = await rig(spotify_error(429, "API rate limit exceeded"), OK)
    await r.service(backoff_base=0.5).call("GET", "me")
    assert len(r.clock.sleeps) == 1 and 0.25 <= r.clock.sleeps[0] <= 0.5


async def test_429_every_time_gives_up_after_the_attempts(rig: Any) -> None:
    r = await rig(spotify_error(429, "API rate limit exceeded", **{"retry-after": "0"}))
    with pytest.raises(RateLimited):
        await r.service(attempts=4).call("GET", "me")
    assert len(r.script.seen) == 4


async def test_401_refreshes_once_and_repeats(rig: Any) -> None:
    r = await rig(spotify_error(401, "The access token expired"), OK)
    resp = await r.service().call("GET", "me")
    assert resp.status_code == 200
    assert r.tokens.calls == [False, True]
    assert [q.headers["authorization"] for q in r.script.seen] == [
        "Bearer token-1",
        "Bearer token-2-fresh",
    ]


async def test_a_second_401_raises_auth_expired(rig: Any) -> None:
    r = await rig(spotify_error(401, "The access token expired"))
    with pytest.raises(AuthExpired, match="The access token expired"):
        await r.service().call("GET", "me")
    assert r.tokens.calls == [False, True]
    assert len(r.script.seen) == 2


async def test_401_without_a_token_source_is_raised_at_once(rig: Any) -> None:
    r = await rig(spotify_error(401, "No token provided"))
    with pytest.raises(AuthExpired):
        await r.service(token=None).call("GET", "me")
    assert len(r.script.seen) == 1


async def test_the_refresh_does_not_cost_an_attempt(rig: Any) -> None:
    r = await rig(spotify_error(401, "The access token expired"), OK)
    resp = await r.service(attempts=1).call("GET", "me")
    assert resp.status_code == 200


async def test_a_retry_after_the_refresh_does_not_refresh_again(rig: Any) -> None:
    r = await rig(
        spotify_error(401, "The access token expired"),
        spotify_error(429, "API rate limit exceeded", **{"retry-after": "0"}),
        OK,
    )
    await r.service().call("GET", "me")
    assert r.tokens.calls.count(True) == 1


async def test_5xx_is_retried_for_gets_with_backoff(rig: Any) -> None:
    r = await rig(spotify_error(503, "Service unavailable"), spotify_error(502, "Bad gateway"), OK)
    resp = await r.service(backoff_base=0.5).call("GET", "me")
    assert resp.status_code == 200
    assert len(r.script.seen) == 3
    assert len(r.backoffs) == 2
    assert 0.25 <= r.backoffs[0] <= 0.5 and 0.5 <= r.backoffs[1] <= 1.0


async def test_5xx_is_not_retried_for_posts(rig: Any) -> None:
    r = await rig(spotify_error(500, "Server error."), OK)
    with pytest.raises(ProviderUnavailable, match="Server error"):
        await r.service().call("POST", "things", json={})
    assert len(r.script.seen) == 1
    assert r.backoffs == []


async def test_5xx_for_a_post_marked_safe_is_retried(rig: Any) -> None:
    r = await rig(spotify_error(500, "Server error."), OK)
    resp = await r.service().call("POST", "things", json={}, retry_non_idempotent=True)
    assert resp.status_code == 200 and len(r.script.seen) == 2


async def test_5xx_every_time_gives_up_after_the_attempts(rig: Any) -> None:
    r = await rig(spotify_error(503, "Service unavailable"))
    with pytest.raises(ProviderUnavailable):
        await r.service(attempts=3).call("DELETE", "things/1")
    assert len(r.script.seen) == 3


async def test_lost_answer_retried_for_get_not_for_post(rig: Any) -> None:
    r = await rig(DropConnection, OK)
    resp = await r.service().call("GET", "me")
    assert resp.status_code == 200
    r2 = await rig(DropConnection, OK)
    with pytest.raises(ProviderUnavailable, match="Test: "):
        await r2.service().call("POST", "things", json={})
    assert len(r2.script.seen) == 1


async def test_no_server_is_provider_unavailable(rig: Any) -> None:
    r = await rig(OK)
    await r.server.__aexit__(None, None, None)  # the port is now closed
    r.server.__aexit__ = lambda *a: asyncio.sleep(0)  # type: ignore[method-assign]
    with pytest.raises(ProviderUnavailable, match="Could not connect"):
        await r.service(attempts=2).call("GET", "me")
    assert len(r.backoffs) == 1  # ServiceHttp retried once, the guarded client below it too


async def test_other_4xx_are_provider_errors_with_the_status(rig: Any) -> None:
    r = await rig(spotify_error(400, "Invalid limit"))
    with pytest.raises(ProviderError, match="Invalid limit") as info:
        await r.service().call("GET", "search")
    assert type(info.value) is ProviderError
    assert info.value.extra["upstream_status"] == 400
    assert len(r.script.seen) == 1


async def test_a_service_classify_hook_is_used(rig: Any) -> None:
    deezer_quota = httpx.Response(
        200, json={"error": {"type": "Exception", "message": "Quota limit exceeded", "code": 4}}
    )

    def classify(resp: GuardedResponse) -> ProviderError | None:
        body = resp.json()
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            if body["error"].get("code") == 4:
                return RateLimited(error_message(resp), retry_after=5)
            return ProviderError(error_message(resp))
        return default_classify(resp)

    r = await rig(deezer_quota, OK)
    resp = await r.service(classify=classify).call("GET", "search")
    assert resp.json() == {"ok": True}
    assert r.pace.waited == 5


async def test_json_reads_the_body(rig: Any) -> None:
    r = await rig(OK, httpx.Response(204), httpx.Response(200, text="<html>"))
    s = r.service()
    assert await s.json("GET", "a") == {"ok": True}
    assert await s.json("DELETE", "b") is None
    with pytest.raises(ProviderError, match="not JSON"):
        await s.json("GET", "c")


# --- default_classify and error_message --------------------------------------------------------


def answer(status: int, body: Any = None, *, text: str | None = None, **headers: str) -> Any:
    content = text.encode() if text is not None else json.dumps(body).encode()
    return GuardedResponse(status, httpx.Headers(headers), content, "https://api.test/x")


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, AuthExpired),
        (403, ProviderForbidden),
        (404, ProviderNotFound),
        (500, ProviderUnavailable),
        (502, ProviderUnavailable),
        (503, ProviderUnavailable),
        (400, ProviderError),
        (409, ProviderError),
    ],
)
def test_default_classify_by_status(status: int, kind: type) -> None:
    problem = default_classify(answer(status, {"error": {"status": status, "message": "why"}}))
    assert type(problem) is kind
    assert problem is not None and problem.detail == "why"


def test_default_classify_success_and_429() -> None:
    assert default_classify(answer(200, {})) is None
    assert default_classify(answer(201, {})) is None
    assert default_classify(answer(204, text="")) is None
    limited = default_classify(answer(429, {}, **{"retry-after": "3"}))
    assert isinstance(limited, RateLimited) and limited.retry_after == 3.0
    when = "Wed, 21 Oct 2015 07:28:00 GMT"  # long past: no wait
    limited = default_classify(answer(429, {}, **{"retry-after": when}))
    assert isinstance(limited, RateLimited) and limited.retry_after == 0.0
    limited = default_classify(answer(429, {}))
    assert isinstance(limited, RateLimited) and limited.retry_after is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # Spotify Web API, Deezer (HTTP 200), YouTube
        (
            {"error": {"status": 401, "message": "The access token expired"}},
            "The access token expired",
        ),
        (
            {"error": {"status": 429, "message": "Too many requests", "reason": "QUOTA_EXCEEDED"}},
            "Too many requests",
        ),
        (
            {
                "error": {
                    "type": "OAuthException",
                    "message": "Invalid OAuth access token.",
                    "code": 300,
                }
            },
            "Invalid OAuth access token.",
        ),
        (
            {
                "error": {
                    "code": 403,
                    "message": "The request cannot be completed because you have "
                    "exceeded your quota.",
                    "errors": [{"reason": "quotaExceeded"}],
                }
            },
            "The request cannot be completed because you have exceeded your quota.",
        ),
        # OAuth 2.0 token errors
        (
            {"error": "invalid_grant", "error_description": "Invalid refresh token"},
            "invalid_grant: Invalid refresh token",
        ),
        ({"error": "invalid_client"}, "invalid_client"),
        # MusicBrainz, ListenBrainz
        (
            {"error": "Not Found", "help": "For usage, please see: https://musicbrainz.org/x"},
            "Not Found",
        ),
        ({"code": 401, "error": "Invalid authorization token."}, "Invalid authorization token."),
        # TIDAL JSON:API
        ({"errors": [{"status": "429", "detail": "Rate limit exceeded"}]}, "Rate limit exceeded"),
        ({"errors": [{"status": "404", "title": "Not found"}]}, "Not found"),
        ({"errors": [{"code": "NOT_FOUND"}]}, "NOT_FOUND"),
        # Last.fm: a numeric code and a message
        (
            {"error": 9, "message": "Invalid session key - Please re-authenticate"},
            "Invalid session key - Please re-authenticate",
        ),
        # nothing readable
        ({"errors": []}, "answered HTTP 418"),
        ({"error": {"status": 418}}, "answered HTTP 418"),
        (["a list"], "answered HTTP 418"),
    ],
)
def test_error_message_reads_each_documented_shape(body: Any, expected: str) -> None:
    assert error_message(answer(418, body)) == expected


def test_error_message_of_a_non_json_body_is_the_status_line() -> None:
    assert error_message(answer(502, text="<html>Bad gateway</html>")) == "answered HTTP 502"
    assert error_message(answer(500, text="")) == "answered HTTP 500"


def test_http_client_leaves_429_and_5xx_to_service_http() -> None:
    client = http_client(allow_hosts=["127.0.0.1:9"])
    assert client.retry_statuses == frozenset()
    assert client.total_timeout == 30.0 and client.retries == 2

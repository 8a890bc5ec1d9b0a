from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from tonearm.kit.http import (
    USER_AGENT,
    GuardedClient,
    IPAddress,
    PinnedTransport,
    ResponseTooLarge,
    TooManyRedirects,
    UpstreamError,
    UpstreamTimeout,
    UrlNotAllowed,
    blocked_reason,
    parse_retry_after,
)

PUBLIC = "93.184.215.14"

DNS: dict[str, list[str]] = {
    "public.test": [PUBLIC],
    "cdn.test": ["151.101.1.1"],
    "internal.test": ["10.1.2.3"],
    "mixed.test": [PUBLIC, "192.168.1.10"],
    "metadata.test": ["169.254.169.254"],
}


async def fake_resolver(host: str, port: int) -> Sequence[IPAddress]:
    if host not in DNS:
        raise OSError(f"unknown host {host}")
    return [ipaddress.ip_address(a) for a in DNS[host]]


class Recorder:
    """A MockTransport handler that answers from a script and records what it saw."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def make_client(
    handler: Callable[[httpx.Request], httpx.Response], **kw: Any
) -> tuple[GuardedClient, Recorder, Sleeps]:
    recorder = Recorder(handler)
    sleeps = Sleeps()
    client = GuardedClient(
        transport=httpx.MockTransport(recorder),
        resolver=fake_resolver,
        sleep=sleeps,
        **kw,
    )
    return client, recorder, sleeps


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text="fine")


# --- SSRF guard ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.1:8000/admin",
        "http://10.0.0.8/",
        "http://172.16.5.4/",
        "http://192.168.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://100.100.100.200/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[::]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[fe80::1]/",
        "http://[fd00:ec2::254]/",
        "http://[fc00::5]/",
        "http://[64:ff9b::a00:1]/",
        "http://[2002:7f00:1::]/",
        "https://internal.test/",
        "https://metadata.test/",
        "https://mixed.test/",
    ],
)
async def test_blocked_addresses(url: str) -> None:
    client, recorder, _ = make_client(ok)
    async with client:
        with pytest.raises(UrlNotAllowed) as exc:
            await client.fetch(url)
    assert exc.value.status == 422
    assert exc.value.code == "url_not_allowed"
    assert recorder.requests == []


async def test_hostname_resolving_to_loopback_with_system_dns() -> None:
    recorder = Recorder(ok)
    async with GuardedClient(transport=httpx.MockTransport(recorder)) as client:
        with pytest.raises(UrlNotAllowed, match="loopback"):
            await client.fetch("http://localhost:8080/")
    assert recorder.requests == []


@pytest.mark.parametrize(
    "url", ["ftp://public.test/x", "file:///etc/passwd", "gopher://public.test/", "//public.test"]
)
async def test_schemes_refused(url: str) -> None:
    client, recorder, _ = make_client(ok)
    async with client:
        with pytest.raises(UrlNotAllowed):
            await client.fetch(url)
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("address", "public"),
    [
        (PUBLIC, True),
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("198.18.0.1", False),
        ("192.0.0.192", False),
        ("255.255.255.255", False),
        ("2001:db8::1", False),
        ("ff02::1", False),
    ],
)
def test_blocked_reason(address: str, public: bool) -> None:
    assert (blocked_reason(ipaddress.ip_address(address)) is None) is public


async def test_public_url_is_fetched_with_user_agent() -> None:
    client, recorder, _ = make_client(ok)
    async with client:
        resp = await client.fetch("https://public.test/feed.xml", params={"page": 2})
    assert resp.status_code == 200
    assert resp.text == "fine"
    assert resp.url == "https://public.test/feed.xml?page=2"
    assert recorder.requests[0].headers["user-agent"] == USER_AGENT


async def test_allow_private_overrides() -> None:
    client, recorder, _ = make_client(ok, allow_private_hosts=["internal.test"])
    async with client:
        assert (await client.fetch("http://127.0.0.1:9000/", allow_private=True)).status_code == 200
        assert (await client.fetch("http://internal.test/")).status_code == 200
        with pytest.raises(UrlNotAllowed):
            await client.fetch("http://127.0.0.1:9000/")
    assert len(recorder.requests) == 2


# --- redirects ----------------------------------------------------------------------------


async def test_redirect_to_private_address_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "http://169.254.169.254/latest/"})

    client, recorder, _ = make_client(handler)
    async with client:
        with pytest.raises(UrlNotAllowed):
            await client.fetch("https://public.test/go")
    assert [str(r.url) for r in recorder.requests] == ["https://public.test/go"]


async def test_redirect_to_host_resolving_private_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": "https://internal.test/admin"})

    client, recorder, _ = make_client(handler)
    async with client:
        with pytest.raises(UrlNotAllowed, match="private"):
            await client.fetch("https://public.test/")
    assert len(recorder.requests) == 1


async def test_redirect_scheme_refused() -> None:
    client, _, _ = make_client(lambda r: httpx.Response(302, headers={"Location": "file:///x"}))
    async with client:
        with pytest.raises(UrlNotAllowed):
            await client.fetch("https://public.test/")


async def test_redirects_followed_and_rewritten() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "public.test" and request.url.path == "/form":
            return httpx.Response(303, headers={"Location": "/done"})
        if request.url.path == "/done":
            return httpx.Response(307, headers={"Location": "https://cdn.test/final"})
        return httpx.Response(200, json={"method": request.method})

    client, recorder, _ = make_client(handler)
    async with client:
        resp = await client.request(
            "POST",
            "https://public.test/form",
            json={"a": 1},
            headers={"Authorization": "Bearer secret"},
        )
    assert resp.json() == {"method": "GET"}
    assert resp.url == "https://cdn.test/final"
    methods = [(r.method, str(r.url)) for r in recorder.requests]
    assert methods == [
        ("POST", "https://public.test/form"),
        ("GET", "https://public.test/done"),
        ("GET", "https://cdn.test/final"),
    ]
    assert recorder.requests[1].headers["authorization"] == "Bearer secret"  # same origin
    assert "authorization" not in recorder.requests[2].headers  # cross origin
    assert recorder.requests[1].content == b""


async def test_too_many_redirects() -> None:
    client, recorder, _ = make_client(
        lambda r: httpx.Response(302, headers={"Location": "/again"}), max_redirects=5
    )
    async with client:
        with pytest.raises(TooManyRedirects) as exc:
            await client.fetch("https://public.test/")
    assert exc.value.status == 502
    assert len(recorder.requests) == 6


# --- limits -------------------------------------------------------------------------------


async def test_size_cap_with_content_length() -> None:
    client, _, _ = make_client(lambda r: httpx.Response(200, content=b"x" * 2000))
    async with client:
        with pytest.raises(ResponseTooLarge) as exc:
            await client.fetch("https://public.test/", max_bytes=1000)
        assert exc.value.code == "response_too_large"
        assert len((await client.fetch("https://public.test/", max_bytes=2000)).content) == 2000


async def test_size_cap_streamed_without_length() -> None:
    pulled: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        for i in range(100):
            pulled.append(i)
            yield b"y" * 1000

    client, _, _ = make_client(lambda r: httpx.Response(200, content=body()))
    async with client:
        with pytest.raises(ResponseTooLarge):
            await client.fetch("https://public.test/", max_bytes=5500)
        async with client.stream("GET", "https://public.test/", max_bytes=5500) as resp:
            with pytest.raises(ResponseTooLarge):
                async for _ in resp.aiter_bytes():
                    pass
    assert len(pulled) < 20  # stopped early, did not drain the body


async def test_total_timeout() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return httpx.Response(200)

    client = GuardedClient(
        transport=httpx.MockTransport(handler), resolver=fake_resolver, total_timeout=0.05
    )
    async with client:
        with pytest.raises(UpstreamTimeout) as exc:
            await client.fetch("https://public.test/")
    assert exc.value.status == 504


# --- retries ------------------------------------------------------------------------------


def script(*responses: httpx.Response | Exception) -> Callable[[httpx.Request], httpx.Response]:
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handler


async def test_retry_on_429_honours_retry_after() -> None:
    client, recorder, sleeps = make_client(
        script(
            httpx.Response(429, headers={"Retry-After": "2"}),
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(200, text="finally"),
        )
    )
    async with client:
        resp = await client.fetch("https://public.test/api")
    assert resp.status_code == 200
    assert resp.text == "finally"
    assert sleeps.calls == [2.0, 7.0]
    assert len(recorder.requests) == 3


async def test_retry_after_http_date() -> None:
    when = datetime.now(UTC) + timedelta(seconds=30)
    client, _, sleeps = make_client(
        script(
            httpx.Response(503, headers={"Retry-After": format_datetime(when, usegmt=True)}),
            httpx.Response(200),
        )
    )
    async with client:
        assert (await client.fetch("https://public.test/")).status_code == 200
    assert len(sleeps.calls) == 1
    assert 25 <= sleeps.calls[0] <= 31


async def test_retry_after_beyond_cap_gives_up() -> None:
    client, recorder, sleeps = make_client(
        script(httpx.Response(429, headers={"Retry-After": "3600"})), retry_after_cap=60
    )
    async with client:
        resp = await client.fetch("https://public.test/")
    assert resp.status_code == 429
    assert sleeps.calls == []
    assert len(recorder.requests) == 1


async def test_backoff_on_502_then_exhausted() -> None:
    client, recorder, sleeps = make_client(
        lambda r: httpx.Response(502), retries=3, backoff_base=1.0, backoff_max=30
    )
    async with client:
        resp = await client.fetch("https://public.test/")
    assert resp.status_code == 502
    assert len(recorder.requests) == 4
    assert len(sleeps.calls) == 3
    for attempt, delay in enumerate(sleeps.calls, start=1):
        ceiling = 2 ** (attempt - 1)
        assert ceiling / 2 <= delay <= ceiling
    with pytest.raises(UpstreamError) as exc:
        resp.raise_for_status()
    assert exc.value.extra == {"upstream_status": 502}


async def test_post_is_not_retried() -> None:
    client, recorder, sleeps = make_client(lambda r: httpx.Response(503))
    async with client:
        resp = await client.request("POST", "https://public.test/submit", json={"x": 1})
    assert resp.status_code == 503
    assert len(recorder.requests) == 1
    assert sleeps.calls == []


async def test_post_retried_when_asked() -> None:
    client, recorder, _ = make_client(script(httpx.Response(503), httpx.Response(201)))
    async with client:
        resp = await client.request(
            "POST", "https://public.test/submit", json={"x": 1}, retry_non_idempotent=True
        )
    assert resp.status_code == 201
    assert [r.content for r in recorder.requests] == [b'{"x":1}', b'{"x":1}']


async def test_connect_error_retried_then_reported() -> None:
    client, recorder, sleeps = make_client(
        script(httpx.ConnectError("refused"), httpx.Response(200))
    )
    async with client:
        assert (await client.request("POST", "https://public.test/")).status_code == 200
    assert len(sleeps.calls) == 1

    client, recorder, _ = make_client(lambda r: (_ for _ in ()).throw(httpx.ConnectError("no")))
    async with client:
        with pytest.raises(UpstreamError) as exc:
            await client.fetch("https://public.test/")
    assert exc.value.code == "upstream_error"
    assert len(recorder.requests) == 4


async def test_read_timeout_is_504() -> None:
    client, _, _ = make_client(script(httpx.ReadTimeout("slow")))
    async with client:
        with pytest.raises(UpstreamTimeout):
            await client.fetch("https://public.test/")


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412490.0) == 0.0


# --- pinning with real sockets ------------------------------------------------------------


class TinyServer:
    """A local HTTP/1.1 server that records the Host header of each request."""

    def __init__(self) -> None:
        self.hosts: list[str] = []
        self.connections = 0
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> int:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        head = await reader.readuntil(b"\r\n\r\n")
        for line in head.decode().split("\r\n"):
            if line.lower().startswith("host:"):
                self.hosts.append(line.split(":", 1)[1].strip())
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\npinned")
        await writer.drain()
        writer.close()


async def test_transport_connects_to_the_checked_address() -> None:
    """The name is resolved by our resolver (not the system's) and the socket goes to that
    address, while the Host header keeps the name."""
    server = TinyServer()
    async with server as port:

        async def resolver(host: str, p: int) -> Sequence[IPAddress]:
            assert host == "pinned.test"
            return [ipaddress.ip_address("127.0.0.1")]

        transport = PinnedTransport(resolver, check=lambda ip: None)
        async with httpx.AsyncClient(transport=transport) as client:
            resp = await client.get(f"http://pinned.test:{port}/")
    assert resp.text == "pinned"
    assert server.hosts == [f"pinned.test:{port}"]


async def test_dns_rebinding_refused_at_connect_time() -> None:
    """The pre-check sees a public address; the connection-time lookup gets loopback. The
    pinned transport checks again and never connects."""
    server = TinyServer()
    async with server as port:
        answers = iter([PUBLIC, "127.0.0.1"])

        async def rebinding(host: str, p: int) -> Sequence[IPAddress]:
            return [ipaddress.ip_address(next(answers, "127.0.0.1"))]

        async with GuardedClient(resolver=rebinding, retries=0) as client:
            with pytest.raises(UrlNotAllowed, match="loopback"):
                await client.fetch(f"http://rebind.test:{port}/")
    assert server.connections == 0


async def test_guarded_transport_refuses_loopback_literal_and_allows_when_trusted() -> None:
    server = TinyServer()
    async with server as port:
        transport = PinnedTransport()
        async with httpx.AsyncClient(transport=transport) as raw:
            with pytest.raises(UrlNotAllowed):
                await raw.get(f"http://127.0.0.1:{port}/")
        async with GuardedClient() as client:
            resp = await client.fetch(f"http://127.0.0.1:{port}/", allow_private=True)
    assert resp.text == "pinned"
    assert server.connections == 1

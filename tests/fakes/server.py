"""A small HTTP/1.1 server on 127.0.0.1 for the fakes: one request per connection."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

import httpx

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]

_HOP_HEADERS = {"content-length", "connection", "transfer-encoding", "keep-alive"}


class DropConnection(Exception):
    """Raised by a handler that acted on the request but loses its answer (a reset)."""


class FakeServer:
    def __init__(self, handler: Handler, port: int = 0) -> None:
        """`port`: 0 for one the system picks."""
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self._server: asyncio.Server | None = None
        self.port = port

    @property
    def host(self) -> str:
        """The `host:port` entry for `TONEARM_HTTP_ALLOW_HOSTS`."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    async def __aenter__(self) -> FakeServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            method, target, _ = request_line.split(" ", 2)
            headers = [tuple(h.split(":", 1)) for h in header_lines if ":" in h]
            headers = [(k.strip(), v.strip()) for k, v in headers]
            length = int(dict((k.lower(), v) for k, v in headers).get("content-length", "0"))
            body = await reader.readexactly(length) if length else b""
            request = httpx.Request(method, self.url + target, headers=headers, content=body)
            self.requests.append(request)
            answer = self.handler(request)
            response = await answer if inspect.isawaitable(answer) else answer
        except DropConnection:
            writer.close()
            return
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        content = response.content
        lines = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}"]
        lines += [f"{k}: {v}" for k, v in response.headers.items() if k not in _HOP_HEADERS]
        lines += [f"content-length: {len(content)}", "connection: close", "", ""]
        writer.write("\r\n".join(lines).encode("latin-1") + content)
        try:
            await writer.drain()
        finally:
            writer.close()

"""The HTTP/1.1 protocol `tonearm serve` runs: uvicorn's httptools protocol with the limits it
lacks, so the server holds without a proxy in front.

- the request line and headers together are capped in bytes and the headers in number: above
  either, the client gets 431 and the connection closes (httptools itself keeps reading a
  header of any size into memory; uvicorn's `h11_max_incomplete_event_size` applies only to
  the slower h11 protocol and answers 400);
- a connection must send a whole request head within a timeout from when it opened (or from
  the first byte of its next request): a client that trickles headers (slowloris), or opens
  a connection and sends nothing, is disconnected. uvicorn's `timeout_keep_alive` only starts
  after a first response.

uvicorn is given this class by import path (`http=`), so each worker process builds it from
its own settings."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any, NamedTuple

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from tonearm.config import get_settings

IMPORT_PATH = "tonearm.platform.httpserver:GuardedHttpProtocol"


class HeadLimits(NamedTuple):
    max_bytes: int
    max_headers: int
    timeout: float


@lru_cache
def head_limits() -> HeadLimits:
    s = get_settings()
    return HeadLimits(s.http_max_header_bytes, s.http_max_headers, s.http_header_timeout)


class _HeadTooLarge(Exception):
    """Raised from a parser callback: httptools turns it into HttpParserCallbackError, which
    uvicorn answers through `send_400_response` (overridden below to say 431)."""


class GuardedHttpProtocol(HttpToolsProtocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = head_limits()
        self._in_head = True  # reading a request head (not yet on_headers_complete)
        self._head_bytes = 0
        self._header_count = 0
        self._too_large = False
        self._head_timer: asyncio.TimerHandle | None = None

    # -- the head timeout ----------------------------------------------------------------------
    def _arm_head_timer(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.limits.timeout, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._in_head and not self.transport.is_closing():
            self.logger.info("Request head not received in time; connection closed.")
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    # -- the size and count limits -------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._in_head and not self.transport.is_closing():
            # Counted after parsing, so a chunk holding a small head and the start of a body
            # is not mistaken for a large head; httptools holds at most one chunk more.
            self._head_bytes += len(data)
            if self._head_bytes > self.limits.max_bytes:
                self._too_large = True
                self.send_400_response("Request header fields too large")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_bytes = 0
        self._header_count = 0
        self._arm_head_timer()

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count > self.limits.max_headers:
            self._too_large = True
            raise _HeadTooLarge
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._disarm_head_timer()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        if not self._too_large:
            super().send_400_response(msg)
            return
        self._in_head = False
        self._disarm_head_timer()
        body = b"Request header fields too large"
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(body)).encode("ascii") + b"\r\n"
            b"connection: close\r\n\r\n" + body
        )
        self.transport.close()

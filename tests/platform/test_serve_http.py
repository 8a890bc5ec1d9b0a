"""The real `tonearm serve` over raw sockets: header size and count limits (431), clients too
slow to send a request head are disconnected, and a hostile path is escaped in the log."""

from __future__ import annotations

import http.client
import select
import socket
import time
from collections.abc import Iterable, Iterator

import httpx
import pytest

from tests.served import Served, served

pytestmark = pytest.mark.slow

GIVE_UP = 15.0  # seconds a test waits for the server to act; the header timeout is 1 s


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(
        tmp_path_factory.mktemp("serve-http"),
        http_max_header_bytes="65536",
        http_max_headers="100",
        http_header_timeout="1",
    ) as s:
        yield s


def _connect(server: Served) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=GIVE_UP)


def _send_then_read(server: Served, chunks: Iterable[bytes]) -> bytes:
    """Send the chunks, stopping as soon as the server answers (it closes on a 431, and data
    it never read would reset the connection before its answer is read), then read it all."""
    with _connect(server) as s:
        for chunk in chunks:
            readable, _, _ = select.select([s], [], [], 0.02)
            if readable:
                break
            try:
                s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
        received = b""
        try:
            while data := s.recv(65536):
                received += data
        except (ConnectionResetError, TimeoutError):
            pass
        return received


def _head(*header_lines: bytes) -> Iterator[bytes]:
    yield b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    buffered = b""
    for line in header_lines:
        buffered += line
        if len(buffered) >= 8192:
            yield buffered
            buffered = b""
    yield buffered + b"\r\n"


def test_a_small_request_is_served(server: Served) -> None:
    head = b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answer = _send_then_read(server, [head])
    assert answer.startswith(b"HTTP/1.1 200")


def test_a_header_over_the_byte_limit_gets_431(server: Served) -> None:
    value = b"a" * (150 * 1024)  # one header of 150 KiB
    pieces = [value[i : i + 8192] for i in range(0, len(value), 8192)]
    chunks = [b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ", *pieces, b"\r\n\r\n"]
    answer = _send_then_read(server, chunks)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]


def test_ten_thousand_headers_get_431(server: Served) -> None:
    # 5 bytes each: 50 KB, under the 64 KiB byte limit, so the count is what refuses them.
    answer = _send_then_read(server, _head(*(b"x:1\r\n" for _ in range(10_000))))
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]


def _closed_by_server(s: socket.socket, trickle: bytes | None) -> bool:
    """Wait (sending `trickle` every 0.3 s, if given) until the server closes the socket."""
    deadline = time.monotonic() + GIVE_UP
    while time.monotonic() < deadline:
        readable, _, _ = select.select([s], [], [], 0.3)
        if readable:
            try:
                if s.recv(65536) == b"":
                    return True
            except ConnectionResetError:
                return True
            continue
        if trickle is not None:
            try:
                s.sendall(trickle)
            except (BrokenPipeError, ConnectionResetError):
                return True
    return False


def test_a_client_trickling_headers_is_disconnected(server: Served) -> None:
    with _connect(server) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        assert _closed_by_server(s, trickle=b"X-Slow: 1\r\n")


def test_a_connection_that_sends_nothing_is_disconnected(server: Served) -> None:
    with _connect(server) as s:
        assert _closed_by_server(s, trickle=None)


def test_a_kept_alive_connection_still_serves_its_next_request(server: Served) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=GIVE_UP)
    try:
        for _ in range(3):
            conn.request("GET", "/health")
            answer = conn.getresponse()
            assert (answer.status, answer.read()) == (200, b'{"status":"ok"}')
    finally:
        conn.close()


def _log_line_with(server: Served, text: str) -> str:
    deadline = time.monotonic() + GIVE_UP
    while time.monotonic() < deadline:
        for line in server.log().splitlines():
            if text in line:
                return line
        time.sleep(0.1)
    raise AssertionError(f"no log line with {text!r}:\n{server.log()[-2000:]}")


def test_control_characters_in_a_path_are_escaped_in_the_log(server: Served) -> None:
    answer = httpx.get(server.url + "/api/v1/%00%1b[31mred%e2%80%aeevil%0a%0dforged%07")
    assert answer.status_code == 404
    line = _log_line_with(server, "forged")
    assert "\\x00\\x1b[31mred\\u202eevil\\x0a\\x0dforged\\x07" in line
    log = server.log()  # and no raw control character anywhere (no forged line either)
    assert not any(c in log for c in "\x00\x07\x1b\r\u202e")
    assert not any(ln.startswith("forged") for ln in log.splitlines())

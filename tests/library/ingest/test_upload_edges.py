"""Uploads that end badly: a client that leaves mid-body is a quiet log line (it was a 500
with a traceback), and a multipart boundary the parser cannot use is a 400 (it was a 500)."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tonearm.platform.state import AppState


async def test_a_boundary_over_256_characters_is_a_400(client: httpx.AsyncClient) -> None:
    h = bearer(await register(client))
    boundary = "b" * 300
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="files"; filename="a.mp3"\r\n\r\n'
        f"data\r\n--{boundary}--\r\n"
    ).encode()
    r = await client.post(
        "/api/v1/library/uploads",
        headers={**h, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=body,
    )
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "bad_multipart"


async def test_a_client_leaving_mid_upload_is_a_quiet_line_and_leaves_no_temp_file(
    app: Any, state: AppState, client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    h = bearer(await register(client))
    boundary = "leavingb0undary"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="files"; filename="half.mp3"\r\n'
        "Content-Type: audio/mpeg\r\n\r\n"
    ).encode()
    messages = [
        {"type": "http.request", "body": head + b"\xff\xfb" * 40_000, "more_body": True},
        {"type": "http.disconnect"},  # what the server sends when the socket closes
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/library/uploads",
        "raw_path": b"/api/v1/library/uploads",
        "query_string": b"",
        "root_path": "",
        "client": ("10.7.7.7", 40000),
        "server": ("testserver", 80),
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", h["Authorization"].encode()),
            (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
            (b"content-length", b"10000000"),
        ],
    }
    with caplog.at_level(logging.INFO):
        await app(scope, receive, send)  # raised out of the app (a 500) before
    logged = "\n".join(str(r.msg) for r in caplog.records)
    assert "unhandled_error" not in logged and "Traceback" not in caplog.text
    assert "client_disconnected" in logged
    assert sent[0]["status"] == 499
    tmp = state.settings.data_dir / "tmp" / "uploads"
    assert list(tmp.glob("upload-*")) == []

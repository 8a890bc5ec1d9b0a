"""The API's JSON answers go gzipped to clients that take gzip (platform/compress.py), except
where a secret could sit beside chosen text (BREACH), streams, and small answers."""

from __future__ import annotations

import gzip
import json
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.accounts import factories as accounts
from tests.playlists import factories as playlists
from tonearm.platform.compress import MIN_SIZE, CompressJSONMiddleware, accepts

GZIP = {"Accept-Encoding": "gzip"}


async def raw_get(client: httpx.AsyncClient, path: str, **headers: str) -> httpx.Response:
    """The answer as sent (httpx would undo a gzip encoding by itself)."""
    async with client.stream("GET", path, headers=headers) as r:
        r._content = b"".join([part async for part in r.aiter_raw()])
    return r


async def test_a_large_json_answer_is_gzipped_and_decodes_to_the_plain_one(
    client: httpx.AsyncClient,
) -> None:
    tokens = await accounts.register(client)
    h = accounts.bearer(tokens)
    for i in range(12):
        await playlists.playlist(client, h, f"Playlist number {i}", description="x" * 40)
    plain = await raw_get(client, "/api/v1/playlists", **h, **{"Accept-Encoding": "identity"})
    packed = await raw_get(client, "/api/v1/playlists", **h, **GZIP)
    assert plain.status_code == packed.status_code == 200
    assert len(plain.content) > MIN_SIZE
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    assert "accept-encoding" in plain.headers["vary"].lower()
    assert int(packed.headers["content-length"]) == len(packed.content) < len(plain.content) // 3
    assert packed.headers["content-type"] == plain.headers["content-type"]
    assert gzip.decompress(packed.content) == plain.content
    # Through httpx's own decoding, as a client sees it.
    assert (await client.get("/api/v1/playlists", headers={**h, **GZIP})).json() == json.loads(
        plain.content
    )
    # The OpenAPI document too (the largest JSON the server sends).
    doc = await raw_get(client, "/api/openapi.json", **GZIP)
    assert doc.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(doc.content))["openapi"]


async def test_not_without_gzip_in_accept_encoding(client: httpx.AsyncClient) -> None:
    assert (await raw_get(client, "/api/openapi.json", **GZIP)).headers["content-encoding"]
    for value in ("identity", "br", "gzip;q=0", "gzip;q=0, br", "*;q=0", ""):
        r = await raw_get(client, "/api/openapi.json", **{"Accept-Encoding": value})
        assert "content-encoding" not in r.headers, value
        assert json.loads(r.content)["openapi"]
    r = await raw_get(client, "/api/openapi.json", **{"Accept-Encoding": "br;q=1, *;q=0.5"})
    assert r.headers["content-encoding"] == "gzip"


async def test_small_answers_go_as_they_are(client: httpx.AsyncClient) -> None:
    tokens = await accounts.register(client)
    h = accounts.bearer(tokens)
    big = await raw_get(client, "/api/openapi.json", **GZIP)
    assert big.headers["content-encoding"] == "gzip"
    r = await raw_get(client, "/api/v1/playlists", **h, **GZIP)
    assert r.status_code == 200 and len(r.content) < MIN_SIZE
    assert "content-encoding" not in r.headers
    assert "accept-encoding" in r.headers["vary"].lower()  # a larger page would be gzipped
    assert json.loads(r.content)["items"] == []


async def test_auth_answers_are_never_compressed(client: httpx.AsyncClient) -> None:
    """/api/v1/auth/* carries tokens (BREACH): not even its large GET answers are gzipped,
    while a like-sized answer elsewhere is."""
    tokens = await accounts.register(client, username="compressme")
    for _ in range(6):
        r = await client.post(
            "/api/v1/auth/login",
            json={"login": "compressme", "password": accounts.PASSWORD},
            headers=GZIP,
        )
        assert r.status_code == 200, r.text
        assert "content-encoding" not in r.headers
    h = accounts.bearer(tokens)
    sessions = await raw_get(client, "/api/v1/auth/sessions", **h, **GZIP)
    assert sessions.status_code == 200
    assert len(sessions.content) > MIN_SIZE, len(sessions.content)
    assert "content-encoding" not in sessions.headers
    assert len(json.loads(sessions.content)["items"]) == 7
    # The same kind of answer outside /auth/ is gzipped.
    assert (await raw_get(client, "/api/openapi.json", **GZIP)).headers["content-encoding"]


# --- rules the real routes cannot show at will: a small app behind the same middleware ---


async def _json(_: Request) -> Response:
    return JSONResponse({"items": ["x" * 50] * 100})


async def _json_stream(_: Request) -> Response:
    async def parts() -> Any:
        yield b'{"items": ['
        for i in range(100):
            yield (b"," if i else b"") + b'"' + b"x" * 50 + b'"'
        yield b"]}"

    return StreamingResponse(parts(), media_type="application/json")


async def _events(_: Request) -> Response:
    body = b"".join(b"event: progress\ndata: " + b"x" * 60 + b"\n\n" for _ in range(40))
    return Response(body, media_type="text/event-stream")


async def _secret(request: Request) -> Response:
    r = JSONResponse({"token": "t" * 2000})
    if request.query_params.get("how") == "cookie":
        r.set_cookie("s", "v")
    else:
        r.headers["Cache-Control"] = "no-store"
    return r


async def _encoded(_: Request) -> Response:
    return Response(
        gzip.compress(b'{"a": "' + b"x" * 3000 + b'"}'),
        media_type="application/json",
        headers={"Content-Encoding": "gzip"},
    )


@pytest.fixture
async def small_app() -> Any:
    routes = [
        Route("/api/v1/json", _json),
        Route("/api/v1/json", _json, methods=["POST"], name="post"),
        Route("/api/v1/stream", _json_stream),
        Route("/api/v1/events", _events),
        Route("/api/v1/secret", _secret),
        Route("/api/v1/encoded", _encoded),
        Route("/api/v1/auth/json", _json),
        Route("/rest/json", _json),
    ]
    app = CompressJSONMiddleware(Starlette(routes=routes))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as c:
        yield c


async def test_streams_events_and_encoded_answers_are_left_alone(
    small_app: httpx.AsyncClient,
) -> None:
    assert (await raw_get(small_app, "/api/v1/json", **GZIP)).headers["content-encoding"]
    for path in ("/api/v1/stream", "/api/v1/events"):
        r = await raw_get(small_app, path, **GZIP)
        assert len(r.content) > MIN_SIZE
        assert "content-encoding" not in r.headers, path
    r = await raw_get(small_app, "/api/v1/encoded", **GZIP)
    assert r.headers["content-encoding"] == "gzip"
    assert gzip.decompress(r.content).startswith(b'{"a": "xxx')  # encoded once, not twice


async def test_secrets_posts_and_other_paths_are_left_alone(small_app: httpx.AsyncClient) -> None:
    assert (await raw_get(small_app, "/api/v1/json", **GZIP)).headers["content-encoding"]
    for path in ("/api/v1/secret?how=cookie", "/api/v1/secret?how=no-store", "/api/v1/auth/json"):
        r = await raw_get(small_app, path, **GZIP)
        assert len(r.content) > MIN_SIZE
        assert "content-encoding" not in r.headers, path
    r = await small_app.post("/api/v1/json", headers=GZIP)
    assert r.status_code == 200 and "content-encoding" not in r.headers
    r = await raw_get(small_app, "/rest/json", **GZIP)  # the Subsonic face: its own rules
    assert "content-encoding" not in r.headers


def test_accepts_reads_q_values() -> None:
    assert accepts("gzip, deflate, br", "br")
    assert accepts("GZIP", "gzip")
    assert accepts("br;q=0.5", "br")
    assert not accepts("br;q=0", "br")
    assert not accepts("gzip", "br")
    assert accepts("*", "br")
    assert not accepts("*;q=0", "br")
    assert not accepts("gzip;q=0, *", "gzip")
    assert not accepts("", "gzip")
    assert not accepts("br;q=x", "br")

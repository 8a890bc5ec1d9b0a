"""The OpenAPI document lists every status the server answers (issue 9, item 17): each attack
below is sent to every operation it applies to, and the answer must be a status the document
lists for that operation, as a problem document of the documented content type."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio
from tests.library.factories import upload
from tonearm.kit.errors import PROBLEM_JSON
from tonearm.platform.state import AppState


@pytest.fixture(scope="module")
def doc(app: Any) -> dict[str, Any]:
    return app.openapi()  # type: ignore[no-any-return]


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(m.upper(), p, op) for p, ops in doc["paths"].items() for m, op in ops.items()]


def concrete(path: str) -> str:
    """The path with a value in each parameter (a UUID fits every one the API has)."""
    out = path
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        out = out[:start] + str(uuid.uuid4()) + out[end + 1 :]
    return out


def assert_documented(op: dict[str, Any], resp: httpx.Response, code: str) -> None:
    """`resp` has the status and code expected, and the document says both."""
    assert resp.json().get("code") == code, resp.text
    documented = op["responses"].get(str(resp.status_code))
    assert documented is not None, f"{op['operationId']}: {resp.status_code} is not documented"
    assert f"`{code}`" in documented["description"], (op["operationId"], documented)
    assert resp.headers["content-type"].startswith(PROBLEM_JSON)
    assert list(documented["content"]) == [PROBLEM_JSON], (op["operationId"], documented)


async def test_a_bad_cursor_is_a_documented_400_on_every_paged_route(
    client: httpx.AsyncClient, doc: dict[str, Any]
) -> None:
    h = bearer(await register(client))  # the first user: an admin, so every list answers
    paged = [
        (m, p, op)
        for m, p, op in operations(doc)
        if any(q["name"] == "cursor" for q in op.get("parameters", []))
    ]
    assert len(paged) >= 8
    # Paged routes under a parent: a parent of the caller's own, so the cursor is reached.
    made = await client.post("/api/v1/playlists", headers=h, json={"name": "Paged"})
    migration = await client.post(
        "/api/v1/migrations/upload",
        headers=h,
        files={"file": ("mix.m3u", b"#EXTM3U\n#EXTINF:200,A - B\nb.mp3\n")},
        data={"target": "library"},
    )
    assert migration.status_code == 201, migration.text
    parents = {"{playlist_id}": made.json()["id"], "{migration_id}": migration.json()["id"]}
    for method, path, op in paged:
        for param, value in parents.items():
            path = path.replace(param, value)
        assert "{" not in path, f"{path}: give test_openapi a parent for it"
        resp = await client.request(method, path, params={"cursor": "not-a-cursor"}, headers=h)
        assert resp.status_code == 400, (path, resp.text)
        assert_documented(op, resp, "invalid_cursor")


async def test_malformed_json_is_a_documented_400_on_every_json_body(
    client: httpx.AsyncClient, doc: dict[str, Any]
) -> None:
    h = bearer(await register(client))
    with_json = [
        (m, p, op)
        for m, p, op in operations(doc)
        if "application/json" in op.get("requestBody", {}).get("content", {})
    ]
    assert len(with_json) >= 12
    for method, path, op in with_json:
        resp = await client.request(
            method,
            concrete(path),
            content=b'{"not": json',
            headers={**h, "Content-Type": "application/json"},
        )
        assert resp.status_code == 400, (path, resp.text)
        assert_documented(op, resp, "malformed_json")


async def test_validation_errors_are_documented_as_the_problems_they_are(
    client: httpx.AsyncClient, doc: dict[str, Any]
) -> None:
    """422 is a problem document with `errors`, not FastAPI's `HTTPValidationError`."""
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    op = doc["paths"]["/api/v1/library/tracks/{track_id}"]["get"]
    resp = await client.get("/api/v1/library/tracks/not-a-uuid")
    assert resp.status_code == 422
    assert_documented(op, resp, "validation_error")
    assert resp.json()["errors"][0]["loc"] == ["path", "track_id"]


async def test_signed_in_routes_document_401_and_bad_tokens_everywhere(
    client: httpx.AsyncClient, doc: dict[str, Any], state: AppState
) -> None:
    for method, path, op in operations(doc):
        if {"bearer": []} not in op.get("security", []):
            continue
        await state.limiter.reset()  # a guest gets 20 a minute; this sends more
        resp = await client.request(
            method, concrete(path), headers={"Authorization": "Bearer not-a-token"}
        )
        assert resp.status_code == 401, (path, resp.text)
        assert_documented(op, resp, "invalid_access_token")
        if {} not in op["security"]:  # not optional: a guest is told to sign in
            resp = await client.request(method, concrete(path))
            assert resp.status_code == 401, (path, resp.text)
            assert_documented(op, resp, "not_authenticated")


async def test_the_audio_route_documents_its_stream_token_errors(
    client: httpx.AsyncClient, doc: dict[str, Any], tmp_path: Path
) -> None:
    op = doc["paths"]["/api/v1/tracks/{track_id}/audio"]["get"]
    h = bearer(await register(client))
    track = (await upload(client, h, make_audio(tmp_path / "a.mp3", "mp3", seconds=1))).json()
    track_id = track["items"][0]["track"]["id"]
    grant = (await client.post(f"/api/v1/tracks/{track_id}/stream", headers=h)).json()

    resp = await client.get(f"/api/v1/tracks/{track_id}/audio", params={"token": "forged"})
    assert resp.status_code == 401
    assert_documented(op, resp, "stream_token_invalid")

    resp = await client.get(
        f"/api/v1/tracks/{uuid.uuid4()}/audio", params={"token": grant["token"]}
    )
    assert resp.status_code == 403
    assert_documented(op, resp, "stream_forbidden")


async def test_the_rate_limit_is_a_documented_429(
    client: httpx.AsyncClient, doc: dict[str, Any], state: AppState
) -> None:
    op = doc["paths"]["/api/v1/library/tracks"]["get"]
    limit = int(state.settings.rate_limit_guest.split("/")[0])
    # Up to two windows' worth: the window may roll over between two requests (a test run
    # that crosses the minute), which restarts the count once.
    codes = []
    for _ in range(2 * limit + 1):
        resp = await client.get("/api/v1/library/tracks")
        codes.append(resp.status_code)
        if resp.status_code != 200:
            break
    assert codes[-1] == 429 and len(codes) > limit, codes
    assert_documented(op, resp, "rate_limited")


async def test_a_method_a_path_lacks_is_a_405_naming_every_method_it_has(
    client: httpx.AsyncClient,
) -> None:
    resp = await client.request("OPTIONS", "/api/v1/me")
    assert resp.status_code == 405
    assert resp.headers["allow"] == "GET, PATCH"  # two routes, one path: both methods
    resp = await client.get("/api/v1/auth/register")  # the SPA's catch-all is GET-only
    assert resp.status_code == 405 and resp.headers["allow"] == "POST"
    assert (await client.get("/api/v1/no-such-route")).json()["code"] == "route_not_found"
    assert (await client.get("/api/v1/me/")).status_code == 404  # not an undocumented 307
    assert (await client.get("/some/page")).status_code == 200  # the SPA still has the rest

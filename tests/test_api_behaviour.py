"""Cross-cutting API behaviour: problem+json everywhere, limits, idempotency, ops routes."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from tests.accounts.factories import PASSWORD, bearer, register
from tests.conftest import client_for, running


def _is_problem(resp: httpx.Response, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["title"]


async def test_malformed_json_is_400(client: httpx.AsyncClient) -> None:
    resp = await client.post(
        "/api/v1/auth/login",
        content=b'{"login": "x", ',
        headers={"content-type": "application/json"},
    )
    _is_problem(resp, 400, "malformed_json")


async def test_wrong_types_are_422_with_field_errors(client: httpx.AsyncClient) -> None:
    resp = await client.post(
        "/api/v1/auth/register", json={"email": 5, "username": [], "password": 1}
    )
    _is_problem(resp, 422, "validation_error")
    locs = {tuple(e["loc"]) for e in resp.json()["errors"]}
    assert ("body", "email") in locs and ("body", "username") in locs


async def test_unknown_route_and_method(client: httpx.AsyncClient) -> None:
    _is_problem(await client.get("/api/v1/nope"), 404, "route_not_found")
    _is_problem(await client.put("/api/v1/auth/login", json={}), 405, "method_not_allowed")


async def test_body_over_limit_is_413(app: Any, settings: Any) -> None:
    big = b"{" + b" " * (settings.max_body_bytes + 10) + b"}"
    async with client_for(app, "10.5.5.5") as c:
        resp = await c.post(
            "/api/v1/auth/login", content=big, headers={"content-type": "application/json"}
        )
        _is_problem(resp, 413, "payload_too_large")

        # Without Content-Length (chunked), the limit applies while streaming.
        async def gen():  # type: ignore[no-untyped-def]
            for _ in range(settings.max_body_bytes // 65536 + 2):
                yield b" " * 65536

        resp = await c.post(
            "/api/v1/auth/login", content=gen(), headers={"content-type": "application/json"}
        )
        _is_problem(resp, 413, "payload_too_large")


async def test_login_rate_limit_per_ip(app: Any) -> None:
    async with client_for(app, "10.6.6.6") as c:
        statuses = []
        for n in range(11):  # a name each: the per-account limit is another test's
            r = await c.post("/api/v1/auth/login", json={"login": f"x{n}", "password": "y"})
            statuses.append(r.status_code)
        assert statuses[:10] == [401] * 10
        _is_problem(r, 429, "rate_limited")
        assert int(r.headers["retry-after"]) >= 1
    # Another IP is not affected.
    async with client_for(app, "10.6.6.7") as c:
        r = await c.post("/api/v1/auth/login", json={"login": "x", "password": "y"})
        assert r.status_code == 401


async def test_guest_and_user_limits(app: Any) -> None:
    async with client_for(app, "10.7.7.7") as c:
        statuses = [(await c.get("/api/v1/me")).status_code for _ in range(21)]
        assert statuses[:20] == [401] * 20
        assert statuses[20] == 429
    async with client_for(app, "10.7.7.8") as c:
        t = await register(c, username="limit")
        statuses = [(await c.get("/api/v1/me", headers=bearer(t))).status_code for _ in range(101)]
        assert statuses[:100] == [200] * 100
        assert statuses[100] == 429


async def test_limits_are_configurable(data_dir: Any, database_url: str) -> None:
    from tests.conftest import make_settings
    from tonearm.app import create_app

    s = make_settings(data_dir, database_url, rate_limit_guest="2/minute")
    application = create_app(s)
    async with running(application):
        await application.state.tonearm.limiter.reset()
        async with client_for(application, "10.8.8.8") as c:
            codes = [(await c.get("/api/v1/me")).status_code for _ in range(3)]
        await application.state.tonearm.limiter.reset()
    assert codes == [401, 401, 429]


async def test_idempotency_key_replays_first_response(client: httpx.AsyncClient) -> None:
    body = {"email": "idem@example.com", "username": "idem", "password": PASSWORD}
    h = {"Idempotency-Key": "signup-1"}
    first = await client.post("/api/v1/auth/register", json=body, headers=h)
    assert first.status_code == 201
    replay = await client.post("/api/v1/auth/register", json=body, headers=h)
    assert replay.status_code == 201
    assert replay.headers["idempotency-replayed"] == "true"
    assert replay.json() == first.json()
    # Without the key the duplicate is refused; with the key and another body it is 422.
    dup = await client.post("/api/v1/auth/register", json=body)
    _is_problem(dup, 409, "email_taken")
    other = await client.post(
        "/api/v1/auth/register", json={**body, "username": "idem2"}, headers=h
    )
    _is_problem(other, 422, "idempotency_key_reused")


async def test_a_replayable_sign_in_is_stored_sealed(client: httpx.AsyncClient, state: Any) -> None:
    """Answers that carry tokens (sign-up, login, refresh: body and Set-Cookie) are kept for
    replay encrypted, never in plain text; the replay is still the first answer."""
    from sqlalchemy import select

    from tonearm.models.platform import IdempotencyRecord

    body = {"email": "sealed@example.com", "username": "sealed", "password": PASSWORD}
    await client.post("/api/v1/auth/register", json=body)
    h = {"Idempotency-Key": "login-1"}
    login = {"login": "sealed", "password": PASSWORD}
    first = await client.post("/api/v1/auth/login", json=login, headers=h)
    assert first.status_code == 200, first.text
    token = first.json()["access_token"]
    cookie = first.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    async with state.db.session() as s:
        (rec,) = (await s.scalars(select(IdempotencyRecord))).all()
    stored = (rec.body or b"") + (rec.headers or "").encode()
    assert token.encode() not in stored and cookie.encode() not in stored
    assert b"access_token" not in stored and b"tonearm_refresh" not in stored
    replay = await client.post("/api/v1/auth/login", json=login, headers=h)
    assert replay.status_code == 200
    assert replay.headers["idempotency-replayed"] == "true"
    assert replay.json() == first.json()
    assert replay.headers["set-cookie"] == first.headers["set-cookie"]


async def test_idempotency_is_scoped_per_caller(client: httpx.AsyncClient) -> None:
    a = await register(client, username="ida")
    b = await register(client, username="ben")
    h = {"Idempotency-Key": "same-key"}
    ra = await client.post("/api/v1/auth/email/verify/request", headers={**bearer(a), **h})
    rb = await client.post("/api/v1/auth/email/verify/request", headers={**bearer(b), **h})
    assert ra.status_code == rb.status_code == 202
    assert "idempotency-replayed" not in rb.headers


async def test_a_refused_request_does_not_hold_its_idempotency_key(
    client: httpx.AsyncClient,
) -> None:
    """An answer given before the app acted (401: no valid caller) is not kept: the same key
    then works with credentials, and with another body, instead of a 422 or a replayed 401."""
    h = {"Idempotency-Key": "refused-first"}
    bad = {**h, "Authorization": "Bearer not-a-token"}
    first = await client.post("/api/v1/playlists", headers=bad, json={"name": "One"})
    assert first.status_code == 401
    second = await client.post("/api/v1/playlists", headers=bad, json={"name": "Two"})
    assert second.status_code == 401 and "idempotency-replayed" not in second.headers
    tokens = await register(client, username="idem401")
    made = await client.post(
        "/api/v1/playlists", headers={**bearer(tokens), **h}, json={"name": "One"}
    )
    assert made.status_code == 201


@pytest.mark.usefixtures("job_runner")  # /ready reports the job runner too
async def test_health_ready_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"
    await client.get("/api/v1/me")
    metrics = (await client.get("/metrics")).text
    assert "tonearm_http_requests_total" in metrics
    assert 'route="/api/v1/me"' in metrics
    assert "tonearm_http_request_duration_seconds_bucket" in metrics


async def test_security_headers_and_request_id(client: httpx.AsyncClient) -> None:
    r = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    r2 = await client.get("/health", headers={"X-Request-ID": "bad id with spaces"})
    assert r2.headers["x-request-id"] != "bad id with spaces"


async def test_cors_only_for_configured_origins(data_dir: Any, database_url: str) -> None:
    from tests.conftest import make_settings
    from tonearm.app import create_app

    application = create_app(
        make_settings(data_dir, database_url, cors_origins="https://app.example")
    )
    async with (
        running(application),
        client_for(application) as c,
    ):
        ok = await c.options(
            "/api/v1/me",
            headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET"},
        )
        assert ok.headers["access-control-allow-origin"] == "https://app.example"
        bad = await c.options(
            "/api/v1/me",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert "access-control-allow-origin" not in bad.headers


async def test_logs_carry_request_id_and_no_secrets(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    from tonearm.kit.logging import redact_secrets

    with caplog.at_level(logging.INFO):
        t = await register(client, username="loggy")
        await client.get("/api/v1/me", headers={**bearer(t), "X-Request-ID": "req-42"})
    text = "\n".join(str(r.msg) for r in caplog.records)
    assert t["access_token"] not in text
    assert t["refresh_token"] not in text
    assert PASSWORD not in text
    # The redaction processor itself.
    out = redact_secrets(
        None,
        "info",
        {
            "event": "x",
            "password": "hunter2",
            "headers": {"authorization": "Bearer abc"},
            "note": f"token {t['access_token']}",
        },
    )
    assert out["password"] == "[redacted]"
    assert out["headers"]["authorization"] == "[redacted]"
    assert t["access_token"] not in out["note"]


async def test_spa_fallback_and_api_404(tmp_path: Any, data_dir: Any, database_url: str) -> None:
    from tests.conftest import make_settings
    from tonearm.app import create_app

    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    application = create_app(make_settings(data_dir, database_url, web_dist=dist))
    async with (
        running(application),
        client_for(application) as c,
    ):
        assert "id=root" in (await c.get("/")).text
        assert "id=root" in (await c.get("/account/sessions")).text
        js = await c.get("/assets/app.js")
        assert js.status_code == 200 and "immutable" in js.headers["cache-control"]
        assert (await c.get("/assets/missing.js")).status_code == 404
        # Nothing outside dist is served. httpx drops dot segments itself (this one arrives as
        # /etc/passwd, a client route: the app's page); percent-encoded, `..` reaches the app.
        index = "<!doctype html><div id=root></div>"
        assert ((r := await c.get("/../../etc/passwd")).status_code, r.text) == (200, index)
        (tmp_path / "secret.txt").write_text("not for you")
        (tmp_path / "SECRET").write_text("not for you either")
        _is_problem(await c.get("/%2e%2e/secret.txt"), 404, "route_not_found")
        _is_problem(await c.get("/assets/%2e%2e/%2e%2e/secret.txt"), 404, "route_not_found")
        assert ((r := await c.get("/%2e%2e/SECRET")).status_code, r.text) == (200, index)
        escape = "/%2e%2e" * 12 + "/etc/passwd"
        assert ((r := await c.get(escape)).status_code, r.text) == (200, index)
        _is_problem(await c.get("/api/v1/unknown"), 404, "route_not_found")


async def test_spa_sends_its_text_files_gzipped(
    tmp_path: Any, data_dir: Any, database_url: str
) -> None:
    """The built app's scripts, styles and page go gzipped to a browser that takes gzip (the
    entry script is most of a phone's first paint); small files and other clients as they are."""
    from tests.conftest import make_settings
    from tonearm.app import create_app

    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    page = "<!doctype html><div id=root></div>" + "<!-- padding -->" * 200
    (dist / "index.html").write_text(page)
    script = "console.log('tonearm');\n" * 500
    (dist / "assets" / "app.js").write_text(script)
    (dist / "assets" / "tiny.js").write_text("1")
    (dist / "assets" / "cover.png").write_bytes(b"\x89PNG" + b"\0" * 4000)
    application = create_app(make_settings(data_dir, database_url, web_dist=dist))
    async with (
        running(application),
        client_for(application) as c,
    ):
        for path, body in (("/assets/app.js", script), ("/albums/x", page)):
            r = await c.get(path, headers={"Accept-Encoding": "gzip"})
            assert r.status_code == 200
            assert (
                r.headers["content-encoding"] == "gzip" and "Accept-Encoding" in r.headers["vary"]
            )
            assert r.text == body  # httpx undoes the gzip
            assert int(r.headers["content-length"]) < len(body) // 5
        js = await c.get("/assets/app.js", headers={"Accept-Encoding": "gzip"})
        assert js.headers["content-type"].startswith(("text/javascript", "application/javascript"))
        assert "immutable" in js.headers["cache-control"]
        raw = await c.get("/assets/app.js", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in raw.headers and raw.text == script
        for path in ("/assets/tiny.js", "/assets/cover.png"):
            r = await c.get(path, headers={"Accept-Encoding": "gzip"})
            assert "content-encoding" not in r.headers, path

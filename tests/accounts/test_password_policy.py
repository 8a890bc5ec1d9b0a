"""The password policy wherever a new password is set (sign-up, change, reset, the admin CLI): a
password from zxcvbn's list of common passwords, or the account's own username or email, is
refused with a 422 and a stable code; the request changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from tests.accounts.factories import PASSWORD, bearer, register
from tests.accounts.test_profile_and_email import _latest_link

TOO_COMMON = "password_too_common"
TOO_COMMON_TITLE = "This password is in a list of commonly used passwords; choose another"
MATCHES = "password_matches_account"


def _assert_refused(resp: httpx.Response, code: str) -> dict[str, Any]:
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = resp.json()
    assert body["code"] == code
    return body


async def _register(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/register",
        json={"email": f"{username}@example.com", "username": username, "password": password},
    )


@pytest.mark.parametrize(
    "password", ["password1", "PassWord1", "ILOVEYOU", " trustno1 ", "1qaz2wsx"]
)
async def test_register_refuses_a_common_password(client: httpx.AsyncClient, password: str) -> None:
    body = _assert_refused(await _register(client, "nora", password), TOO_COMMON)
    assert body["title"] == TOO_COMMON_TITLE
    assert body["status"] == 422
    # Nothing was created: the same username signs up with a better password (one that holds
    # the username and a common word without being either).
    assert (await _register(client, "nora", "nora plays password jazz")).status_code == 201


@pytest.mark.parametrize(
    ("username", "email", "password"),
    [
        ("Oliver.Twist", "dickens@example.com", "oliver.twist"),
        ("otwist", "Oliver.Twist.1837@example.com", "OLIVER.TWIST.1837"),
        ("otwist", "Oliver.Twist.1837@example.com", "oliver.twist.1837@example.com"),
    ],
)
async def test_register_refuses_the_username_or_email_as_password(
    client: httpx.AsyncClient, username: str, email: str, password: str
) -> None:
    resp = await client.post(
        "/api/v1/auth/register",
        json={"email": email, "username": username, "password": password},
    )
    body = _assert_refused(resp, MATCHES)
    assert "username or email" in body["title"]


async def test_change_password_refuses_common_and_own_name(client: httpx.AsyncClient) -> None:
    t = await register(client, username="quincy_j", email="q.jones.music@example.com")
    # The current password is checked first: a wrong one says so, whatever the new one is.
    wrong = await client.post(
        "/api/v1/me/password",
        headers=bearer(t),
        json={"current_password": "not the password", "new_password": "football1"},
    )
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "wrong_password"
    for new, code in (("sunshine", TOO_COMMON), ("Q.Jones.Music", MATCHES), ("QUINCY_J", MATCHES)):
        resp = await client.post(
            "/api/v1/me/password",
            headers=bearer(t),
            json={"current_password": PASSWORD, "new_password": new},
        )
        _assert_refused(resp, code)
    # The old password still works, and the session survived (nothing was revoked).
    assert (await client.get("/api/v1/me", headers=bearer(t))).status_code == 200
    login = await client.post(
        "/api/v1/auth/login", json={"login": "quincy_j", "password": PASSWORD}
    )
    assert login.status_code == 200
    ok = await client.post(
        "/api/v1/me/password",
        headers=bearer(t),
        json={"current_password": PASSWORD, "new_password": "a tune nobody hums"},
    )
    assert ok.status_code == 204, ok.text


async def test_reset_password_refuses_common_and_keeps_the_link(
    client: httpx.AsyncClient, settings: object
) -> None:
    outbox = settings.data_dir / "outbox"  # type: ignore[attr-defined]
    await register(client, username="stan", email="stan.getz@example.com")
    r = await client.post("/api/v1/auth/password/forgot", json={"email": "stan.getz@example.com"})
    assert r.status_code == 202
    token = _latest_link(outbox, "stan.getz@example.com", "reset-password")
    common = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "password": "QWERTYUIOP"}
    )
    _assert_refused(common, TOO_COMMON)
    own = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "password": "Stan.Getz"}
    )
    _assert_refused(own, MATCHES)
    # The refused attempts rolled back: the link still works, once, for a good password.
    done = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "password": "bossa nova 1962"}
    )
    assert done.status_code == 204, done.text
    login = await client.post(
        "/api/v1/auth/login", json={"login": "stan", "password": "bossa nova 1962"}
    )
    assert login.status_code == 200


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/password/reset", "post"),
        ("/api/v1/me/password", "post"),
    ],
)
async def test_openapi_documents_the_policy_errors(
    client: httpx.AsyncClient, path: str, method: str
) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    doc = spec["paths"][path][method]["responses"]["422"]
    assert f"`{TOO_COMMON}`" in doc["description"]
    assert f"`{MATCHES}`" in doc["description"]
    assert "`validation_error`" in doc["description"]
    assert doc["content"]["application/problem+json"]["schema"]["$ref"].endswith("/Problem")


def test_cli_user_create_refuses_a_common_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tonearm.cli import app
    from tonearm.config import get_settings
    from tonearm.kit import crypto

    monkeypatch.setenv("TONEARM_DATA_DIR", str(tmp_path))
    for name in ("TONEARM_DATABASE_URL", "TONEARM_SECRET_KEY", "TONEARM_ENCRYPTION_KEYS"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    saved = crypto._keyring  # the app under test in this process keeps its own keys
    try:
        assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
        args = ["user", "create", "--email", "t@example.com", "--username", "tina", "--password"]
        r = CliRunner().invoke(app, [*args, "baseball1"])
        assert r.exit_code == 1, r.output
        assert "commonly used passwords" in r.output
        r = CliRunner().invoke(app, [*args, "tina tunes in"])
        assert r.exit_code == 0, r.output
    finally:
        crypto._keyring = saved
        get_settings.cache_clear()


def test_the_list_is_loaded_once_and_only_when_needed() -> None:
    from tonearm.accounts.passwords import common_passwords

    assert isinstance(common_passwords(), frozenset)
    assert common_passwords() is common_passwords()
    assert len(common_passwords()) > 10_000
    # Building the app does not load it; checking a password does.
    code = (
        "import sys\n"
        "import tonearm.app\n"
        "assert 'zxcvbn.frequency_lists' not in sys.modules\n"
        "from tonearm.accounts.passwords import check_new_password\n"
        "check_new_password('a fine long one', username='u', email=None)\n"
        "assert 'zxcvbn.frequency_lists' in sys.modules\n"
    )
    import tonearm

    src = str(Path(tonearm.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src, "TONEARM_ENV": "test"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)

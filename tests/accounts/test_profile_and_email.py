from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import httpx

from tests.accounts.factories import PASSWORD, bearer, register


def _latest_link(outbox: Path, to: str, kind: str) -> str:
    mails = sorted(outbox.glob("*.eml"))
    for path in reversed(mails):
        msg = email.message_from_string(path.read_text(), policy=email.policy.default)
        body = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        if msg["To"] == to and kind in body:
            m = re.search(rf"/{kind}\?token=([A-Za-z0-9_-]+)", body)
            assert m
            return m.group(1)
    raise AssertionError(f"no {kind} mail to {to}")


async def test_profile_read_and_edit(client: httpx.AsyncClient) -> None:
    t = await register(client, username="mia")
    r = await client.patch(
        "/api/v1/me", headers=bearer(t), json={"display_name": " Mia M ", "bio": "I dig vinyl"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["display_name"] == "Mia M"
    assert r.json()["bio"] == "I dig vinyl"
    await register(client, username="noah")
    taken = await client.patch("/api/v1/me", headers=bearer(t), json={"username": "NOAH"})
    assert taken.status_code == 409
    assert taken.json()["code"] == "username_taken"
    unknown_field = await client.patch("/api/v1/me", headers=bearer(t), json={"role": "admin"})
    assert unknown_field.status_code == 422
    bad_name = await client.patch("/api/v1/me", headers=bearer(t), json={"username": "a b"})
    assert bad_name.status_code == 422
    me = (await client.get("/api/v1/me", headers=bearer(t))).json()
    assert me["username"] == "mia" and me["role"] == "admin"


async def test_change_password_revokes_other_sessions(client: httpx.AsyncClient) -> None:
    a = await register(client, username="olga")
    b = (
        await client.post("/api/v1/auth/login", json={"login": "olga", "password": PASSWORD})
    ).json()
    wrong = await client.post(
        "/api/v1/me/password",
        headers=bearer(a),
        json={"current_password": "not-it-at-all", "new_password": "new password 1"},
    )
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "wrong_password"
    ok = await client.post(
        "/api/v1/me/password",
        headers=bearer(a),
        json={"current_password": PASSWORD, "new_password": "new password 1"},
    )
    assert ok.status_code == 204
    assert (await client.get("/api/v1/me", headers=bearer(a))).status_code == 200
    assert (await client.get("/api/v1/me", headers=bearer(b))).status_code == 401
    old = await client.post("/api/v1/auth/login", json={"login": "olga", "password": PASSWORD})
    assert old.status_code == 401
    new = await client.post(
        "/api/v1/auth/login", json={"login": "olga", "password": "new password 1"}
    )
    assert new.status_code == 200


async def test_email_verification_link_is_single_use(
    client: httpx.AsyncClient, settings: object
) -> None:
    outbox = settings.data_dir / "outbox"  # type: ignore[attr-defined]
    t = await register(client, username="pete", email="pete@example.com")
    token = _latest_link(outbox, "pete@example.com", "verify-email")
    r = await client.post("/api/v1/auth/email/verify", json={"token": token})
    assert r.status_code == 200
    assert r.json()["email_verified"] is True
    again = await client.post("/api/v1/auth/email/verify", json={"token": token})
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_token"
    me = (await client.get("/api/v1/me", headers=bearer(t))).json()
    assert me["email_verified"] is True
    # The outbox file is private to the owner.
    newest = sorted(outbox.glob("*.eml"))[-1]
    assert newest.stat().st_mode & 0o077 == 0


async def test_email_change_requires_new_verification(
    client: httpx.AsyncClient, settings: object
) -> None:
    outbox = settings.data_dir / "outbox"  # type: ignore[attr-defined]
    t = await register(client, username="quinn", email="quinn@example.com")
    old_token = _latest_link(outbox, "quinn@example.com", "verify-email")
    r = await client.patch("/api/v1/me", headers=bearer(t), json={"email": "q2@example.com"})
    assert r.status_code == 200
    assert r.json()["email_verified"] is False
    # The link sent to the old address no longer verifies anything.
    stale = await client.post("/api/v1/auth/email/verify", json={"token": old_token})
    assert stale.status_code == 400
    new_token = _latest_link(outbox, "q2@example.com", "verify-email")
    ok = await client.post("/api/v1/auth/email/verify", json={"token": new_token})
    assert ok.status_code == 200


async def test_expired_email_token(client: httpx.AsyncClient, state: object) -> None:
    from sqlalchemy import update

    from tonearm.kit.db import utcnow
    from tonearm.models.accounts import EmailToken

    await register(client, username="rita", email="rita@example.com")
    outbox = state.settings.data_dir / "outbox"  # type: ignore[attr-defined]
    token = _latest_link(outbox, "rita@example.com", "verify-email")
    async with state.db.session() as s:  # type: ignore[attr-defined]
        await s.execute(update(EmailToken).values(expires_at=utcnow()))
    r = await client.post("/api/v1/auth/email/verify", json={"token": token})
    assert r.status_code == 400
    assert r.json()["code"] == "token_expired"


async def test_password_reset_flow(client: httpx.AsyncClient, settings: object) -> None:
    outbox = settings.data_dir / "outbox"  # type: ignore[attr-defined]
    t = await register(client, username="sam", email="sam@example.com")
    before = len(list(outbox.glob("*.eml")))
    unknown = await client.post("/api/v1/auth/password/forgot", json={"email": "no@example.com"})
    assert unknown.status_code == 202
    assert len(list(outbox.glob("*.eml"))) == before  # nothing sent, nothing revealed
    r = await client.post("/api/v1/auth/password/forgot", json={"email": "SAM@example.com"})
    assert r.status_code == 202
    token = _latest_link(outbox, "sam@example.com", "reset-password")
    done = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "password": "brand new pass"}
    )
    assert done.status_code == 204
    # Every session ended; the token is spent; the new password works.
    assert (await client.get("/api/v1/me", headers=bearer(t))).status_code == 401
    again = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "password": "another pass 2"}
    )
    assert again.status_code == 400
    login = await client.post(
        "/api/v1/auth/login", json={"login": "sam", "password": "brand new pass"}
    )
    assert login.status_code == 200
    assert login.json()["user"]["email_verified"] is True


async def test_admin_routes_check_role(client: httpx.AsyncClient) -> None:
    admin = await register(client, username="root")
    user = await register(client, username="tess")
    denied = await client.get("/api/v1/users", headers=bearer(user))
    assert denied.status_code == 403
    assert denied.json()["code"] == "insufficient_role"
    listed = await client.get("/api/v1/users", headers=bearer(admin))
    assert listed.status_code == 200
    assert [u["username"] for u in listed.json()["items"]] == ["root", "tess"]
    uid = user["user"]["id"]
    r = await client.patch(
        f"/api/v1/users/{uid}/role", headers=bearer(admin), json={"role": "artist"}
    )
    assert r.status_code == 200 and r.json()["role"] == "artist"
    assert (await client.get("/api/v1/me", headers=bearer(user))).json()["role"] == "artist"

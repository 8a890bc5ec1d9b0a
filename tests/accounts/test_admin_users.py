"""The admin area's accounts: list and find, create (with a password or a link), change the
role, disable and enable, mark verified, reset link, delete; never the last admin or oneself."""

from __future__ import annotations

from typing import Any

import httpx

from tests.accounts.factories import PASSWORD, bearer, register


async def _admin_and_user(client: httpx.AsyncClient) -> tuple[dict[str, str], dict[str, Any]]:
    admin = bearer(await register(client, username="boss"))  # the first user is the admin
    return admin, await register(client, username="listener1")


async def test_list_find_and_only_for_admins(client: httpx.AsyncClient) -> None:
    admin, user = await _admin_and_user(client)
    r = await client.get("/api/v1/users", headers=admin)
    assert r.status_code == 200
    rows = {u["username"]: u for u in r.json()["items"]}
    assert set(rows) == {"boss", "listener1"}
    assert rows["listener1"]["is_active"] is True and "last_login_at" in rows["listener1"]
    found = (await client.get("/api/v1/users", headers=admin, params={"q": "LISTEN"})).json()
    assert [u["username"] for u in found["items"]] == ["listener1"]
    admins = (await client.get("/api/v1/users", headers=admin, params={"role": "admin"})).json()
    assert [u["username"] for u in admins["items"]] == ["boss"]
    assert (await client.get("/api/v1/users", headers=bearer(user))).status_code == 403


async def test_create_with_a_password_or_a_link(client: httpx.AsyncClient) -> None:
    admin, _ = await _admin_and_user(client)
    r = await client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": "newbie", "email": "newbie@example.com", "password": PASSWORD},
    )
    assert r.status_code == 201, r.text
    assert r.json()["reset_link"] is None and r.json()["user"]["role"] == "listener"
    login = await client.post("/api/v1/auth/login", json={"login": "newbie", "password": PASSWORD})
    assert login.status_code == 200

    r = await client.post(
        "/api/v1/users",
        headers=admin,
        json={"username": "linked", "email": "linked@example.com", "role": "artist"},
    )
    assert r.status_code == 201, r.text
    link = r.json()["reset_link"]
    assert "/reset-password?token=" in link
    token = link.split("token=")[1]
    r = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "password": "a much longer secret"}
    )
    assert r.status_code in (200, 204), r.text
    login = await client.post(
        "/api/v1/auth/login", json={"login": "linked", "password": "a much longer secret"}
    )
    assert login.status_code == 200
    # No password and no email: nothing to send the link to.
    r = await client.post("/api/v1/users", headers=admin, json={"username": "nobody"})
    assert (r.status_code, r.json()["code"]) == (409, "no_email_address")
    r = await client.post(
        "/api/v1/users", headers=admin, json={"username": "newbie", "password": PASSWORD}
    )
    assert (r.status_code, r.json()["code"]) == (409, "username_taken")
    r = await client.post(
        "/api/v1/users", headers=admin, json={"username": "weak", "password": "password123"}
    )
    assert (r.status_code, r.json()["code"]) == (422, "password_too_common")


async def test_disable_signs_out_everywhere_and_enable_lets_back_in(
    client: httpx.AsyncClient,
) -> None:
    admin, user = await _admin_and_user(client)
    uid, h = user["user"]["id"], bearer(user)
    assert (await client.get("/api/v1/me", headers=h)).status_code == 200
    r = await client.patch(f"/api/v1/users/{uid}", headers=admin, json={"is_active": False})
    assert r.status_code == 200 and r.json()["is_active"] is False
    assert (await client.get("/api/v1/me", headers=h)).status_code == 401
    refresh = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": user["refresh_token"]}
    )
    assert refresh.status_code == 401
    login = await client.post(
        "/api/v1/auth/login", json={"login": "listener1", "password": PASSWORD}
    )
    assert (login.status_code, login.json()["code"]) == (403, "account_disabled")
    await client.patch(f"/api/v1/users/{uid}", headers=admin, json={"is_active": True})
    login = await client.post(
        "/api/v1/auth/login", json={"login": "listener1", "password": PASSWORD}
    )
    assert login.status_code == 200


async def test_mark_verified_reset_link_and_delete(client: httpx.AsyncClient) -> None:
    admin, user = await _admin_and_user(client)
    uid = user["user"]["id"]
    assert user["user"]["email_verified"] is False
    r = await client.patch(f"/api/v1/users/{uid}", headers=admin, json={"email_verified": True})
    assert r.json()["email_verified"] is True
    me = (await client.get("/api/v1/me", headers=bearer(user))).json()
    assert me["email_verified"] is True
    r = await client.post(f"/api/v1/users/{uid}/reset-link", headers=admin)
    assert r.status_code == 200 and "/reset-password?token=" in r.json()["url"]
    r = await client.delete(f"/api/v1/users/{uid}", headers=admin)
    assert r.status_code == 204
    assert (await client.get("/api/v1/me", headers=bearer(user))).status_code == 401
    r = await client.delete(f"/api/v1/users/{uid}", headers=admin)
    assert (r.status_code, r.json()["code"]) == (404, "user_not_found")


async def test_never_oneself_nor_the_last_admin(client: httpx.AsyncClient) -> None:
    admin_tokens = await register(client, username="boss")
    admin = bearer(admin_tokens)
    me = admin_tokens["user"]["id"]
    for method, body in (("PATCH", {"is_active": False}), ("PATCH", {"role": "listener"})):
        r = await client.request(method, f"/api/v1/users/{me}", headers=admin, json=body)
        assert (r.status_code, r.json()["code"]) == (409, "not_on_yourself")
    r = await client.delete(f"/api/v1/users/{me}", headers=admin)
    assert (r.status_code, r.json()["code"]) == (409, "not_on_yourself")
    # A second admin may demote the first while there are two; not the last one.
    other = await register(client, username="second")
    await client.patch(
        f"/api/v1/users/{other['user']['id']}", headers=admin, json={"role": "admin"}
    )
    second = bearer(other)
    r = await client.patch(f"/api/v1/users/{me}", headers=second, json={"role": "listener"})
    assert r.status_code == 200
    r = await client.patch(f"/api/v1/users/{me}", headers=second, json={"role": "admin"})
    assert r.status_code == 200
    r = await client.patch(f"/api/v1/users/{me}", headers=second, json={"is_active": False})
    assert r.status_code == 200
    # Now `second` is the only active admin: the (disabled) first cannot act, and nobody else
    # can remove the last one.
    third = await register(client, username="third")
    await client.patch(
        f"/api/v1/users/{third['user']['id']}", headers=second, json={"role": "admin"}
    )
    r = await client.patch(
        f"/api/v1/users/{other['user']['id']}", headers=bearer(third), json={"role": "listener"}
    )
    assert r.status_code == 200  # `third` is still an admin
    r = await client.delete(f"/api/v1/users/{third['user']['id']}", headers=second)
    assert r.status_code == 403  # `second` is no admin any more


async def test_verification_says_where_the_link_went(client: httpx.AsyncClient, state: Any) -> None:
    admin, user = await _admin_and_user(client)
    r = await client.get("/api/v1/me/verification", headers=bearer(user))
    assert r.json() == {
        "email": "listener1@example.com",
        "verified": False,
        "delivery": "outbox",
        "outbox": None,  # the folder is named to admins only
    }
    r = await client.get("/api/v1/me/verification", headers=admin)
    assert r.json()["outbox"] == str(state.settings.data_dir / "outbox")

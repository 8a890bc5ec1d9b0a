"""The Subsonic layer: every answer in XML (valid against the Subsonic XSD), JSON and JSONP,
GET and POST alike; auth by password (plain and `enc:`), token and salt, and API key, never
the login password; the Subsonic error codes; an unknown method answered as Subsonic."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import pytest
import xmlschema

from tests.accounts.factories import PASSWORD, bearer, register

SHARED = Path(__file__).resolve().parents[3] / "shared" / "subsonic"
NS = "{http://subsonic.org/restapi}"
OPEN_SUBSONIC_ATTRS = ("type", "serverVersion", "openSubsonic")


@pytest.fixture(scope="module")
def xsd() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SHARED / "subsonic-rest-api-1.16.0.xsd"))


def valid_xml(xsd: xmlschema.XMLSchema, body: bytes) -> ET.Element:
    """The answer, validated against the 1.16.0 XSD (OpenSubsonic's additions to the root,
    which that schema predates, taken off first)."""
    root = ET.fromstring(body)
    for attr in OPEN_SUBSONIC_ATTRS:
        root.attrib.pop(attr, None)
    xsd.validate(root)
    return root


async def _user(client: httpx.AsyncClient) -> tuple[dict[str, Any], str, dict[str, str]]:
    tokens = await register(client)
    h = bearer(tokens)
    r = await client.post("/api/v1/me/subsonic/password", headers=h)
    assert r.status_code == 200, r.text
    return tokens, r.json()["password"], h


def _token(password: str, salt: str = "c19b2d") -> dict[str, str]:
    return {"t": hashlib.md5((password + salt).encode()).hexdigest(), "s": salt}


async def test_ping_in_every_format_and_both_methods(client: httpx.AsyncClient, xsd: Any) -> None:
    tokens, password, _ = await _user(client)
    auth = {"u": tokens["user"]["username"], **_token(password), "v": "1.16.1", "c": "test"}
    for path in ("/rest/ping", "/rest/ping.view"):
        r = await client.get(path, params=auth)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
        root = valid_xml(xsd, r.content)
        assert root.tag == f"{NS}subsonic-response" and root.get("status") == "ok"
    r = await client.get("/rest/ping", params={**auth, "f": "json"})
    body = r.json()["subsonic-response"]
    assert body["status"] == "ok" and body["version"] == "1.16.1" and body["type"] == "tonearm"
    assert body["openSubsonic"] is True and body["serverVersion"]
    r = await client.post("/rest/ping.view", data={**auth, "f": "json"})  # formPost
    assert r.json()["subsonic-response"]["status"] == "ok"
    r = await client.get("/rest/ping", params={**auth, "f": "jsonp", "callback": "cb_1"})
    assert r.text.startswith("cb_1(") and r.text.endswith(");")
    r = await client.get("/rest/ping", params={**auth, "f": "jsonp", "callback": "alert(1)"})
    assert r.json()["subsonic-response"]["error"]["code"] == 10


async def test_every_way_to_sign_in_and_its_errors(client: httpx.AsyncClient, xsd: Any) -> None:
    tokens, password, h = await _user(client)
    u = tokens["user"]["username"]

    async def code(**params: str) -> int | None:
        r = await client.get("/rest/ping", params={**params, "f": "json"})
        assert r.status_code == 200
        body = r.json()["subsonic-response"]
        return None if body["status"] == "ok" else int(body["error"]["code"])

    assert await code(u=u, p=password) is None
    assert await code(u=u, p="enc:" + password.encode().hex()) is None
    assert await code(u=u, **_token(password)) is None
    assert await code(u=u, p=PASSWORD) == 40  # the login password never works here
    assert await code(u=u, **_token("wrong")) == 40
    assert await code(u="nobody", p="x") == 40
    assert await code(p=password) == 10
    assert await code(u=u, t="abc") == 10
    r = await client.post("/api/v1/me/subsonic/api-keys", headers=h, json={"name": "Symfonium"})
    assert r.status_code == 201
    key = r.json()["key"]
    assert await code(apiKey=key) is None
    assert await code(apiKey=key, u=u) == 43
    assert await code(apiKey="tnk_nope") == 44
    listed = (await client.get("/api/v1/me/subsonic/api-keys", headers=h)).json()
    assert listed[0]["name"] == "Symfonium" and listed[0]["last_used_at"] is not None
    assert "key" not in listed[0]
    assert (
        await client.delete(f"/api/v1/me/subsonic/api-keys/{listed[0]['id']}", headers=h)
    ).status_code == 204
    assert await code(apiKey=key) == 44
    assert (await client.delete("/api/v1/me/subsonic/password", headers=h)).status_code == 204
    assert await code(u=u, **_token(password)) == 41  # no Subsonic password: no token auth
    r = await client.get("/rest/ping", params={"u": u, "p": "x"})
    root = valid_xml(xsd, r.content)
    (err,) = list(root)
    assert err.tag == f"{NS}error" and err.get("code") == "40"


async def test_failed_attempts_are_limited_per_user_and_ip(client: httpx.AsyncClient) -> None:
    tokens, password, _ = await _user(client)
    u = tokens["user"]["username"]
    codes = []
    for _ in range(12):
        r = await client.get("/rest/ping", params={"u": u, "p": "wrong", "f": "json"})
        codes.append(r.json()["subsonic-response"]["error"]["message"])
    assert any("many" in m.lower() or "try again" in m.lower() for m in codes[-3:]), codes
    r = await client.get("/rest/ping", params={"u": u, "p": password, "f": "json"})
    assert r.json()["subsonic-response"]["status"] == "failed"  # still limited


async def test_unknown_methods_and_public_ones(client: httpx.AsyncClient, xsd: Any) -> None:
    r = await client.get("/rest/getOpenSubsonicExtensions", params={"f": "json"})
    names = {e["name"] for e in r.json()["subsonic-response"]["openSubsonicExtensions"]}
    assert {"formPost", "apiKeyAuthentication"} <= names
    r = await client.get("/rest/noSuchThing.view")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
    (err,) = list(valid_xml(xsd, r.content))
    assert err.get("code") == "70"
    r = await client.get("/rest/ping", params={"f": "json"})
    assert r.json()["subsonic-response"]["error"]["code"] == 10
    tokens, password, _ = await _user(client)
    r = await client.get(
        "/rest/tokenInfo", params={"u": tokens["user"]["username"], "p": password, "f": "json"}
    )
    info = r.json()["subsonic-response"]["tokenInfo"]
    assert info["username"] == tokens["user"]["username"]
    r = await client.get(
        "/rest/getLicense", params={"u": tokens["user"]["username"], "p": password}
    )
    (lic,) = list(valid_xml(xsd, r.content))
    assert lic.get("valid") == "true"
    assert (
        json.loads(
            (
                await client.get(
                    "/rest/getLicense",
                    params={"u": tokens["user"]["username"], "p": password, "f": "json"},
                )
            ).text
        )["subsonic-response"]["license"]["valid"]
        is True
    )


async def test_an_api_key_name_is_text(client: httpx.AsyncClient) -> None:
    _, _, h = await _user(client)
    for name in ("\u0000", "a\u0000b", "   ", "tab\there"):
        r = await client.post("/api/v1/me/subsonic/api-keys", headers=h, json={"name": name})
        assert r.status_code == 422, name

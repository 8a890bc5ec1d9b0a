"""`providers.oauth`: PKCE (RFC 7636), the authorization URL, the code exchange and the
refresh (RFC 6749), and how token errors map to the provider errors."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import pytest

from tests.fakes.server import FakeServer
from tonearm.kit.http import GuardedClient, GuardedResponse
from tonearm.providers import AuthRevoked, ProviderError, ProviderUnavailable, http_client
from tonearm.providers.oauth import OAuthApp, challenge, new_state, new_verifier, token_set

# --- PKCE --------------------------------------------------------------------------------------


def test_challenge_is_rfc7636_s256() -> None:
    # RFC 7636 appendix B: the verifier is base64url of these 32 octets
    octets = bytes(
        [
            116,
            24,
            223,
            180,
            151,
            153,
            224,
            37,
            79,
            250,
            96,
            125,
            216,
            173,
            187,
            186,
            22,
            212,
            37,
            77,
            105,
            214,
            191,
            240,
            91,
            88,
            5,
            88,
            83,
            132,
            141,
            121,
        ]
    )
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert base64.urlsafe_b64encode(octets).rstrip(b"=").decode() == verifier
    assert challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_verifier_and_state_are_fresh_and_well_formed() -> None:
    verifiers = {new_verifier() for _ in range(20)}
    assert len(verifiers) == 20
    for v in verifiers:
        assert 43 <= len(v) <= 128
        assert re.fullmatch(r"[A-Za-z0-9._~-]+", v)
        assert "=" not in challenge(v) and len(challenge(v)) == 43
    assert new_state() != new_state()


# --- the authorization URL -----------------------------------------------------------------------


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_authorization_url_with_pkce() -> None:
    app = OAuthApp(
        "https://accounts.example/authorize",
        "https://accounts.example/api/token",
        "cid",
        scopes=("a", "b"),
    )
    auth = app.authorization("https://tonearm.example/cb")
    assert auth.url.startswith("https://accounts.example/authorize?")
    q = _query(auth.url)
    assert q == {
        "client_id": "cid",
        "response_type": "code",
        "redirect_uri": "https://tonearm.example/cb",
        "state": auth.state,
        "scope": "a b",
        "code_challenge_method": "S256",
        "code_challenge": challenge(auth.verifier or ""),
    }
    assert auth.verifier and auth.state
    assert app.authorization("https://tonearm.example/cb").state != auth.state


def test_authorization_url_without_pkce_with_extra_params() -> None:
    app = OAuthApp(
        "https://accounts.example/o/auth?hl=en",
        "https://accounts.example/token",
        "cid",
        "secret",
        pkce=False,
        extra_params={"access_type": "offline", "prompt": "consent"},
    )
    auth = app.authorization("https://tonearm.example/cb")
    assert auth.verifier is None
    q = _query(auth.url)
    assert "code_challenge" not in q and "scope" not in q
    assert q["hl"] == "en" and q["access_type"] == "offline" and q["prompt"] == "consent"
    assert "secret" not in auth.url


# --- token_set -----------------------------------------------------------------------------------


def resp(status: int, body: Any = None, *, text: str | None = None) -> GuardedResponse:
    content = text.encode() if text is not None else json.dumps(body).encode()
    return GuardedResponse(status, httpx.Headers(), content, "https://accounts.example/token")


NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_token_set_reads_a_full_answer() -> None:
    tokens = token_set(
        resp(
            200,
            {
                "access_token": "BQ1",
                "token_type": "Bearer",
                "scope": "user-read-private playlist-read-private",
                "expires_in": 3600,
                "refresh_token": "AQ1",
            },
        ),
        now=NOW,
    )
    assert tokens.access_token == "BQ1" and tokens.refresh_token == "AQ1"
    assert tokens.scope == "user-read-private playlist-read-private"
    assert tokens.expires_at == NOW + timedelta(hours=1)


@pytest.mark.parametrize(
    ("extra", "expires_at"),
    [
        ({}, None),
        ({"expires_in": 0}, NOW),
        ({"expires_in": 1.5}, NOW + timedelta(seconds=1.5)),
        ({"expires_in": "3600"}, None),  # not a number: not trusted
        ({"expires_in": True}, None),
    ],
)
def test_token_set_expiry(extra: dict[str, Any], expires_at: datetime | None) -> None:
    tokens = token_set(resp(200, {"access_token": "x", **extra}), now=NOW)
    assert tokens.expires_at == expires_at
    assert tokens.refresh_token is None and tokens.scope is None


@pytest.mark.parametrize(
    ("status", "body", "kind", "message"),
    [
        (
            400,
            {"error": "invalid_grant", "error_description": "Invalid refresh token"},
            AuthRevoked,
            "invalid_grant: Invalid refresh token",
        ),
        (
            400,
            {"error": "invalid_grant", "error_description": "Refresh token revoked"},
            AuthRevoked,
            "invalid_grant: Refresh token revoked",
        ),
        (400, {"error": "unauthorized_client"}, AuthRevoked, "unauthorized_client"),
        (400, {"error": "access_denied"}, AuthRevoked, "access_denied"),
        (
            400,
            {"error": "invalid_client", "error_description": "Invalid client"},
            ProviderError,
            "invalid_client: Invalid client",
        ),
        (400, {"error": "unsupported_grant_type"}, ProviderError, "unsupported_grant_type"),
        (401, {"error": "invalid_client"}, ProviderError, "invalid_client"),
        (400, None, ProviderError, "HTTP 400"),
        (200, {"token_type": "Bearer"}, ProviderError, "HTTP 200"),  # no access_token
        (200, ["x"], ProviderError, "HTTP 200"),
        (500, {"error": "server_error"}, ProviderUnavailable, "HTTP 500"),
        (503, None, ProviderUnavailable, "HTTP 503"),
    ],
)
def test_token_errors(status: int, body: Any, kind: type, message: str) -> None:
    with pytest.raises(ProviderError) as info:
        token_set(resp(status, body) if body is not None else resp(status, text="<html>"))
    assert type(info.value) is kind
    assert message in str(info.value)
    if kind is ProviderError:
        assert info.value.extra["upstream_status"] == status


# --- exchange and refresh over HTTP ----------------------------------------------------------


class TokenEndpoint:
    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.forms: list[dict[str, str]] = []
        self.headers: list[httpx.Headers] = []
        self.delay = 0.0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.forms.append(dict(parse_qsl(request.content.decode())))
        self.headers.append(request.headers)
        if self.delay:
            await asyncio.sleep(self.delay)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


GOOD = httpx.Response(
    200,
    json={
        "access_token": "BQ2",
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": "AQ2",
        "scope": "a",
    },
)
NO_REFRESH = httpx.Response(
    200, json={"access_token": "BQ3", "token_type": "Bearer", "expires_in": 3600}
)


@pytest.fixture
async def endpoint() -> AsyncIterator[Callable[..., Any]]:
    stack: list[Any] = []

    async def make(
        *answers: httpx.Response, **http_kw: Any
    ) -> tuple[TokenEndpoint, str, GuardedClient]:
        ep = TokenEndpoint(*answers)
        server = FakeServer(ep)
        await server.__aenter__()
        stack.append(server)
        http = http_client(allow_hosts=[server.host], **http_kw)
        stack.append(http)
        return ep, server.url, http

    yield make
    for thing in reversed(stack):
        await thing.__aexit__(None, None, None)


def app_for(base: str, **kw: Any) -> OAuthApp:
    return OAuthApp(f"{base}/authorize", f"{base}/api/token", "cid", **kw)


async def test_exchange_sends_code_verifier_and_client_id(endpoint: Any) -> None:
    ep, base, http = await endpoint(GOOD)
    tokens = await app_for(base).exchange(http, "the-code", "https://t.example/cb", "verif")
    assert (tokens.access_token, tokens.refresh_token, tokens.scope) == ("BQ2", "AQ2", "a")
    assert ep.forms == [
        {
            "grant_type": "authorization_code",
            "code": "the-code",
            "redirect_uri": "https://t.example/cb",
            "code_verifier": "verif",
            "client_id": "cid",
        }
    ]
    h = ep.headers[0]
    assert h["content-type"] == "application/x-www-form-urlencoded"
    assert h["accept"] == "application/json"
    assert "authorization" not in h


async def test_exchange_with_a_secret_in_the_header(endpoint: Any) -> None:
    ep, base, http = await endpoint(GOOD)
    await app_for(base, client_secret="s3cret", pkce=False).exchange(
        http, "c", "https://t/cb", None
    )
    assert ep.forms[0] == {
        "grant_type": "authorization_code",
        "code": "c",
        "redirect_uri": "https://t/cb",
    }
    expected = "Basic " + base64.b64encode(b"cid:s3cret").decode()
    assert ep.headers[0]["authorization"] == expected


async def test_exchange_with_a_secret_in_the_body(endpoint: Any) -> None:
    ep, base, http = await endpoint(GOOD)
    app = app_for(base, client_secret="s3cret", secret_in_header=False)
    await app.exchange(http, "c", "https://t/cb", "v")
    assert ep.forms[0]["client_id"] == "cid" and ep.forms[0]["client_secret"] == "s3cret"
    assert "authorization" not in ep.headers[0]


async def test_refresh_keeps_the_old_refresh_token_when_none_is_returned(endpoint: Any) -> None:
    ep, base, http = await endpoint(NO_REFRESH)
    tokens = await app_for(base).refresh(http, "AQ-old")
    assert tokens.access_token == "BQ3" and tokens.refresh_token == "AQ-old"
    assert tokens.expires_at is not None
    assert ep.forms == [
        {"grant_type": "refresh_token", "refresh_token": "AQ-old", "client_id": "cid"}
    ]


async def test_refresh_takes_a_rotated_refresh_token(endpoint: Any) -> None:
    _, base, http = await endpoint(GOOD)
    tokens = await app_for(base).refresh(http, "AQ-old")
    assert tokens.refresh_token == "AQ2"


async def test_refresh_refused_is_auth_revoked(endpoint: Any) -> None:
    refused = httpx.Response(
        400, json={"error": "invalid_grant", "error_description": "Refresh token revoked"}
    )
    _, base, http = await endpoint(refused)
    with pytest.raises(AuthRevoked, match="Refresh token revoked"):
        await app_for(base).refresh(http, "AQ-old")


async def test_client_credentials(endpoint: Any) -> None:
    ep, base, http = await endpoint(NO_REFRESH)
    tokens = await app_for(base, client_secret="s").client_credentials(http)
    assert tokens.access_token == "BQ3" and tokens.refresh_token is None
    assert ep.forms == [{"grant_type": "client_credentials"}]


async def test_token_endpoint_down_is_provider_unavailable() -> None:
    server = FakeServer(TokenEndpoint(GOOD))
    async with server:
        base = server.url
    # the server is gone: nothing listens on its port
    async with http_client(allow_hosts=[server.host], retries=0) as http:
        with pytest.raises(ProviderUnavailable, match="token endpoint"):
            await app_for(base).refresh(http, "AQ")


async def test_token_endpoint_timeout_is_provider_unavailable(endpoint: Any) -> None:
    ep, base, http = await endpoint(GOOD, read_timeout=0.05, retries=0)
    ep.delay = 0.5
    with pytest.raises(ProviderUnavailable):
        await app_for(base).refresh(http, "AQ")

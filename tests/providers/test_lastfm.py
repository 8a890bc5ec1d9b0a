"""The Last.fm client over real HTTP against `tests.fakes.lastfm`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import pytest

from tests.fakes.lastfm import FakeLastfm
from tests.fakes.server import FakeServer
from tonearm.config import Settings
from tonearm.kit.http import GuardedClient, GuardedResponse
from tonearm.providers import (
    AuthRevoked,
    Listen,
    Pace,
    ProviderError,
    ProviderNotConfigured,
    ProviderUnavailable,
    RateLimited,
    Scrobbler,
    ServiceHttp,
    get,
    http_client,
)
from tonearm.providers.lastfm.client import LastfmClient, classify, sign
from tonearm.providers.registry import AppCredentials

NOW = datetime.now(UTC).replace(microsecond=0)
CREDS = AppCredentials("lfm-key", "lfm-secret")


def listen(i: int = 0, **kw: object) -> Listen:
    base: dict[str, object] = {
        "title": f"Song {i}",
        "artists": ("Radiohead", "Someone"),
        "listened_at": NOW - timedelta(hours=3) + timedelta(minutes=4 * i),
        "album": "OK Computer",
        "duration": 263.6,
    }
    base.update(kw)
    return Listen(**base)  # type: ignore[arg-type]


@dataclass
class Rig:
    fake: FakeLastfm
    server: FakeServer
    http: GuardedClient
    sk: str

    def settings(self, **kw: object) -> Settings:
        section = {
            "api_key": "lfm-key",
            "shared_secret": "lfm-secret",
            "api_url": self.server.url + "/2.0",
            "auth_url": self.server.url + "/api/auth",
            **kw,
        }
        return Settings(lastfm=section, http_allow_hosts=[self.server.host])

    def client(
        self, *, sk: str | None = None, creds: AppCredentials = CREDS, attempts: int = 6
    ) -> LastfmClient:
        async def session(force_refresh: bool) -> str:
            return sk or self.sk

        service = ServiceHttp(
            self.http,
            self.server.url + "/2.0",
            pace=Pace(),
            classify=classify,
            service="Last.fm",
            backoff_base=0.001,
            attempts=attempts,
        )
        return LastfmClient(service, creds, session)

    def api_calls(self, method: str) -> list[dict[str, str]]:
        out = []
        for r in self.server.requests:
            params = (
                dict(parse_qsl(r.content.decode())) if r.method == "POST" else dict(r.url.params)
            )
            if params.get("method") == method:
                out.append(params)
        return out


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    fake = FakeLastfm()
    async with FakeServer(fake) as server, http_client(allow_hosts=[server.host]) as http:
        yield Rig(fake, server, http, fake.session_for())


def test_signature_by_hand() -> None:
    # md5("api_key" KEY "method" "auth.getSession" "token" TOKEN SECRET), format not signed
    params = {"method": "auth.getSession", "token": "TOKEN", "api_key": "KEY", "format": "json"}
    expected = hashlib.md5(b"api_keyKEYmethodauth.getSessiontokenTOKENSECRET").hexdigest()
    assert expected == "5479efdba54a79385144dca24a423b8a"
    assert sign(params, "SECRET") == expected
    assert sign({**params, "callback": "https://x"}, "SECRET") == expected
    # array parameters sort by ASCII: artist[0], artist[10], artist[1]; values in UTF-8
    batch = {
        "method": "track.scrobble",
        "sk": "SK",
        "artist[1]": "B",
        "artist[10]": "K",
        "artist[0]": "Björk",
        "format": "json",
    }
    text = "api_keyKEYartist[0]Björkartist[10]Kartist[1]Bmethodtrack.scrobbleskSKSECRET"
    assert (
        sign({**batch, "api_key": "KEY"}, "SECRET")
        == hashlib.md5(text.encode("utf-8")).hexdigest()
        == "e48f5acb053c56b02d3fa969faaa7321"
    )


def test_service_entry() -> None:
    svc = get("lastfm")
    assert (svc.slug, svc.name, svc.kind, svc.auth) == ("lastfm", "Last.fm", "scrobbling", "oauth")
    assert svc.capabilities == {"scrobble"}
    assert not svc.configured(Settings())
    assert svc.app(Settings(lastfm={"api_key": "k"})) is None  # the secret is needed too
    configured = Settings(lastfm={"api_key": "k", "shared_secret": "s"})
    assert svc.app(configured) == AppCredentials("k", "s")
    with pytest.raises(ProviderNotConfigured):
        svc.credentials(Settings(), None)


async def test_web_auth_flow(rig: Rig) -> None:
    svc = get("lastfm")
    settings = rig.settings()
    creds = svc.credentials(settings, None)
    auth = svc.authorization(settings, creds, "https://tonearm.test/connect/lastfm?x=1")
    url = urlsplit(auth.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == rig.server.url + "/api/auth"
    query = parse_qs(url.query)
    assert query["api_key"] == ["lfm-key"]
    cb = query["cb"][0]
    assert cb == f"https://tonearm.test/connect/lastfm?x=1&state={auth.state}"
    assert auth.verifier is None and len(auth.state) > 20

    page = await rig.http.request("GET", auth.url)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    m = re.search(r'href="([^"]+)">Yes, allow access<', page.text)
    assert m, page.text
    back = parse_qs(urlsplit(m.group(1).replace("&amp;", "&")).query)
    assert back["state"] == [auth.state]  # our state comes back with the token
    token = back["token"][0]

    tokens = await svc.exchange(settings, creds, rig.http, token, cb, None)
    assert tokens.expires_at is None and tokens.refresh_token is None
    assert rig.fake.sessions[tokens.access_token] == "tester"
    (call,) = rig.api_calls("auth.getSession")
    assert call["format"] == "json" and call["api_sig"] == sign(call, "lfm-secret")

    async def source(force_refresh: bool) -> str:
        return tokens.access_token

    user = await svc.whoami(settings, rig.http, source)
    assert (user.id, user.url) == ("tester", "https://www.last.fm/user/tester")
    # the token is single use
    with pytest.raises(AuthRevoked):
        await svc.exchange(settings, creds, rig.http, token, cb, None)
    with pytest.raises(AuthRevoked):
        await svc.refresh(settings, creds, rig.http, tokens.access_token)


async def test_exchange_unauthorized_or_expired_token(rig: Rig) -> None:
    svc = get("lastfm")
    settings = rig.settings()
    rig.fake.auto_approve = False
    auth = svc.authorization(settings, CREDS, "https://tonearm.test/cb")
    await rig.http.request("GET", auth.url)
    (token,) = rig.fake.tokens
    with pytest.raises(AuthRevoked) as err:
        await svc.exchange(settings, CREDS, rig.http, token, "https://tonearm.test/cb", None)
    assert err.value.extra["lastfm_error"] == 14
    rig.fake.tokens[token].update(authorized=True, issued=0)
    with pytest.raises(AuthRevoked) as err:
        await svc.exchange(settings, CREDS, rig.http, token, "https://tonearm.test/cb", None)
    assert err.value.extra["lastfm_error"] == 15


async def test_service_client(rig: Rig) -> None:
    async def source(force_refresh: bool) -> str:
        return rig.sk

    client = get("lastfm").client(rig.settings(), rig.http, source)
    assert isinstance(client, Scrobbler)
    result = await client.scrobble([listen(0)])
    assert result.accepted == 1 and len(rig.fake.scrobbles["tester"]) == 1


async def test_me(rig: Rig) -> None:
    user = await rig.client().me()
    assert (user.id, user.name) == ("tester", "Tester")
    (call,) = rig.api_calls("user.getInfo")
    assert call["sk"] == rig.sk and call["api_sig"] == sign(call, "lfm-secret")
    rig.fake.fail_next = [8, 11]  # a GET: retried
    assert (await rig.client().me()).id == "tester"
    assert rig.fake.counts["user.getInfo"] == 4


async def test_scrobble_one(rig: Rig) -> None:
    one = listen(1, track_number=4, mb_recording_id="1c19fbb9-edce-49e1-a934-de6071dd7964")
    result = await rig.client().scrobble([one])
    assert (result.accepted, result.ignored) == (1, [])
    (kept,) = rig.fake.scrobbles["tester"]
    assert kept == {
        "artist": "Radiohead",
        "track": "Song 1",
        "timestamp": str(int(one.listened_at.timestamp())),
        "album": "OK Computer",
        "duration": "264",
        "trackNumber": "4",
        "mbid": "1c19fbb9-edce-49e1-a934-de6071dd7964",
    }
    (call,) = rig.api_calls("track.scrobble")
    assert "artist[0]" in call and call["sk"] == rig.sk
    assert rig.server.requests[-1].method == "POST"


async def test_scrobble_batches_of_50(rig: Rig) -> None:
    listens = [
        listen(i, listened_at=NOW - timedelta(hours=12) + timedelta(minutes=i)) for i in range(120)
    ]
    result = await rig.client().scrobble(listens)
    assert result.accepted == 120 and result.ignored == []
    calls = rig.api_calls("track.scrobble")
    assert [sum(1 for k in c if k.startswith("track[")) for c in calls] == [50, 50, 20]
    assert calls[2]["track[19]"] == "Song 119"
    assert [s["track"] for s in rig.fake.scrobbles["tester"]] == [f"Song {i}" for i in range(120)]


async def test_ignored_scrobbles_are_reported(rig: Rig) -> None:
    rig.fake.ignore_artists = {"Nickelback"}
    listens = [
        listen(0),
        listen(1, listened_at=NOW - timedelta(days=15)),  # older than 14 days
        listen(2),
        listen(3, artists=("Nickelback",)),
        listen(4, title=""),  # not sent at all
        listen(5, listened_at=NOW + timedelta(days=3)),
    ]
    result = await rig.client().scrobble(listens)
    assert result.accepted == 2
    assert [i for i, _ in result.ignored] == [1, 3, 4, 5]
    reasons = dict(result.ignored)
    assert reasons[1].startswith("timestamp too old")
    assert reasons[3].startswith("artist ignored")
    assert reasons[5].startswith("timestamp too new")
    assert [s["track"] for s in rig.fake.scrobbles["tester"]] == ["Song 0", "Song 2"]
    rig.fake.daily_limit = 2
    more = await rig.client().scrobble([listen(7)])
    assert more.accepted == 0 and more.ignored[0][1].startswith("daily scrobble limit")


async def test_now_playing(rig: Rig) -> None:
    await rig.client().now_playing(listen(3))
    playing = rig.fake.now_playing["tester"]
    assert (playing["artist"], playing["track"], playing["album"]) == (
        "Radiohead",
        "Song 3",
        "OK Computer",
    )
    assert "timestamp" not in playing
    (call,) = rig.api_calls("track.updateNowPlaying")
    assert "artist" in call and "artist[0]" not in call


async def test_error_11_is_retried(rig: Rig) -> None:
    rig.fake.fail_next = [11, 16]
    result = await rig.client().scrobble([listen(0)])
    assert result.accepted == 1
    assert rig.fake.counts["track.scrobble"] == 3
    assert len(rig.fake.scrobbles["tester"]) == 1


async def test_now_playing_is_not_retried(rig: Rig) -> None:
    rig.fake.fail_next = [16]
    with pytest.raises(ProviderUnavailable):
        await rig.client().now_playing(listen(0))
    assert rig.fake.counts["track.updateNowPlaying"] == 1


async def test_error_9_is_auth_revoked(rig: Rig) -> None:
    rig.fake.revoke(rig.sk)
    with pytest.raises(AuthRevoked) as err:
        await rig.client().scrobble([listen(0)])
    assert err.value.extra["lastfm_error"] == 9
    assert rig.fake.counts["track.scrobble"] == 1
    with pytest.raises(AuthRevoked):
        await rig.client(sk="not-a-session").me()


async def test_rate_limit_29(rig: Rig) -> None:
    rig.fake.throttle_every = 2
    client = rig.client()
    await client.scrobble([listen(0)])
    result = await client.scrobble([listen(1)])  # 29, backed off, retried
    assert result.accepted == 1 and rig.fake.counts["track.scrobble"] == 3
    rig.fake.throttle_every = 1
    with pytest.raises(RateLimited):
        await rig.client(attempts=3).scrobble([listen(2)])
    assert rig.fake.counts["track.scrobble"] == 6


async def test_other_errors(rig: Rig) -> None:
    rig.fake.fail_next = [26]
    with pytest.raises(ProviderError) as err:
        await rig.client().scrobble([listen(0)])
    assert not isinstance(err.value, AuthRevoked | RateLimited | ProviderUnavailable)
    assert err.value.extra["lastfm_error"] == 26
    with pytest.raises(ProviderError) as err:  # a wrong secret: the signature is refused
        await rig.client(creds=AppCredentials("lfm-key", "wrong")).scrobble([listen(0)])
    assert err.value.extra["lastfm_error"] == 13
    with pytest.raises(ProviderError) as err:
        await rig.client(creds=AppCredentials("other-key", "lfm-secret")).me()
    assert err.value.extra["lastfm_error"] == 10
    assert "tester" not in rig.fake.scrobbles


async def test_error_with_http_200_is_read(rig: Rig) -> None:

    resp = GuardedResponse(
        200, httpx.Headers(), b'{"error": 9, "message": "Invalid session"}', "http://x"
    )
    assert isinstance(classify(resp), AuthRevoked)
    ok = GuardedResponse(200, httpx.Headers(), b'{"scrobbles": {}}', "http://x")
    assert classify(ok) is None
    html_500 = GuardedResponse(502, httpx.Headers(), b"<html>bad gateway</html>", "http://x")
    assert isinstance(classify(html_500), ProviderUnavailable)

"""The ListenBrainz client over real HTTP against `tests.fakes.listenbrainz`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes.listenbrainz import FakeListenBrainz
from tests.fakes.server import FakeServer
from tonearm.config import Settings
from tonearm.kit.http import GuardedClient
from tonearm.providers import (
    AuthRevoked,
    Listen,
    Pace,
    ProviderError,
    ProviderUnsupported,
    RateLimited,
    Scrobbler,
    ServiceHttp,
    get,
    http_client,
)
from tonearm.providers.listenbrainz import client as lbclient
from tonearm.providers.listenbrainz.client import ListenBrainzClient, classify

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def listen(i: int = 0, **kw: object) -> Listen:
    base: dict[str, object] = {
        "title": f"Song {i}",
        "artists": ("Artist",),
        "listened_at": T0 + timedelta(minutes=4 * i),
        "album": "Album",
        "duration": 200.5,
    }
    base.update(kw)
    return Listen(**base)  # type: ignore[arg-type]


@dataclass
class Rig:
    fake: FakeListenBrainz
    server: FakeServer
    http: GuardedClient
    token: str
    asked: list[bool]

    def settings(self) -> Settings:
        return Settings(
            listenbrainz={"api_url": self.server.url}, http_allow_hosts=[self.server.host]
        )

    def client(self, *, max_wait: float = 60.0, token: str | None = None) -> ListenBrainzClient:
        async def source(force_refresh: bool) -> str:
            self.asked.append(force_refresh)
            return token or self.token

        service = ServiceHttp(
            self.http,
            self.server.url,
            pace=Pace(),
            classify=classify,
            service="ListenBrainz",
            max_wait=max_wait,
            backoff_base=0.001,
        )
        return ListenBrainzClient(service, source)

    def submitted(self) -> list[dict[str, object]]:
        return [
            json.loads(r.content) for r in self.server.requests if r.url.path.endswith("listens")
        ]


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    fake = FakeListenBrainz()
    token = fake.issue("rob")
    async with FakeServer(fake) as server, http_client(allow_hosts=[server.host]) as http:
        yield Rig(fake, server, http, token, [])


def test_service_entry() -> None:
    svc = get("listenbrainz")
    assert (svc.slug, svc.name, svc.kind, svc.auth) == (
        "listenbrainz",
        "ListenBrainz",
        "scrobbling",
        "token",
    )
    assert svc.capabilities == {"scrobble"}
    assert svc.configured(Settings())


async def test_connect_token(rig: Rig) -> None:
    tokens, user = await get("listenbrainz").connect_token(
        rig.settings(), rig.http, f"  {rig.token} "
    )
    assert tokens.access_token == rig.token and tokens.expires_at is None
    assert tokens.refresh_token is None
    assert (user.id, user.name) == ("rob", "rob")
    req = rig.server.requests[-1]
    assert req.url.path == "/1/validate-token"
    assert req.headers["authorization"] == f"Token {rig.token}"


async def test_connect_invalid_token(rig: Rig) -> None:
    with pytest.raises(AuthRevoked):
        await get("listenbrainz").connect_token(rig.settings(), rig.http, "nope")
    rig.fake.revoke(rig.token)
    with pytest.raises(AuthRevoked):
        await get("listenbrainz").connect_token(rig.settings(), rig.http, rig.token)
    before = len(rig.server.requests)
    with pytest.raises(AuthRevoked):
        await get("listenbrainz").connect_token(rig.settings(), rig.http, "  ")
    assert len(rig.server.requests) == before


async def test_service_client_and_me(rig: Rig) -> None:
    async def source(force_refresh: bool) -> str:
        return rig.token

    client = get("listenbrainz").client(rig.settings(), rig.http, source)
    assert isinstance(client, Scrobbler)
    assert (await client.me()).name == "rob"
    assert (await get("listenbrainz").whoami(rig.settings(), rig.http, source)).id == "rob"
    with pytest.raises(ProviderUnsupported):
        get("listenbrainz").client(rig.settings(), rig.http, None)


async def test_scrobble_one_is_single(rig: Rig) -> None:
    client = rig.client()
    result = await client.scrobble([listen(1, isrc="GBAYE9700109", track_number=3)])
    assert (result.accepted, result.ignored) == (1, [])
    (doc,) = rig.submitted()
    assert doc["listen_type"] == "single"
    req = rig.server.requests[-1]
    assert req.headers["authorization"] == f"Token {rig.token}"  # not Bearer
    (kept,) = rig.fake.listens["rob"]
    assert kept["listened_at"] == int((T0 + timedelta(minutes=4)).timestamp())
    meta = kept["track_metadata"]
    assert (meta["artist_name"], meta["track_name"], meta["release_name"]) == (
        "Artist",
        "Song 1",
        "Album",
    )
    info = meta["additional_info"]
    assert (info["isrc"], info["duration_ms"], info["tracknumber"]) == ("GBAYE9700109", 200500, 3)


async def test_scrobble_several_is_import_in_batches(rig: Rig) -> None:
    client = rig.client()
    listens = [
        listen(i, mb_recording_id="98255a8c-017a-4bc7-8dd6-1fa36124572b") for i in range(2300)
    ]
    result = await client.scrobble(listens)
    assert result.accepted == 2300 and result.ignored == []
    docs = rig.submitted()
    assert [d["listen_type"] for d in docs] == ["import"] * 3
    assert [len(d["payload"]) for d in docs] == [1000, 1000, 300]  # type: ignore[arg-type]
    assert len(rig.fake.listens["rob"]) == 2300
    assert rig.fake.listens["rob"][-1]["track_metadata"]["track_name"] == "Song 2299"


async def test_payload_size_splits(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lbclient, "MAX_PAYLOAD", 1024 + 3 * 400)
    result = await rig.client().scrobble([listen(i) for i in range(7)])
    assert result.accepted == 7
    sizes = [len(d["payload"]) for d in rig.submitted()]  # type: ignore[arg-type]
    assert sum(sizes) == 7 and len(sizes) > 1 and max(sizes) < 7


async def test_bad_listens_are_ignored_not_sent(rig: Rig) -> None:
    listens = [
        listen(0),
        listen(1, title=" "),
        listen(2, artists=()),
        listen(3, listened_at=datetime(2001, 1, 1, tzinfo=UTC)),
        listen(4, album="x" * 20000),
        listen(5),
    ]
    result = await rig.client().scrobble(listens)
    assert result.accepted == 2
    assert [i for i, _ in result.ignored] == [1, 2, 3, 4]
    assert "2002-10-01" in result.ignored[2][1] and "bytes" in result.ignored[3][1]
    (doc,) = rig.submitted()
    assert doc["listen_type"] == "import"
    assert [x["track_metadata"]["track_name"] for x in rig.fake.listens["rob"]] == [
        "Song 0",
        "Song 5",
    ]
    # nothing good: nothing sent
    before = len(rig.server.requests)
    assert (await rig.client().scrobble([listen(1, title="")])).accepted == 0
    assert len(rig.server.requests) == before


async def test_server_400_names_the_listen(rig: Rig) -> None:
    too_long = 25 * 24 * 3600.0  # more than the 24 days ListenBrainz allows
    with pytest.raises(ProviderError) as err:
        await rig.client().scrobble([listen(0), listen(7, duration=too_long)])
    assert "duration" in str(err.value) and "Song 7" in str(err.value)
    assert err.value.extra["upstream_status"] == 400
    assert "rob" not in rig.fake.listens


async def test_now_playing(rig: Rig) -> None:
    await rig.client().now_playing(listen(2))
    (doc,) = rig.submitted()
    assert doc["listen_type"] == "playing_now"
    now = rig.fake.playing_now["rob"]
    assert "listened_at" not in now and now["track_metadata"]["track_name"] == "Song 2"
    assert "rob" not in rig.fake.listens
    with pytest.raises(ProviderError):
        await rig.client().now_playing(listen(3, title=""))


async def test_429_reset_in_is_honoured(rig: Rig) -> None:
    rig.fake.throttle_retry_after = "0"
    rig.fake.throttle_every = 2  # the 2nd request is throttled
    client = rig.client()
    await client.scrobble([listen(0)])
    result = await client.scrobble([listen(1)])
    assert result.accepted == 1
    assert rig.fake.counts["/1/submit-listens"] == 3
    assert len(rig.fake.listens["rob"]) == 2


async def test_429_beyond_max_wait(rig: Rig) -> None:
    rig.fake.throttle_every = 1
    rig.fake.throttle_retry_after = "90"
    with pytest.raises(RateLimited) as err:
        await rig.client(max_wait=10).scrobble([listen(0)])
    assert err.value.retry_after == 90
    assert rig.fake.counts["/1/submit-listens"] == 1


async def test_revoked_token_is_auth_revoked(rig: Rig) -> None:
    rig.fake.revoke(rig.token)
    with pytest.raises(AuthRevoked):
        await rig.client().scrobble([listen(0)])
    with pytest.raises(AuthRevoked):
        await rig.client(token="unknown").now_playing(listen(0))
    assert rig.asked == [False, False]  # a pasted token has no refresh: asked once each
    assert rig.fake.counts["/1/submit-listens"] == 2


async def test_5xx_is_retried(rig: Rig) -> None:
    rig.fake.fail_next = [500, 503]
    result = await rig.client().scrobble([listen(0), listen(1)])
    assert result.accepted == 2
    assert rig.fake.counts["/1/submit-listens"] == 3
    assert len(rig.fake.listens["rob"]) == 2

"""The Deezer client over real HTTP against the fake (`tests/fakes/deezer.py`): the connect
flow, the token as a query parameter, paging by `next`, HTTP-200 errors (code 4 waited out and
retried, 300 -> reconnect, 700 busy, 800 no data), search, ISRC, playlist writes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fakes.catalog import FakeCatalog, FakeTrack
from tests.fakes.deezer import FakeDeezer, deezer_id
from tests.fakes.server import FakeServer
from tonearm.config import Settings
from tonearm.kit.http import GuardedClient, GuardedResponse
from tonearm.providers import (
    AuthRevoked,
    IsrcLookup,
    LikedReader,
    Pace,
    PlaylistReader,
    PlaylistWriter,
    ProviderError,
    ProviderForbidden,
    ProviderNotFound,
    ProviderUnavailable,
    RateLimited,
    SearchQuery,
    TrackSearcher,
    get,
    http_client,
)
from tonearm.providers import http as service_http
from tonearm.providers.deezer import PERMS, SERVICE, token_set
from tonearm.providers.deezer.client import RATE, DeezerClient, classifier, make_client, search_q
from tonearm.providers.registry import AppCredentials

APP = AppCredentials("123456", "deezer-secret")


class Tokens:
    """A token source: the first value, then the next one each time a refresh is forced."""

    def __init__(self, *values: str) -> None:
        self.values = list(values)
        self.calls: list[bool] = []

    async def __call__(self, force_refresh: bool) -> str:
        self.calls.append(force_refresh)
        if force_refresh and len(self.values) > 1:
            self.values.pop(0)
        return self.values[0]


@dataclass
class Env:
    fake: FakeDeezer
    server: FakeServer
    http: GuardedClient
    settings: Settings
    user: int
    token: str
    tokens: Tokens
    tracks: list[FakeTrack] = field(default_factory=list)

    def client(self, token: Any = "default", **kw: Any) -> DeezerClient:
        kw.setdefault("quota_wait", 0.0)
        kw.setdefault("backoff_base", 0.001)
        source = self.tokens if token == "default" else token
        return make_client(self.http, self.server.url, source, pace=Pace(concurrency=4), **kw)

    def last(self) -> httpx.Request:
        return self.server.requests[-1]


def _catalog() -> tuple[FakeCatalog, list[FakeTrack]]:
    tracks = [
        FakeTrack(
            str(i),
            f"Song {i}",
            ("Artist A",),
            album="Album X",
            duration=180.4 + i,
            isrc=f"FRXYZ26{i:05d}",
            track_number=i,
        )
        for i in range(1, 131)
    ]
    tracks.append(
        FakeTrack(
            "131",
            "I Need A Dollar",
            ("Aloe Blacc", "Guest Singer"),
            album="Good Things",
            duration=244.0,
            isrc="USUM71900764",
            track_number=3,
            disc_number=2,
        )
    )
    return FakeCatalog(tracks), tracks


@pytest.fixture(autouse=True)
def fast_pace(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """SERVICE.client's shared pace without the 10-per-second rate (tests stay fast)."""
    monkeypatch.setitem(service_http._PACES, "deezer", Pace(concurrency=4))
    yield


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    catalog, tracks = _catalog()
    fake = FakeDeezer(catalog, app_id=APP.client_id, secret=str(APP.client_secret))
    user = fake.add_user("Ana", country="DE")
    token = fake.issue_token(user)
    async with FakeServer(fake) as server:
        settings = Settings(
            deezer={
                "api_url": server.url,
                "connect_url": server.url,
                "client_id": APP.client_id,
                "client_secret": APP.client_secret,
            },
            http_allow_hosts=[server.host],
        )
        async with http_client(allow_hosts=[server.host]) as http:
            yield Env(fake, server, http, settings, user, token, Tokens(token), tracks)


async def _all(it: AsyncIterator[Any]) -> list[Any]:
    return [x async for x in it]


def _params(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params)


# --- the service -------------------------------------------------------------------------------


async def test_service_is_registered_with_its_capabilities(env: Env) -> None:
    assert get("deezer") is SERVICE
    assert (SERVICE.slug, SERVICE.name, SERVICE.kind) == ("deezer", "Deezer", "streaming")
    assert SERVICE.capabilities == {
        "search",
        "isrc",
        "playlists_read",
        "liked_read",
        "playlists_write",
    }
    assert SERVICE.configured(env.settings)
    assert SERVICE.app(env.settings) == APP
    assert not SERVICE.configured(Settings(deezer={"client_id": "1"}))  # no secret: no exchange
    client = SERVICE.client(env.settings, env.http, env.tokens)
    for protocol in (TrackSearcher, IsrcLookup, PlaylistReader, LikedReader, PlaylistWriter):
        assert isinstance(client, protocol)


async def test_the_shared_pace_keeps_under_50_requests_per_5_seconds(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(service_http._PACES, "deezer")
    client = SERVICE.client(env.settings, env.http, None)
    other = SERVICE.client(env.settings, env.http, env.tokens)
    assert client.http.pace is other.http.pace  # one pace for every caller
    assert client.http.pace.interval == pytest.approx(1 / RATE)
    assert 5 / client.http.pace.interval + 1 <= 50


# --- connecting --------------------------------------------------------------------------------


async def _consent(url: str) -> dict[str, str]:
    """The user on Deezer's page: where the browser is sent back."""
    async with httpx.AsyncClient() as browser:
        resp = await browser.get(url)
    assert resp.status_code == 302
    location = urlsplit(resp.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://tonearm.test/cb"
    return {k: v[0] for k, v in parse_qs(location.query).items()}


async def test_connect_flow_gives_a_token_that_does_not_expire(env: Env) -> None:
    auth = SERVICE.authorization(env.settings, APP, "https://tonearm.test/cb")
    parts = urlsplit(auth.url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{env.server.url}/oauth/auth.php"
    assert "perms=basic_access,manage_library,offline_access,delete_library" in parts.query
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query == {
        "app_id": APP.client_id,
        "redirect_uri": "https://tonearm.test/cb",
        "perms": ",".join(PERMS),
        "state": auth.state,
    }
    assert auth.verifier is None  # no PKCE at Deezer

    back = await _consent(auth.url)
    assert back["state"] == auth.state
    tokens = await SERVICE.exchange(
        env.settings, APP, env.http, back["code"], "https://tonearm.test/cb", None
    )
    assert tokens.expires_at is None and tokens.refresh_token is None
    exchange = env.last()
    assert exchange.url.path == "/oauth/access_token.php"
    assert _params(exchange) == {
        "app_id": APP.client_id,
        "secret": APP.client_secret,
        "code": back["code"],
        "output": "json",
    }
    granted = env.fake.tokens[tokens.access_token]
    assert granted.user == env.user and granted.perms == set(PERMS)

    async def source(force_refresh: bool) -> str:
        return tokens.access_token

    me = await SERVICE.whoami(env.settings, env.http, source)
    assert (me.id, me.name, me.country) == (str(env.user), "Ana", "DE")

    with pytest.raises(AuthRevoked, match="wrong code"):  # a code works once
        await SERVICE.exchange(env.settings, APP, env.http, back["code"], "x", None)


async def test_a_token_without_offline_access_expires(env: Env) -> None:
    env.fake.consent_perms = frozenset({"basic_access", "manage_library"})
    back = await _consent(SERVICE.authorization(env.settings, APP, "https://tonearm.test/cb").url)
    before = datetime.now(UTC)
    tokens = await SERVICE.exchange(env.settings, APP, env.http, back["code"], "", None)
    assert tokens.expires_at is not None
    assert before + timedelta(seconds=3599) <= tokens.expires_at
    assert tokens.expires_at <= datetime.now(UTC) + timedelta(seconds=3600)


async def test_a_wrong_code_or_secret_is_wrong_code(env: Env) -> None:
    with pytest.raises(AuthRevoked):
        await SERVICE.exchange(env.settings, APP, env.http, "frnotacode", "", None)
    back = await _consent(SERVICE.authorization(env.settings, APP, "https://tonearm.test/cb").url)
    with pytest.raises(AuthRevoked):
        await SERVICE.exchange(
            env.settings, AppCredentials(APP.client_id, "nope"), env.http, back["code"], "", None
        )
    assert env.last().url.path == "/oauth/access_token.php"


async def test_the_user_may_refuse(env: Env) -> None:
    env.fake.deny = True
    back = await _consent(SERVICE.authorization(env.settings, APP, "https://tonearm.test/cb").url)
    assert back["error_reason"] == "user_denied" and "code" not in back


async def test_there_is_no_refresh(env: Env) -> None:
    with pytest.raises(AuthRevoked):
        await SERVICE.refresh(env.settings, APP, env.http, "anything")


def _response(content: bytes | str, status: int = 200, ctype: str = "text/html") -> GuardedResponse:
    body = content.encode() if isinstance(content, str) else content
    return GuardedResponse(status, httpx.Headers({"content-type": ctype}), body, "http://x")


def test_token_answers_in_every_documented_form() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    text = token_set(_response("access_token=blah&expires=1234"), now=now)
    assert text.access_token == "blah" and text.expires_at == now + timedelta(seconds=1234)
    js = token_set(_response('{"access_token":"frA","expires":0}', ctype="application/json"))
    assert js.access_token == "frA" and js.expires_at is None
    assert token_set(_response("access_token=frB&expires=0")).expires_at is None
    with pytest.raises(AuthRevoked):
        token_set(_response("wrong code"))
    with pytest.raises(AuthRevoked):
        token_set(_response('{"error":{"type":"OAuthException","message":"Invalid","code":300}}'))
    with pytest.raises(ProviderUnavailable):
        token_set(_response("oops", status=503))
    with pytest.raises(ProviderError):
        token_set(_response("<html>maintenance</html>"))


# --- the token travels as a query parameter ----------------------------------------------------


async def test_me_sends_the_token_as_a_query_parameter_not_a_header(env: Env) -> None:
    me = await env.client().me()
    assert (me.id, me.name, me.country, me.url) == (
        str(env.user),
        "Ana",
        "DE",
        f"https://www.deezer.com/profile/{env.user}",
    )
    request = env.last()
    assert request.url.path == "/user/me"
    assert request.url.params["access_token"] == env.token
    assert "authorization" not in request.headers
    assert env.tokens.calls == [False]


async def test_me_without_a_token_is_refused(env: Env) -> None:
    with pytest.raises(ProviderForbidden, match="active access token"):
        await env.client(token=None).me()
    assert "access_token" not in env.last().url.params


async def test_an_invalid_token_means_reconnect(env: Env) -> None:
    env.fake.revoke(env.token)
    with pytest.raises(AuthRevoked, match="Invalid OAuth access token"):
        await env.client().me()
    assert env.tokens.calls == [False, True]  # asked once for a fresh one: the same came back
    assert env.fake.counts["GET /user/me"] == 1  # the same token is not sent again


async def test_an_expired_token_means_reconnect(env: Env) -> None:
    env.fake.expire(env.token)
    with pytest.raises(AuthRevoked):
        await _all(env.client().liked_tracks())


async def test_a_replaced_token_is_used_once_asked_for(env: Env) -> None:
    fresh = env.fake.issue_token(env.user)
    env.fake.revoke(env.token)
    tokens = Tokens(env.token, fresh)
    me = await env.client(token=tokens).me()
    assert me.id == str(env.user)
    assert tokens.calls == [False, True]
    assert env.last().url.params["access_token"] == fresh


async def test_the_connection_refusing_to_refresh_is_reconnect(env: Env) -> None:
    env.fake.revoke(env.token)
    calls: list[bool] = []

    async def source(force_refresh: bool) -> str:
        calls.append(force_refresh)
        if force_refresh:  # what the connection does: SERVICE.refresh
            await SERVICE.refresh(env.settings, APP, env.http, "")
        return env.token

    with pytest.raises(AuthRevoked, match="no refresh"):
        await env.client(token=source).me()
    assert calls == [False, True]


# --- reading -----------------------------------------------------------------------------------


async def test_playlists_every_page_without_loved_tracks(env: Env) -> None:
    env.fake.max_limit = 10
    ids = [env.fake.add_playlist(env.user, f"List {i}", env.tracks[:i]) for i in range(23)]
    found = await _all(env.client().playlists())
    assert [p.id for p in found] == [str(i) for i in ids]
    assert [p.name for p in found] == [f"List {i}" for i in range(23)]
    assert found[5].track_count == 5 and found[5].editable and found[5].owner_name == "Ana"
    assert found[5].snapshot == env.fake.playlists[ids[5]].checksum()
    assert found[5].url == f"https://www.deezer.com/playlist/{ids[5]}"
    assert env.fake.counts["GET /user/me/playlists"] == 3  # 24 with Loved Tracks, 10 a page
    pages = [r for r in env.server.requests if r.url.path == "/user/me/playlists"]
    assert all(r.url.params["access_token"] == env.token for r in pages)
    assert [r.url.params.get("index") for r in pages] == [None, "10", "20"]


async def test_a_next_link_elsewhere_is_followed_under_our_base_url(env: Env) -> None:
    client = env.client()
    mine = f"{env.server.url}/user/me/tracks?index=25"
    assert client._relative(mine) == mine
    assert client._relative("https://evil.example/user/me/tracks?index=25&limit=5") == (
        "/user/me/tracks?index=25&limit=5"
    )


async def test_one_playlist(env: Env) -> None:
    other = env.fake.add_user("Bo")
    mine = env.fake.add_playlist(env.user, "Mine", env.tracks[:3], public=False)
    shared = env.fake.add_playlist(other, "Shared", env.tracks[:2], collaborative=True)
    theirs = env.fake.add_playlist(other, "Theirs", env.tracks[:1], description="Bo's")
    client = env.client()
    pl = await client.playlist(str(mine))
    assert (pl.id, pl.name, pl.track_count, pl.public, pl.editable) == (
        str(mine),
        "Mine",
        3,
        False,
        True,
    )
    assert pl.image and pl.image.endswith("1000x1000-000000-80-0-0.jpg")
    assert (await client.playlist(str(shared))).editable
    them = await client.playlist(str(theirs))
    assert not them.editable and them.owner_id == str(other) and them.description == "Bo's"
    with pytest.raises(ProviderNotFound, match="no data"):
        await client.playlist("999")
    with pytest.raises(ProviderNotFound):
        await client.playlist("../user/me")
    public = await env.client(token=None).playlist(str(theirs))
    assert public.name == "Theirs" and not public.editable


async def test_playlist_tracks_every_page_in_order(env: Env) -> None:
    env.fake.max_limit = 10
    pid = env.fake.add_playlist(env.user, "Long", env.tracks[:25])
    found = await _all(env.client().playlist_tracks(str(pid)))
    assert [t.id for t in found] == [str(deezer_id(t)) for t in env.tracks[:25]]
    first = found[0]
    assert (first.title, first.artists, first.album, first.duration) == (
        "Song 1",
        ("Artist A",),
        "Album X",
        181.0,
    )
    assert first.isrc is None  # the short form in lists has no ISRC
    assert first.url == f"https://www.deezer.com/track/{first.id}"
    assert first.image and "cover" in first.image
    assert env.fake.counts["GET /playlist/{id}/tracks"] == 3


async def test_liked_tracks_every_page(env: Env) -> None:
    env.fake.max_limit = 5
    env.fake.like(env.user, env.tracks[10:22])
    found = await _all(env.client().liked_tracks())
    assert [t.title for t in found] == [f"Song {i}" for i in range(11, 23)]
    assert env.fake.counts["GET /user/me/tracks"] == 3


async def test_tracks_by_isrc(env: Env) -> None:
    found = await env.client(token=None).tracks_by_isrc(" usum71900764 ")
    assert len(found) == 1
    t = found[0]
    assert t.id == str(deezer_id(env.tracks[-1]))
    assert (t.title, t.artists, t.isrc, t.track_number, t.disc_number, t.duration) == (
        "I Need A Dollar",
        ("Aloe Blacc", "Guest Singer"),
        "USUM71900764",
        3,
        2,
        244.0,
    )
    assert env.last().url.path == "/track/isrc:USUM71900764"
    assert "access_token" not in env.last().url.params  # public: no token


async def test_an_unknown_isrc_is_no_track(env: Env) -> None:
    client = env.client()
    assert await client.tracks_by_isrc("GBAYE0000000") == []
    assert env.fake.counts["GET /track/isrc:{isrc}"] == 1  # asked, and answered 800 no data
    assert await client.tracks_by_isrc("not/an isrc") == []
    assert env.fake.counts["GET /track/isrc:{isrc}"] == 1  # not asked at all


async def test_search_with_advanced_syntax(env: Env) -> None:
    query = SearchQuery("I Need A Dollar", ("Aloe Blacc",), album="Good Things")
    assert search_q(query) == 'artist:"Aloe Blacc" track:"I Need A Dollar" album:"Good Things"'
    found = await env.client(token=None).search_tracks(query)
    assert [t.title for t in found] == ["I Need A Dollar"]
    assert env.fake.searches[-1] == {"q": search_q(query), "strict": None}
    assert "access_token" not in env.last().url.params
    none = await env.client(token=None).search_tracks(SearchQuery("I Need A Dollar", ("Other",)))
    assert none == []


async def test_search_limit_strict_and_quotes(env: Env) -> None:
    client = env.client(strict=True)
    found = await client.search_tracks(SearchQuery("Song", ("Artist A",)), limit=40)
    assert len(found) == client.search_limit == 25
    assert env.last().url.params["limit"] == "25"
    assert env.fake.searches[-1]["strict"] == "on"
    few = await env.client().search_tracks(SearchQuery('Song "7"', ("Artist A",)), limit=3)
    assert [t.title for t in few] == ["Song 7"]
    assert env.fake.searches[-1] == {"q": 'artist:"Artist A" track:"Song  7"', "strict": None}


# --- writing -----------------------------------------------------------------------------------


async def test_create_playlist_private_with_description(env: Env) -> None:
    client = env.client()
    pl = await client.create_playlist("From Tonearm", description="moved")
    held = env.fake.playlists[int(pl.id)]
    assert (held.title, held.public, held.description, held.creator) == (
        "From Tonearm",
        False,
        "moved",
        env.user,
    )
    assert (pl.name, pl.public, pl.editable, pl.owner_id, pl.track_count) == (
        "From Tonearm",
        False,
        True,
        str(env.user),
        0,
    )
    created = [r for r in env.server.requests if r.method == "POST"]
    assert created[0].url.path == "/user/me/playlists"
    assert created[0].url.params["title"] == "From Tonearm"
    assert pl.id in [p.id for p in await _all(client.playlists())]
    public = await client.create_playlist("Open", public=True)
    assert env.fake.playlists[int(public.id)].public


async def test_writes_need_manage_library(env: Env) -> None:
    token = env.fake.issue_token(env.user, perms={"basic_access"})
    with pytest.raises(ProviderForbidden, match="Permission denied"):
        await env.client(token=Tokens(token)).create_playlist("No")


async def test_add_tracks_in_batches_of_50_in_order(env: Env) -> None:
    pid = env.fake.add_playlist(env.user, "Target")
    ids = [str(deezer_id(t)) for t in env.tracks[:120]]
    await env.client().add_tracks(str(pid), [*ids, ids[0]])  # a repeat is sent once
    posts = [r for r in env.server.requests if r.method == "POST"]
    assert [len(r.url.params["songs"].split(",")) for r in posts] == [50, 50, 20]
    assert all(r.url.params["access_token"] == env.token for r in posts)
    got = await _all(env.client().playlist_tracks(str(pid)))
    assert [t.id for t in got] == ids


async def test_add_tracks_already_in_the_playlist(env: Env) -> None:
    pid = env.fake.add_playlist(env.user, "Half", [env.tracks[1], env.tracks[3]])
    ids = [str(deezer_id(t)) for t in env.tracks[:6]]
    await env.client().add_tracks(str(pid), ids)
    got = [t.id for t in await _all(env.client().playlist_tracks(str(pid)))]
    assert got == [ids[1], ids[3], ids[0], ids[2], ids[4], ids[5]]
    assert env.fake.counts["POST /playlist/{id}/tracks"] == 2  # refused whole, then the rest


async def test_adding_only_tracks_already_there_sends_nothing_more(env: Env) -> None:
    pid = env.fake.add_playlist(env.user, "Full", env.tracks[:2])
    await env.client().add_tracks(str(pid), [str(deezer_id(t)) for t in env.tracks[:2]])
    assert len(env.fake.playlists[pid].tracks) == 2
    assert env.fake.counts["POST /playlist/{id}/tracks"] == 1


async def test_add_to_someone_elses_playlist_is_refused(env: Env) -> None:
    other = env.fake.add_user("Bo")
    pid = env.fake.add_playlist(other, "Theirs")
    with pytest.raises(ProviderForbidden):
        await env.client().add_tracks(str(pid), [str(deezer_id(env.tracks[0]))])
    with pytest.raises(ProviderError, match="Wrong parameter"):
        await env.client().add_tracks(str(env.fake.add_playlist(env.user, "M")), ["77"])


async def test_remove_tracks(env: Env) -> None:
    pid = env.fake.add_playlist(env.user, "Trim", env.tracks[:60])
    drop = [str(deezer_id(t)) for t in env.tracks[:55:2]]
    await env.client().remove_tracks(str(pid), drop)
    deletes = [r for r in env.server.requests if r.method == "DELETE"]
    assert len(deletes) == 1 and deletes[0].url.params["songs"] == ",".join(drop)
    left = [t.id for t in await _all(env.client().playlist_tracks(str(pid)))]
    assert left == [str(deezer_id(t)) for t in env.tracks[:60] if str(deezer_id(t)) not in drop]


# --- the quota, busy, the edge -----------------------------------------------------------------


async def test_quota_code_4_is_waited_out_and_retried(env: Env) -> None:
    env.fake.throttle_every = 2
    env.fake.max_limit = 10
    env.fake.like(env.user, env.tracks[:30])
    client = env.client(quota_wait=0.01)
    found = await _all(client.liked_tracks())
    assert [t.title for t in found] == [f"Song {i}" for i in range(1, 31)]
    assert env.fake.throttled == 2  # requests 2 and 4 of 5 answered code 4
    assert client.http.requests == 5
    assert client.http.pace.waited > 0  # every caller of the pace waited the quota out
    quota = _response('{"error":{"type":"Exception","message":"Quota limit exceeded","code":4}}')
    default = SERVICE.client(env.settings, env.http, None).http.classify(quota)
    assert isinstance(default, RateLimited) and default.retry_after == 5.0  # the whole window


async def test_quota_on_a_post_is_retried_too(env: Env) -> None:
    env.fake.throttle_every = 2
    env.fake.api_requests = 1  # the next request is the 2nd: throttled
    pl = await env.client().create_playlist("Once")
    assert [p.title for p in env.fake.playlists.values()] == ["Once"]
    assert env.fake.counts["POST /user/me/playlists"] == 2 and pl.name == "Once"


async def test_quota_longer_than_max_wait_is_rate_limited(env: Env) -> None:
    env.fake.throttle_every = 1
    client = env.client(quota_wait=5.0, max_wait=1.0)
    with pytest.raises(RateLimited) as err:
        await client.search_tracks(SearchQuery("Song 1"))
    assert err.value.retry_after == 5.0
    assert env.fake.api_requests == 1


async def test_quota_that_never_ends_gives_up(env: Env) -> None:
    env.fake.throttle_every = 1
    client = env.client()
    with pytest.raises(RateLimited, match="Quota limit exceeded"):
        await client.me()
    assert env.fake.api_requests == client.http.attempts == 6


async def test_service_busy_is_retried_for_reads_only(env: Env) -> None:
    env.fake.busy = 2
    assert (await env.client().me()).name == "Ana"
    assert env.fake.counts["GET /user/me"] == 3
    env.fake.busy = 1
    with pytest.raises(ProviderUnavailable, match="Service busy"):
        await env.client().create_playlist("Not twice")
    assert env.fake.playlists == {}


async def test_an_edge_5xx_is_retried_for_reads(env: Env) -> None:
    env.fake.http_errors = 1
    assert await env.client().tracks_by_isrc("USUM71900764")
    assert env.fake.counts["GET /track/isrc:{isrc}"] == 2


async def test_latency_knob(env: Env) -> None:
    env.fake.latency = 0.01
    assert (await env.client().me()).id == str(env.user)


@pytest.mark.parametrize(
    ("code", "kind", "error"),
    [
        (4, "Exception", RateLimited),
        (100, "Exception", ProviderError),
        (200, "OAuthException", ProviderForbidden),
        (300, "OAuthException", AuthRevoked),
        (500, "ParameterException", ProviderError),
        (501, "MissingParameterException", ProviderError),
        (600, "InvalidQueryException", ProviderError),
        (700, "Exception", ProviderUnavailable),
        (800, "DataException", ProviderNotFound),
        (901, "IndividualAccountChangedNotAllowedException", ProviderForbidden),
    ],
)
def test_classify_every_documented_code(code: int, kind: str, error: type[ProviderError]) -> None:
    body = f'{{"error":{{"type":"{kind}","message":"m","code":{code}}}}}'
    problem = classifier(3.0)(_response(body, ctype="application/json"))
    assert type(problem) is error
    assert problem is not None and problem.extra.get("deezer_code", code) == code
    if isinstance(problem, RateLimited):
        assert problem.retry_after == 3.0


def test_classify_lets_good_answers_through() -> None:
    classify = classifier()
    for body in ("true", '{"data":[],"total":0}', '{"id":1}', "[]", ""):
        assert classify(_response(body, ctype="application/json")) is None
    assert isinstance(classify(_response("bad gateway", status=502)), ProviderUnavailable)


def test_a_search_by_artist_alone_sends_no_empty_track_filter() -> None:
    assert search_q(SearchQuery("", ("Blondie",))) == 'artist:"Blondie"'

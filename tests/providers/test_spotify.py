"""The real Spotify client and OAuth flow over real HTTP against `tests.fakes.spotify`."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr

from tests.fakes.catalog import FakeCatalog, FakeTrack
from tests.fakes.server import FakeServer
from tests.fakes.spotify import FakeSpotify, challenge_of
from tonearm import providers
from tonearm.config import Settings
from tonearm.kit.http import GuardedClient
from tonearm.providers import (
    AppCredentials,
    AuthExpired,
    AuthRevoked,
    ProviderError,
    ProviderForbidden,
    ProviderNotFound,
    ProviderUnavailable,
    ProviderUnsupported,
    RateLimited,
    SearchQuery,
    http_client,
)
from tonearm.providers.spotify.client import search_q

SPOTIFY = providers.get("spotify")
REDIRECT = "http://127.0.0.1:8765/connections/spotify/callback"
USER = "smedjan"


def make_catalog(n: int = 260) -> FakeCatalog:
    tracks = [
        FakeTrack(
            str(i),
            f"Song {i}",
            (f"Artist {i % 7}",),
            album=f"Album {i % 13}",
            duration=180 + i,
            isrc=f"USXX1{i:07d}",
            track_number=i % 12 + 1,
        )
        for i in range(1, n + 1)
    ]
    tracks += [
        FakeTrack(
            "bad-guy",
            "bad guy",
            ("Billie Eilish",),
            "WHEN WE ALL FALL ASLEEP",
            194.0,
            "USUM71900764",
            2,
        ),
        FakeTrack(
            "bad-guy-remix",
            "bad guy",
            ("Billie Eilish", "Justin Bieber"),
            "bad guy",
            195.0,
            "USUM71900764",
            1,
        ),
        FakeTrack(
            "bad-day", "Bad Day", ("Daniel Powter",), "Daniel Powter", 233.0, "GBAHT0500123", 1
        ),
    ]
    return FakeCatalog(tracks)


@dataclass
class Tokens:
    """A token source as a connection gives one: it refreshes through SERVICE.refresh against
    the fake when asked to force, and records every call."""

    settings: Settings
    http: GuardedClient
    access: str
    refresh: str
    calls: list[bool] = field(default_factory=list)

    async def __call__(self, force_refresh: bool) -> str:
        self.calls.append(force_refresh)
        if force_refresh:
            creds = AppCredentials(self.settings.spotify.client_id or "")
            tokens = await SPOTIFY.refresh(self.settings, creds, self.http, self.refresh)
            self.access = tokens.access_token
            self.refresh = tokens.refresh_token or self.refresh
        return self.access


@dataclass
class World:
    fake: FakeSpotify
    server: FakeServer
    settings: Settings
    http: GuardedClient
    tokens: Tokens

    def client(self, **kw: Any) -> Any:
        c = SPOTIFY.client(self.settings, self.http, self.tokens, **kw)
        c.http.backoff_base = 0.001  # 5xx backoff in tests: milliseconds
        return c


@pytest.fixture
async def world() -> AsyncIterator[World]:
    fake = FakeSpotify(
        make_catalog(), redirect_uris=("http://127.0.0.1/connections/spotify/callback",)
    )
    fake.throttle_retry_after = "0"
    fake.add_user(USER, "Smedjan")
    async with FakeServer(fake) as server:
        settings = Settings(
            spotify={
                "api_url": server.url + "/v1",
                "accounts_url": server.url,
                "client_id": fake.client_id,
            },
            http_allow_hosts=[server.host],
        )
        async with http_client(allow_hosts=settings.http_allow_hosts) as http:
            access, refresh = fake.issue_tokens(USER)
            yield World(fake, server, settings, http, Tokens(settings, http, access, refresh))


async def collect(it: AsyncIterator[Any]) -> list[Any]:
    return [x async for x in it]


# --- OAuth -------------------------------------------------------------------------------------


def _links(page: str) -> dict[str, str]:
    return {
        text: unescape(href)
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', page)
    }


async def _consent(w: World) -> tuple[Any, dict[str, str], str]:
    creds = SPOTIFY.credentials(w.settings, None)
    auth = SPOTIFY.authorization(w.settings, creds, REDIRECT)
    resp = await w.http.request("GET", auth.url)
    assert resp.status_code == 200
    assert "<title>Spotify - Authorize</title>" in resp.text
    return auth, _links(resp.text), resp.text


async def test_oauth_flow_agree_exchange_whoami_refresh(world: World) -> None:
    w = world
    creds = SPOTIFY.credentials(w.settings, None)
    auth, links, _ = await _consent(w)
    q = {k: v[0] for k, v in parse_qs(urlsplit(auth.url).query).items()}
    assert q["client_id"] == w.fake.client_id
    assert q["response_type"] == "code"
    assert q["redirect_uri"] == REDIRECT
    assert q["code_challenge_method"] == "S256"
    assert auth.verifier and q["code_challenge"] == challenge_of(auth.verifier)
    assert q["state"] == auth.state
    assert set(q["scope"].split()) >= {"playlist-read-private", "user-library-read"}

    back = urlsplit(links["Agree"])
    assert f"http://{back.netloc}{back.path}" == REDIRECT
    params = {k: v[0] for k, v in parse_qs(back.query).items()}
    assert params["state"] == auth.state

    before = datetime.now(UTC)
    tokens = await SPOTIFY.exchange(
        w.settings, creds, w.http, params["code"], REDIRECT, auth.verifier
    )
    assert tokens.access_token in w.fake.access_tokens
    assert tokens.refresh_token in w.fake.refresh_tokens
    assert tokens.scope == q["scope"]
    assert tokens.expires_at is not None
    assert before + timedelta(seconds=3590) <= tokens.expires_at
    assert tokens.expires_at <= datetime.now(UTC) + timedelta(seconds=3600)

    async def source(force: bool) -> str:
        return tokens.access_token

    me = await SPOTIFY.whoami(w.settings, w.http, source)
    assert (me.id, me.name) == (USER, "Smedjan")

    # the code was single use
    with pytest.raises(AuthRevoked, match="Invalid authorization code"):
        await SPOTIFY.exchange(w.settings, creds, w.http, params["code"], REDIRECT, auth.verifier)

    # refresh rotates: the new refresh token works, the old one is then refused
    assert tokens.refresh_token is not None
    fresh = await SPOTIFY.refresh(w.settings, creds, w.http, tokens.refresh_token)
    assert fresh.access_token != tokens.access_token
    assert fresh.refresh_token and fresh.refresh_token != tokens.refresh_token
    with pytest.raises(AuthRevoked, match="Invalid refresh token"):
        await SPOTIFY.refresh(w.settings, creds, w.http, tokens.refresh_token)
    again = await SPOTIFY.refresh(w.settings, creds, w.http, fresh.refresh_token)
    assert again.refresh_token not in (None, fresh.refresh_token)


async def test_oauth_refresh_without_rotation_keeps_the_refresh_token(world: World) -> None:
    world.fake.rotate_refresh = False
    creds = SPOTIFY.credentials(world.settings, None)
    fresh = await SPOTIFY.refresh(world.settings, creds, world.http, world.tokens.refresh)
    assert fresh.refresh_token == world.tokens.refresh
    assert fresh.access_token in world.fake.access_tokens


async def test_oauth_cancel_wrong_verifier_revoked(world: World) -> None:
    w = world
    creds = SPOTIFY.credentials(w.settings, None)
    auth, links, _ = await _consent(w)
    cancel = parse_qs(urlsplit(links["Cancel"]).query)
    assert cancel == {"error": ["access_denied"], "state": [auth.state]}

    code = parse_qs(urlsplit(links["Agree"]).query)["code"][0]
    with pytest.raises(AuthRevoked, match="code_verifier was incorrect"):
        await SPOTIFY.exchange(w.settings, creds, w.http, code, REDIRECT, "x" * 64)

    w.fake.revoke(w.tokens.refresh)
    with pytest.raises(AuthRevoked, match="Refresh token revoked"):
        await SPOTIFY.refresh(w.settings, creds, w.http, w.tokens.refresh)

    bad = AppCredentials("someone-else")
    with pytest.raises(ProviderError, match="invalid_client") as info:
        await SPOTIFY.refresh(w.settings, bad, w.http, w.tokens.refresh)
    assert not isinstance(info.value, AuthRevoked)


@pytest.mark.parametrize(
    ("change", "status", "needle"),
    [
        ({"client_id": "nobody"}, 400, "Invalid client"),
        ({"redirect_uri": "https://evil.example/cb"}, 400, "Invalid redirect URI"),
        (
            {"redirect_uri": "http://localhost:8765/connections/spotify/callback"},
            400,
            "Invalid redirect URI",
        ),
        ({"code_challenge_method": "plain"}, 302, "error=invalid_request"),
        ({"response_type": "token"}, 302, "error=unsupported_response_type"),
    ],
)
async def test_authorize_validates_its_parameters(
    world: World, change: dict[str, str], status: int, needle: str
) -> None:
    creds = SPOTIFY.credentials(world.settings, None)
    auth = SPOTIFY.authorization(world.settings, creds, REDIRECT)
    params = {k: v[0] for k, v in parse_qs(urlsplit(auth.url).query).items()} | change
    async with httpx.AsyncClient(follow_redirects=False) as browser:
        resp = await browser.get(world.server.url + "/authorize", params=params)
    got, text = resp.status_code, resp.text + resp.headers.get("location", "")
    assert got == status
    assert needle in text
    assert world.fake.codes == {}  # nothing issued


# --- reading -----------------------------------------------------------------------------------


async def test_me_is_read_once(world: World) -> None:
    client = world.client()
    me = await client.me()
    assert (me.id, me.name, me.country) == (USER, "Smedjan", None)
    assert me.url == f"https://open.spotify.com/user/{USER}"
    await client.me()
    assert world.fake.calls["GET /me"] == 1


async def test_playlists_every_page_with_owner_and_editable(world: World) -> None:
    f = world.fake
    own = [f.add_playlist(USER, f"Mine {i}", [str(i + 1)]) for i in range(55)]
    followed = f.add_playlist(USER, "Someone's", ["1", "2"], owner="other")
    shared = f.add_playlist(USER, "Shared", ["3"], owner="other", collaborative=True)
    got = await collect(world.client().playlists())
    assert [p.id for p in got] == [*own, followed, shared]
    assert f.calls["GET /me/playlists"] == 2  # 50 + 7
    by_id = {p.id: p for p in got}
    assert by_id[own[0]].name == "Mine 0"
    assert by_id[own[0]].editable and by_id[own[0]].owner_id == USER
    assert by_id[own[0]].track_count == 1
    assert by_id[own[0]].snapshot == f.playlists[own[0]].snapshot_id
    assert not by_id[followed].editable and by_id[followed].owner_id == "other"
    assert by_id[followed].track_count == 2
    assert by_id[shared].editable
    assert by_id[own[0]].url == f"https://open.spotify.com/playlist/{own[0]}"


async def test_playlist_details_and_fields(world: World) -> None:
    f = world.fake
    pid = f.add_playlist(USER, "Road trip", ["1", "2", "3"], description="Loud", public=True)
    pl = await world.client().playlist(pid)
    assert (pl.id, pl.name, pl.description) == (pid, "Road trip", "Loud")
    assert pl.track_count == 3 and pl.public is True and pl.editable
    assert pl.snapshot == f.playlists[pid].snapshot_id
    sent = [r for r in world.server.requests if r.url.path == f"/v1/playlists/{pid}"][-1]
    assert "items(total)" in sent.url.params["fields"]
    with pytest.raises(ProviderNotFound):
        await world.client().playlist("0" * 22)


async def test_playlist_tracks_every_page_in_order(world: World) -> None:
    f = world.fake
    keys = [str(i) for i in range(1, 121)]
    pid = f.add_playlist(USER, "Big", keys, locals_=("My Demo",), episodes=("Pod 1",))
    f.unplayable.add("5")
    got = await collect(world.client().playlist_tracks(pid))
    assert [t.id for t in got] == [
        f.track_id(k) for k in keys
    ]  # the local file and episode left out
    assert f.calls["GET /playlists/{id}/items"] == 3  # 50 + 50 + 22
    first = got[0]
    assert (first.title, first.artists, first.album) == ("Song 1", ("Artist 1",), "Album 1")
    assert first.duration == 181.0 and first.isrc == "USXX10000001"
    assert first.track_number == 2 and first.disc_number == 1
    assert first.url == f"https://open.spotify.com/track/{first.id}"
    assert first.image and first.available
    assert got[4].available is False  # is_playable false in the user's market
    sent = next(r for r in world.server.requests if r.url.path.endswith("/items"))
    assert sent.url.params["market"] == "from_token"


async def test_playlist_tracks_reads_the_legacy_track_key(world: World) -> None:
    world.fake.legacy_item_key = True
    pid = world.fake.add_playlist(USER, "Old", ["7", "8"])
    got = await collect(world.client().playlist_tracks(pid))
    assert [t.title for t in got] == ["Song 7", "Song 8"]


async def test_playlist_tracks_of_someone_elses_playlist_is_forbidden(world: World) -> None:
    pid = world.fake.add_playlist(USER, "Theirs", ["1"], owner="other")
    with pytest.raises(ProviderForbidden, match="Forbidden"):
        await collect(world.client().playlist_tracks(pid))


async def test_old_tracks_path_answers_403(world: World) -> None:
    pid = world.fake.add_playlist(USER, "Mine", ["1"])
    with pytest.raises(ProviderForbidden, match="Forbidden"):
        await world.client().http.json("GET", f"playlists/{pid}/tracks")


async def test_liked_tracks_every_page_newest_first(world: World) -> None:
    keys = [str(i) for i in range(1, 56)]
    world.fake.like(USER, keys)
    got = await collect(world.client().liked_tracks())
    assert [t.title for t in got] == [f"Song {k}" for k in reversed(keys)]
    assert world.fake.calls["GET /me/tracks"] == 2


async def test_search_with_field_filters_and_the_limit_cap(world: World) -> None:
    q = SearchQuery("bad guy", ("Billie Eilish",))
    assert search_q(q) == 'track:"bad guy" artist:"Billie Eilish"'
    got = await world.client().search_tracks(q, limit=25)
    assert [t.id for t in got] == [
        world.fake.track_id("bad-guy"),
        world.fake.track_id("bad-guy-remix"),
    ]
    sent = [r for r in world.server.requests if r.url.path == "/v1/search"][-1]
    assert sent.url.params["limit"] == "10"  # 25 asked, 10 allowed
    assert sent.url.params["type"] == "track"
    # the album narrows it; quotes in a title do not break the query
    got = await world.client().search_tracks(SearchQuery('bad "guy"', ("Billie",), "bad guy"))
    assert [t.id for t in got] == [world.fake.track_id("bad-guy-remix")]
    assert await world.client().search_tracks(SearchQuery("bad guy", ("Daniel Powter",))) == []


async def test_search_limit_above_ten_is_a_400(world: World) -> None:
    with pytest.raises(ProviderError, match="Invalid limit") as info:
        await world.client().http.json(
            "GET", "search", params={"q": "song", "type": "track", "limit": 11}
        )
    assert info.value.extra["upstream_status"] == 400


async def test_tracks_by_isrc_every_match(world: World) -> None:
    client = world.client()
    got = await client.tracks_by_isrc("USUM71900764")
    assert {t.id for t in got} == {
        world.fake.track_id("bad-guy"),
        world.fake.track_id("bad-guy-remix"),
    }
    assert all(t.isrc == "USUM71900764" for t in got)
    assert await client.tracks_by_isrc("ZZZZ00000000") == []
    sent = next(r for r in world.server.requests if r.url.path == "/v1/search")
    assert sent.url.params["q"] == "isrc:USUM71900764"


# --- writing -----------------------------------------------------------------------------------


async def test_create_playlist(world: World) -> None:
    client = world.client()
    pl = await client.create_playlist("From Tonearm", description="Moved", public=False)
    stored = world.fake.playlists[pl.id]
    assert (stored.owner, stored.name, stored.description, stored.public) == (
        USER,
        "From Tonearm",
        "Moved",
        False,
    )
    assert pl.name == "From Tonearm" and pl.editable and pl.public is False
    assert pl.snapshot == stored.snapshot_id and pl.track_count == 0
    assert world.fake.library[USER][0] == pl.id
    assert world.fake.bodies[-1] == (
        "POST /me/playlists",
        {"name": "From Tonearm", "public": False, "description": "Moved"},
    )


async def test_add_tracks_in_batches_of_100_in_order(world: World) -> None:
    f = world.fake
    pid = f.add_playlist(USER, "Target", [])
    keys = [str(i) for i in range(1, 251)]
    await world.client().add_tracks(pid, [f.track_id(k) for k in keys])
    assert f.entries(pid) == keys
    sizes = [len(b["uris"]) for name, b in f.bodies if name == "POST /playlists/{id}/items"]
    assert sizes == [100, 100, 50]
    assert len(set(f.playlists[pid].snapshots)) == 4  # created + one per write


async def test_add_more_than_100_in_one_request_is_a_400(world: World) -> None:
    f = world.fake
    pid = f.add_playlist(USER, "Target", [])
    uris = [f.track_uri(str(i)) for i in range(1, 102)]
    with pytest.raises(ProviderError, match="maximum of 100"):
        await world.client().http.call("POST", f"playlists/{pid}/items", json={"uris": uris})
    assert f.entries(pid) == []


async def test_add_tracks_partial_failure_keeps_the_batches_before(world: World) -> None:
    f = world.fake
    pid = f.add_playlist(USER, "Target", [])
    ids = [f.track_id(str(i)) for i in range(1, 151)]
    ids[120] = "0" * 22  # unknown: the second request fails as a whole
    with pytest.raises(ProviderError, match="Invalid track uri") as info:
        await world.client().add_tracks(pid, ids)
    assert info.value.extra["upstream_status"] == 400
    assert f.entries(pid) == [str(i) for i in range(1, 101)]


async def test_add_to_someone_elses_playlist_is_forbidden(world: World) -> None:
    pid = world.fake.add_playlist(USER, "Theirs", [], owner="other")
    with pytest.raises(ProviderForbidden):
        await world.client().add_tracks(pid, [world.fake.track_id("1")])


async def test_remove_tracks_every_occurrence(world: World) -> None:
    f = world.fake
    pid = f.add_playlist(USER, "Dupes", ["1", "2", "1", "3", "2"])
    before = f.playlists[pid].snapshot_id
    await world.client().remove_tracks(pid, [f.track_id("1"), f.track_id("2")])
    assert f.entries(pid) == ["3"]
    assert f.playlists[pid].snapshot_id != before
    name, body = f.bodies[-1]
    assert name == "DELETE /playlists/{id}/items"
    assert body == {"items": [{"uri": f.track_uri("1")}, {"uri": f.track_uri("2")}]}


async def test_remove_tracks_in_batches(world: World) -> None:
    f = world.fake
    keys = [str(i) for i in range(1, 131)]
    pid = f.add_playlist(USER, "Big", [*keys, "200"])
    await world.client().remove_tracks(pid, [f.track_id(k) for k in keys])
    assert f.entries(pid) == ["200"]
    assert f.calls["DELETE /playlists/{id}/items"] == 2


# --- rate limits, tokens, failures -------------------------------------------------------------


async def test_429_is_waited_out_and_retried(world: World) -> None:
    world.fake.rate_limited = 2
    client = world.client()
    me = await client.me()
    assert me.id == USER
    assert world.fake.calls["GET /me"] == 3 and world.fake.throttled == 2


async def test_throttle_every_third_request_while_paging(world: World) -> None:
    f = world.fake
    keys = [str(i) for i in range(1, 201)]
    pid = f.add_playlist(USER, "Big", keys)
    f.throttle_every = 3
    got = await collect(world.client().playlist_tracks(pid))
    assert [t.title for t in got] == [f"Song {k}" for k in keys]
    assert f.throttled >= 1
    assert f.calls["GET /playlists/{id}/items"] == 4 + f.throttled


async def test_429_beyond_max_wait_raises_rate_limited(world: World) -> None:
    world.fake.rate_limited = 1
    world.fake.throttle_retry_after = "120"
    with pytest.raises(RateLimited, match="API rate limit exceeded") as info:
        await world.client().me()
    assert info.value.retry_after == 120
    assert world.fake.calls["GET /me"] == 1


async def test_quota_exceeded_is_a_rate_limit(world: World) -> None:
    world.fake.quota_exceeded = True
    with pytest.raises(RateLimited, match="Too many requests") as info:
        await world.client().search_tracks(SearchQuery("song"))
    assert info.value.retry_after == 3600
    assert world.fake.calls["GET /search"] == 1


async def test_expired_token_is_refreshed_once_and_the_call_repeated(world: World) -> None:
    w = world
    old_refresh = w.tokens.refresh
    w.fake.expire()
    me = await w.client().me()
    assert me.id == USER
    assert w.tokens.calls == [False, True]
    assert w.tokens.refresh != old_refresh  # rotated through the real refresh
    assert w.fake.calls["GET /me"] == 2
    assert w.fake.calls["POST /api/token"] == 1


async def test_revoked_refresh_token_asks_to_reconnect(world: World) -> None:
    world.fake.revoke()
    with pytest.raises(AuthRevoked, match="Refresh token revoked"):
        await world.client().me()
    assert world.tokens.calls == [False, True]


async def test_a_second_401_is_auth_expired(world: World) -> None:
    w = world
    stale = w.tokens.access

    async def stuck(force: bool) -> str:
        w.tokens.calls.append(force)
        return stale

    w.fake.expire()
    client = SPOTIFY.client(w.settings, w.http, stuck)
    with pytest.raises(AuthExpired, match="The access token expired"):
        await client.me()
    assert w.tokens.calls == [False, True]
    assert w.fake.calls["GET /me"] == 2


async def test_5xx_is_retried_for_gets(world: World) -> None:
    world.fake.server_errors = 2
    got = await world.client().tracks_by_isrc("GBAHT0500123")
    assert [t.title for t in got] == ["Bad Day"]
    assert world.fake.calls["GET /search"] == 3


async def test_5xx_is_not_retried_for_posts(world: World) -> None:
    f = world.fake
    pid = f.add_playlist(USER, "Target", [])
    f.server_errors = 1
    with pytest.raises(ProviderUnavailable, match="Service unavailable"):
        await world.client().add_tracks(pid, [f.track_id("1")])
    assert f.calls["POST /playlists/{id}/items"] == 1
    f.server_errors = 1
    with pytest.raises(ProviderUnavailable):
        await world.client().create_playlist("x")
    assert f.calls["POST /me/playlists"] == 1


async def test_lost_answer_retried_for_get_not_for_post(world: World) -> None:
    f = world.fake
    f.drop_answers = 1
    assert (await world.client().me()).id == USER
    assert f.calls["GET /me"] == 2
    pid = f.add_playlist(USER, "Target", [])
    f.drop_answers = 1
    with pytest.raises(ProviderUnavailable):
        await world.client().add_tracks(pid, [f.track_id("1")])
    assert f.calls["POST /playlists/{id}/items"] == 1


async def test_no_token_and_unknown_token(world: World) -> None:
    async def bogus(force: bool) -> str:
        return "not-a-token"

    with pytest.raises(AuthExpired, match="Invalid access token"):
        await SPOTIFY.client(world.settings, world.http, bogus).me()
    resp = await world.http.request("GET", world.server.url + "/v1/me")
    assert resp.status_code == 401
    assert resp.json() == {"error": {"status": 401, "message": "No token provided"}}


def test_service_configuration() -> None:
    assert SPOTIFY.slug == "spotify" and SPOTIFY.own_app
    assert SPOTIFY.capabilities == {
        "search",
        "isrc",
        "playlists_read",
        "liked_read",
        "playlists_write",
    }
    assert not SPOTIFY.configured(Settings())
    s = Settings(spotify={"client_id": "abc"})
    assert SPOTIFY.configured(s)
    own = AppCredentials("mine")
    assert SPOTIFY.credentials(s, own) == own
    app = SPOTIFY.oauth_app(s, own)
    assert app.token_url == "https://accounts.spotify.com/api/token"
    assert app.client_secret is None and app.pkce


async def test_client_satisfies_the_capability_protocols(world: World) -> None:
    client = world.client()
    for cap in SPOTIFY.capabilities:
        proto = providers.CAPABILITY_PROTOCOLS.get(cap)
        if proto is not None:
            assert isinstance(client, proto), cap


def test_mapping_leaves_out_episodes_shaped_as_tracks() -> None:
    from tonearm.providers.spotify import mapping

    legacy_episode = {
        "type": "track",
        "episode": True,
        "track": False,
        "id": "512ojhOuo1ktJprKbVcKyQ",
        "uri": "spotify:episode:512ojhOuo1ktJprKbVcKyQ",
        "name": "Pod 1",
        "artists": [{"name": "A show", "type": "show"}],
        "album": {"album_type": "show", "name": "A show"},
    }
    assert mapping.playlist_item({"is_local": False, "item": legacy_episode}) is None
    assert mapping.track({**legacy_episode, "episode": None}) is None  # the URI says episode
    real = {**legacy_episode, "episode": False, "uri": "spotify:track:x", "id": "x"}
    assert mapping.track(real) is not None
    assert mapping.playlist_item({"is_local": True, "item": {"id": None}}) is None
    assert mapping.playlist_item({"item": None, "track": None}) is None


async def test_a_429_after_the_refresh_does_not_refresh_again(world: World) -> None:
    world.fake.expire()
    world.fake.throttle_every = 2  # the first request: 401; the repeat: 429; then 200
    assert (await world.client().me()).id == USER
    assert world.fake.calls["POST /api/token"] == 1


async def test_own_app_flow_binds_the_tokens_to_that_app(world: World) -> None:
    w = world
    w.fake.apps["users-own-app"] = ["http://127.0.0.1/connections/spotify/callback"]
    own = AppCredentials("users-own-app")
    creds = SPOTIFY.credentials(w.settings, own)
    assert creds == own
    auth = SPOTIFY.authorization(w.settings, creds, REDIRECT)
    assert parse_qs(urlsplit(auth.url).query)["client_id"] == ["users-own-app"]
    page = await w.http.request("GET", auth.url)
    code = parse_qs(urlsplit(_links(page.text)["Agree"]).query)["code"][0]
    tokens = await SPOTIFY.exchange(w.settings, creds, w.http, code, REDIRECT, auth.verifier)
    assert w.fake.access_tokens[tokens.access_token].client_id == "users-own-app"
    assert tokens.refresh_token is not None
    operator = SPOTIFY.credentials(w.settings, None)
    with pytest.raises(AuthRevoked, match="Invalid refresh token"):
        await SPOTIFY.refresh(w.settings, operator, w.http, tokens.refresh_token)


async def test_exchange_with_another_redirect_uri_is_refused(world: World) -> None:
    w = world
    creds = SPOTIFY.credentials(w.settings, None)
    auth, links, _ = await _consent(w)
    code = parse_qs(urlsplit(links["Agree"]).query)["code"][0]
    other = "http://127.0.0.1:9999/connections/spotify/callback"
    with pytest.raises(AuthRevoked, match="Invalid redirect URI"):
        await SPOTIFY.exchange(w.settings, creds, w.http, code, other, auth.verifier)


async def test_short_lived_token_expires_and_is_refreshed(world: World) -> None:
    w = world
    w.fake.expires_in = 0  # the knob: tokens that are already out of date
    w.tokens.access, w.tokens.refresh = w.fake.issue_tokens(USER)
    w.fake.expires_in = 3600
    assert (await w.client().me()).id == USER
    assert w.tokens.calls == [False, True]
    first = w.server.requests[0]
    assert first.headers["authorization"] != w.server.requests[-1].headers["authorization"]


async def test_concurrent_calls_share_the_pace_through_429s(world: World) -> None:
    import asyncio

    world.fake.throttle_every = 4
    client = world.client()
    isrcs = [f"USXX1{i:07d}" for i in range(1, 25)]
    results = await asyncio.gather(*(client.tracks_by_isrc(i) for i in isrcs))
    assert [[t.isrc for t in r] for r in results] == [[i] for i in isrcs]
    assert world.fake.throttled >= 5
    assert world.fake.calls["GET /search"] == 24 + world.fake.throttled


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("me/playlists", {"limit": 51}),
        ("me/tracks", {"limit": 51}),
        ("search", {"q": "song", "type": "track", "limit": -1}),
        ("search", {"q": "song", "type": "bogus"}),
        ("search", {"type": "track"}),
    ],
)
async def test_fake_refuses_what_spotify_refuses(
    world: World, path: str, params: dict[str, Any]
) -> None:
    with pytest.raises(ProviderError) as info:
        await world.client().http.json("GET", path, params=params)
    assert info.value.extra["upstream_status"] == 400


async def test_items_limit_above_50_and_missing_name_are_400(world: World) -> None:
    pid = world.fake.add_playlist(USER, "Mine", ["1"])
    client = world.client()
    with pytest.raises(ProviderError, match="Invalid limit"):
        await client.http.json("GET", f"playlists/{pid}/items", params={"limit": 100})
    with pytest.raises(ProviderError, match="name"):
        await client.http.json("POST", "me/playlists", json={"public": False})
    with pytest.raises(ProviderError, match="No uris provided"):  # the pre-2026 body key
        await client.http.call(
            "DELETE", f"playlists/{pid}/items", json={"tracks": [{"uri": "spotify:track:x"}]}
        )


async def test_collaborative_playlist_reads_and_writes(world: World) -> None:
    f = world.fake
    pid = f.add_playlist(USER, "Shared", ["1"], owner="other", collaborative=True)
    client = world.client()
    assert (await client.playlist(pid)).editable
    await client.add_tracks(pid, [f.track_id("2")])
    assert [t.title for t in await collect(client.playlist_tracks(pid))] == ["Song 1", "Song 2"]


async def test_delete_is_retried_after_a_5xx(world: World) -> None:
    f = world.fake
    pid = f.add_playlist(USER, "Mine", ["1", "2"])
    f.server_errors = 1
    await world.client().remove_tracks(pid, [f.track_id("1")])
    assert f.entries(pid) == ["2"]
    assert f.calls["DELETE /playlists/{id}/items"] == 2


async def test_unknown_playlist_items_are_not_found(world: World) -> None:
    with pytest.raises(ProviderNotFound, match="Resource not found"):
        await collect(world.client().playlist_tracks("0" * 22))


# --- app-only (client credentials) ---------------------------------------------------------


async def test_app_only_search_uses_client_credentials(world: World) -> None:
    settings = world.settings.model_copy(
        update={
            "spotify": world.settings.spotify.model_copy(
                update={"client_secret": SecretStr("tonearm-test-secret")}
            )
        }
    )
    app = SPOTIFY.client(settings, world.http, None)
    found = await app.tracks_by_isrc("GBAHT0500123")
    assert [t.title for t in found] == ["Bad Day"]
    assert world.fake.calls["POST /api/token"] == 1
    await app.search_tracks(SearchQuery("bad guy"))
    assert world.fake.calls["POST /api/token"] == 1  # the app token is kept and reused
    wrong = world.settings.model_copy(
        update={
            "spotify": world.settings.spotify.model_copy(
                update={"client_secret": SecretStr("not-it")}
            )
        }
    )
    with pytest.raises(ProviderError):
        await SPOTIFY.client(wrong, world.http, None).tracks_by_isrc("GBAHT0500123")
    with pytest.raises(ProviderUnsupported):  # no secret: no app-only access
        SPOTIFY.client(world.settings, world.http, None)


def test_a_search_by_artist_alone_sends_no_empty_track_filter() -> None:
    from tonearm.providers.spotify.client import search_q

    assert search_q(SearchQuery("", ("Blondie",))) == 'artist:"Blondie"'
    assert search_q(SearchQuery("Heart", ("Blondie",))) == 'track:"Heart" artist:"Blondie"'

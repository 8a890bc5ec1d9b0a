"""The TIDAL client over real HTTP against `tests.fakes.tidal.FakeTidal` (API, login page and
token endpoint on one port)."""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fakes.catalog import FakeCatalog, FakeTrack
from tests.fakes.server import FakeServer
from tests.fakes.tidal import Entry, FakeTidal, FakeUser
from tonearm.config import Settings
from tonearm.kit.http import GuardedClient, GuardedResponse
from tonearm.providers import (
    AuthExpired,
    AuthRevoked,
    IsrcLookup,
    LikedReader,
    PlaylistReader,
    PlaylistWriter,
    ProviderError,
    ProviderForbidden,
    ProviderNotConfigured,
    ProviderNotFound,
    ProviderUnavailable,
    RateLimited,
    SearchQuery,
    ServiceHttp,
    TrackSearcher,
    get,
    http_client,
    shared_pace,
)
from tonearm.providers.oauth import challenge
from tonearm.providers.tidal import SCOPES, SERVICE
from tonearm.providers.tidal.client import (
    JSONAPI,
    TidalClient,
    TracksSkipped,
    bucket_wait,
    classify,
)
from tonearm.providers.tidal.mapping import duration

REDIRECT = "https://tonearm.example/connections/tidal/callback"


def make_catalog(n: int = 130) -> FakeCatalog:
    catalog = FakeCatalog()
    for i in range(1, n + 1):
        catalog.add(
            f"Song {i}",
            [f"Artist {i % 7}", "Guest"] if i % 10 == 0 else [f"Artist {i % 7}"],
            album=f"Album {i % 5}",
            duration=180 + i,
            isrc=f"USAB1{i:07d}",
        )
    catalog.add("Hello", ["Adele"], album="25", duration=295, isrc="GBBKS1500214")
    catalog.add("Hello (Live)", ["Adele"], album="Live", duration=301, isrc="GBBKS1500999")
    catalog.add("Hello Goodbye", ["The Beatles"], album="MMT", duration=207, isrc="GBAYE0601648")
    # one recording filed twice (an album and a single)
    catalog.add("Twice", ["Dup"], album="LP", duration=200, isrc="QMJMT1701237")
    catalog.add("Twice", ["Dup"], album="Single", duration=200, isrc="QMJMT1701237")
    return catalog


@dataclass
class Env:
    fake: FakeTidal
    server: FakeServer
    http: GuardedClient
    settings: Settings
    user: FakeUser
    tokens: Tokens

    def client(self, **kw: Any) -> TidalClient:
        client: TidalClient = SERVICE.client(self.settings, self.http, self.tokens, **kw)
        return client

    def track(self, key: int) -> FakeTrack:
        found = self.fake.catalog.get(str(key))
        assert found is not None
        return found

    def tid(self, key: int) -> str:
        return self.fake.track_id(self.track(key))


@dataclass
class Tokens:
    """A connection's token source: hands out its access token; on force_refresh, refreshes
    at the fake's token endpoint as the connection would."""

    env: Any
    access: str
    refresh: str | None
    calls: list[bool] = field(default_factory=list)

    async def __call__(self, force_refresh: bool) -> str:
        self.calls.append(force_refresh)
        if force_refresh:
            assert self.refresh is not None
            creds = SERVICE.credentials(self.env.settings, None)
            got = await SERVICE.refresh(self.env.settings, creds, self.env.http, self.refresh)
            self.access, self.refresh = got.access_token, got.refresh_token
        return self.access


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    fake = FakeTidal(make_catalog())
    user = fake.add_user("ana", country="NO", email="ana@example.com")
    async with FakeServer(fake) as server:
        settings = Settings(tidal=fake.settings(server.url), http_allow_hosts=[server.host])
        async with http_client(allow_hosts=[server.host]) as http:
            e = Env(fake, server, http, settings, user, None)  # type: ignore[arg-type]
            access, refresh = fake.issue_token(user, scope=" ".join(SCOPES))
            e.tokens = Tokens(e, access, refresh)
            shared_pace("tidal").cool_down(0)
            yield e


def api_requests(env: Env, path_part: str) -> list[Any]:
    return [r for r in env.server.requests if "/v2/" in r.url.path and path_part in r.url.path]


# --- the service ---------------------------------------------------------------------------


def test_service_entry() -> None:
    assert get("tidal") is SERVICE
    assert SERVICE.name == "TIDAL" and SERVICE.kind == "streaming"
    assert SERVICE.capabilities == {
        "search",
        "isrc",
        "playlists_read",
        "liked_read",
        "playlists_write",
    }
    assert not SERVICE.configured(Settings())
    settings = Settings(tidal={"client_id": "abc"})
    assert SERVICE.configured(settings)
    auth = SERVICE.authorization(settings, SERVICE.credentials(settings, None), REDIRECT)
    parts = urlsplit(auth.url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://login.tidal.com/authorize"
    assert q["client_id"] == "abc" and q["response_type"] == "code"
    assert q["redirect_uri"] == REDIRECT and q["state"] == auth.state
    assert q["code_challenge_method"] == "S256"
    assert auth.verifier and q["code_challenge"] == challenge(auth.verifier)
    assert set(q["scope"].split()) == {
        "user.read",
        "collection.read",
        "playlists.read",
        "playlists.write",
        "search.read",
    }
    oauth = SERVICE.oauth_app(settings, SERVICE.credentials(settings, None))
    assert oauth.token_url == "https://auth.tidal.com/v1/oauth2/token"


async def test_client_has_every_capability(env: Env) -> None:
    client = env.client()
    for proto in (TrackSearcher, IsrcLookup, PlaylistReader, LikedReader, PlaylistWriter):
        assert isinstance(client, proto)
    assert client.add_batch == 50


# --- OAuth, end to end -----------------------------------------------------------------------


def _links(page: str) -> dict[str, str]:
    return {
        m.group(1): html.unescape(m.group(2))
        for m in re.finditer(r'<a id="(\w+)" href="([^"]+)"', page)
    }


async def test_oauth_flow_end_to_end(env: Env) -> None:
    creds = SERVICE.credentials(env.settings, None)
    auth = SERVICE.authorization(env.settings, creds, REDIRECT)
    page = await env.http.request("GET", auth.url)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "Continue" in page.text and "ana" in page.text
    links = _links(page.text)
    allow = parse_qs(urlsplit(links["allow"]).query)
    deny = parse_qs(urlsplit(links["deny"]).query)
    assert links["allow"].startswith(REDIRECT + "?")
    assert allow["state"] == [auth.state] and deny["state"] == [auth.state]
    assert deny["error"] == ["access_denied"] and "code" not in deny

    code = allow["code"][0]
    tokens = await SERVICE.exchange(env.settings, creds, env.http, code, REDIRECT, auth.verifier)
    assert tokens.access_token in env.fake.tokens and tokens.refresh_token
    assert tokens.expires_at is not None
    assert set((tokens.scope or "").split()) == set(SCOPES)
    # PKCE: the token request carried the verifier and the client id, no secret
    form = parse_qs(env.server.requests[-1].content.decode())
    assert form["code_verifier"] == [auth.verifier] and form["client_id"] == [creds.client_id]
    assert "client_secret" not in form and "authorization" not in env.server.requests[-1].headers

    async def source(force: bool) -> str:
        return tokens.access_token

    who = await SERVICE.whoami(env.settings, env.http, source)
    assert (who.id, who.name, who.country) == (env.user.id, "ana", "NO")

    # a code is good once
    with pytest.raises(AuthRevoked):
        await SERVICE.exchange(env.settings, creds, env.http, code, REDIRECT, auth.verifier)

    # refresh: a new access token, the refresh token kept (TIDAL does not rotate it)
    assert tokens.refresh_token is not None
    fresh = await SERVICE.refresh(env.settings, creds, env.http, tokens.refresh_token)
    assert fresh.access_token != tokens.access_token
    assert fresh.refresh_token == tokens.refresh_token
    assert env.fake.tokens[fresh.access_token].user == env.user.id

    # a revoked refresh token: reconnect
    env.fake.revoke(tokens.refresh_token)
    with pytest.raises(AuthRevoked):
        await SERVICE.refresh(env.settings, creds, env.http, tokens.refresh_token)


async def test_oauth_wrong_verifier_and_redirect_refused(env: Env) -> None:
    creds = SERVICE.credentials(env.settings, None)
    for verifier, redirect in (("x" * 64, REDIRECT), (None, REDIRECT), (None, REDIRECT + "/x")):
        auth = SERVICE.authorization(env.settings, creds, REDIRECT)
        page = await env.http.request("GET", auth.url)
        code = parse_qs(urlsplit(_links(page.text)["allow"]).query)["code"][0]
        with pytest.raises(AuthRevoked):
            await SERVICE.exchange(
                env.settings, creds, env.http, code, redirect, verifier or "y" * 64
            )
    assert env.fake.counts["POST /token"] == 3


async def test_login_page_refuses_a_request_without_pkce(env: Env) -> None:
    url = env.settings.tidal.login_url + "/authorize"
    resp = await env.http.request(
        "GET",
        url,
        params={"client_id": "tidal-client", "response_type": "code", "redirect_uri": REDIRECT},
    )
    assert resp.status_code == 400 and "PKCE" in resp.text


# --- reading ---------------------------------------------------------------------------------


async def test_me(env: Env) -> None:
    client = env.client()
    me = await client.me()
    assert (me.id, me.name, me.country) == (env.user.id, "ana", "NO")
    await client.me()
    assert env.fake.counts["GET /users/{id}"] == 1  # kept
    assert env.server.requests[-1].headers["accept"] == JSONAPI


@pytest.mark.parametrize("absolute", [False, True])
async def test_playlists_every_page_own_then_followed(env: Env, absolute: bool) -> None:
    env.fake.absolute_links = absolute
    own = [env.fake.add_playlist(env.user, f"Mine {i}", access="UNLISTED") for i in range(23)]
    other = env.fake.add_user("bo")
    followed = env.fake.add_playlist(other, "Theirs", [env.track(1)])
    env.fake.add_playlist(other, "Hidden", access="PRIVATE")
    env.fake.follow(env.user, followed)

    got = [p async for p in env.client().playlists()]
    assert [p.id for p in got] == [p.id for p in own] + [followed.id]
    assert all(p.editable and p.owner_id == env.user.id for p in got[:-1])
    assert got[-1].editable is False and got[-1].owner_id == other.id
    assert got[-1].track_count == 1 and got[-1].public is True
    assert got[0].public is False
    assert env.fake.counts["GET /playlists"] == 2  # 23 own: two pages of 20
    nxt = api_requests(env, "/v2/playlists")[1]
    assert "page[cursor]" in nxt.url.params and nxt.url.params["filter[owners.id]"] == "me"


async def test_playlist(env: Env) -> None:
    pl = env.fake.add_playlist(
        env.user, "Road", [env.track(1), env.track(2)], description="for the car"
    )
    got = await env.client().playlist(pl.id)
    assert (got.id, got.name, got.description, got.track_count) == (
        pl.id,
        "Road",
        "for the car",
        2,
    )
    assert got.owner_id == env.user.id and got.editable and got.public is True
    assert got.snapshot == pl.modified.isoformat().replace("+00:00", "Z")
    assert got.url == f"https://tidal.com/browse/playlist/{pl.id}"
    with pytest.raises(ProviderNotFound):
        await env.client().playlist("00000000-0000-0000-0000-000000000000")


@pytest.mark.parametrize("absolute", [False, True])
async def test_playlist_tracks_every_page_with_included_metadata(env: Env, absolute: bool) -> None:
    env.fake.absolute_links = absolute
    keys = list(range(1, 46))
    pl = env.fake.add_playlist(env.user, "Big", [env.track(k) for k in keys])
    pl.entries.insert(3, Entry("vid-entry", "555", pl.created, type="videos"))  # left out
    got = [t async for t in env.client().playlist_tracks(pl.id)]
    assert [t.id for t in got] == [env.tid(k) for k in keys]
    tenth = got[9]
    assert tenth.title == "Song 10" and tenth.artists == ("Artist 3", "Guest")
    assert tenth.album == "Album 0" and tenth.isrc == "USAB10000010"
    assert tenth.duration == 190.0  # "PT3M10S"
    assert tenth.url == f"https://tidal.com/browse/track/{env.tid(10)}"
    pages = api_requests(env, "/relationships/items")
    assert len(pages) == 3  # 46 entries, 20 a page
    assert pages[0].url.params["include"] == "items.artists,items.albums"
    assert pages[0].url.params["countryCode"] == "NO"  # the user's, from users/me
    # the next links were followed as given (they carry the include and the cursor)
    assert all("page[cursor]" in p.url.params and "include" in p.url.params for p in pages[1:])


async def test_pages_without_included_tracks_are_completed_by_id(env: Env) -> None:
    env.fake.next_keeps_include = False
    keys = list(range(1, 31))
    pl = env.fake.add_playlist(env.user, "Big", [env.track(k) for k in keys])
    pl.entries.append(Entry("gone", "80000001", pl.created))  # TIDAL no longer has it
    got = [t async for t in env.client(country="US").playlist_tracks(pl.id)]
    assert [t.id for t in got] == [env.tid(k) for k in keys]
    assert got[-1].title == "Song 30" and got[-1].artists == ("Artist 2", "Guest")
    lookups = api_requests(env, "/v2/tracks")
    assert len(lookups) == 1  # the second page's 10 tracks (+ the gone one), by id
    assert len(lookups[0].url.params.get_list("filter[id]")) == 11


async def test_liked_tracks_every_page(env: Env) -> None:
    env.fake.like(env.user, [env.track(k) for k in range(100, 131)])
    got = [t async for t in env.client().liked_tracks()]
    assert [t.id for t in got] == [env.tid(k) for k in range(100, 131)]
    assert got[0].title == "Song 100" and got[0].artists == ("Artist 2", "Guest")
    assert env.fake.counts["GET /userCollectionTracks/{id}/relationships/items"] == 2


async def test_tracks_by_isrc(env: Env) -> None:
    client = env.client(country="SE")
    twice = await client.tracks_by_isrc("qmjmt1701237")
    assert [t.album for t in twice] == ["LP", "Single"]
    assert {t.isrc for t in twice} == {"QMJMT1701237"}
    req = api_requests(env, "/v2/tracks")[-1]
    assert req.url.params["filter[isrc]"] == "QMJMT1701237"
    assert req.url.params["countryCode"] == "SE"  # the given country, no users/me
    assert env.fake.counts["GET /users/{id}"] == 0
    assert await client.tracks_by_isrc("XXXX00000000") == []


async def test_tracks_by_isrc_pages(env: Env) -> None:
    env.fake.page_size = 2
    for album in ("A", "B", "C", "D", "E"):
        env.fake.catalog.add("Same", ["Dup"], album=album, duration=100, isrc="ZZZZ11111111")
    got = await env.client().tracks_by_isrc("ZZZZ11111111")
    assert [t.album for t in got] == ["A", "B", "C", "D", "E"]
    assert env.fake.counts["GET /tracks"] == 3


async def test_tracks_by_isrcs_asks_several_in_one_request(env: Env) -> None:
    for i in range(5):
        env.fake.catalog.add(f"Batch {i}", ["Many"], duration=100, isrc=f"ZZBAT{i:07d}")
    before = env.fake.counts["GET /tracks"]
    got = await env.client(country="US").tracks_by_isrcs([f"zzbat{i:07d}" for i in range(5)])
    assert sorted(t.isrc or "" for t in got) == [f"ZZBAT{i:07d}" for i in range(5)]
    assert env.fake.counts["GET /tracks"] == before + 1
    req = api_requests(env, "/v2/tracks")[-1]
    assert req.url.params.get_list("filter[isrc]") == [f"ZZBAT{i:07d}" for i in range(5)]


async def test_search(env: Env) -> None:
    client = env.client()
    got = await client.search_tracks(SearchQuery("Hello", ("Adele",)), limit=5)
    assert [t.title for t in got] == ["Hello", "Hello (Live)"]
    assert got[0].artists == ("Adele",) and got[0].album == "25"
    assert got[0].duration == 295.0 and got[0].isrc == "GBBKS1500214"
    req = api_requests(env, "/v2/searchResults")[-1]
    assert req.url.params["filter[query]"] == "Hello Adele"
    assert req.url.params["include"] == "tracks.artists,tracks.albums"
    one = await client.search_tracks(SearchQuery("Hello"), limit=1)
    assert [t.title for t in one] == ["Hello"]
    assert await client.search_tracks(SearchQuery("nothing matches this")) == []


# --- writing ---------------------------------------------------------------------------------


async def test_create_playlist(env: Env) -> None:
    client = env.client()
    made = await client.create_playlist("Moved", description="from Spotify")
    stored = env.fake.playlists[made.id]
    assert (stored.name, stored.description, stored.access) == (
        "Moved",
        "from Spotify",
        "UNLISTED",
    )
    assert stored.owner == env.user.id
    assert made.editable and made.owner_id == env.user.id and made.public is False
    assert made.track_count == 0
    post = next(r for r in api_requests(env, "/v2/playlists") if r.method == "POST")
    assert post.headers["content-type"] == JSONAPI and post.headers["idempotency-key"]
    public = await client.create_playlist("Open", public=True)
    assert env.fake.playlists[public.id].access == "PUBLIC" and public.public is True
    assert (await client.playlist(made.id)).editable


async def test_add_tracks_in_batches_of_50(env: Env) -> None:
    pl = env.fake.add_playlist(env.user, "Target")
    ids = [env.tid(k) for k in range(1, 121)]
    await env.client().add_tracks(pl.id, ids)
    assert env.fake.playlist_track_ids(pl) == ids
    posts = [r for r in api_requests(env, "/relationships/items") if r.method == "POST"]
    sizes = [len(json.loads(r.content)["data"]) for r in posts]
    assert sizes == [50, 50, 20]
    assert json.loads(posts[0].content)["data"][0] == {"id": ids[0], "type": "tracks"}


async def test_add_tracks_reports_skipped(env: Env) -> None:
    pl = env.fake.add_playlist(env.user, "Target")
    ids = [env.tid(k) for k in range(1, 61)]
    env.fake.unavailable = {ids[5], ids[55]}
    wanted = [*ids[:30], "999999999", *ids[30:]]
    with pytest.raises(TracksSkipped) as info:
        await env.client().add_tracks(pl.id, wanted)
    assert info.value.skipped == [
        (ids[5], "NOT_FOUND"),
        ("999999999", "NOT_FOUND"),
        (ids[55], "NOT_FOUND"),
    ]
    assert info.value.added == 58
    assert [s["id"] for s in info.value.extra["skipped"]] == [ids[5], "999999999", ids[55]]
    # every batch was sent; the rest were added, in order
    assert env.fake.playlist_track_ids(pl) == [i for i in ids if i not in (ids[5], ids[55])]


async def test_remove_tracks(env: Env) -> None:
    keys = [*range(1, 61), 1, 2, 3]  # 1..3 twice
    pl = env.fake.add_playlist(env.user, "Target", [env.track(k) for k in keys])
    remove = [env.tid(k) for k in range(1, 56)]  # 58 entries: two DELETEs
    await env.client().remove_tracks(pl.id, remove)
    assert env.fake.playlist_track_ids(pl) == [env.tid(k) for k in range(56, 61)]
    deletes = [r for r in api_requests(env, "/relationships/items") if r.method == "DELETE"]
    bodies = [json.loads(r.content)["data"] for r in deletes]
    assert [len(b) for b in bodies] == [50, 8]
    assert all(d["meta"]["itemId"] and d["type"] == "tracks" for d in bodies[0])
    await env.client().remove_tracks(pl.id, ["424242"])  # not there: nothing sent
    assert len([r for r in env.server.requests if r.method == "DELETE"]) == 2


async def test_writing_to_someone_elses_playlist_is_forbidden(env: Env) -> None:
    other = env.fake.add_user("bo")
    pl = env.fake.add_playlist(other, "Theirs")
    with pytest.raises(ProviderForbidden):
        await env.client().add_tracks(pl.id, [env.tid(1)])
    assert pl.entries == []


async def test_lost_answer_of_an_add_is_repeated_without_duplicates(env: Env) -> None:
    pl = env.fake.add_playlist(env.user, "Target")
    env.fake.lose_answers = 1
    ids = [env.tid(k) for k in (1, 2, 3)]
    await env.client().add_tracks(pl.id, ids)
    assert env.fake.playlist_track_ids(pl) == ids  # the replay, not a second add
    posts = [r for r in api_requests(env, "/relationships/items") if r.method == "POST"]
    assert len(posts) == 2
    assert posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]


# --- rate limits, tokens, failures ---------------------------------------------------------


async def test_429_retry_after_honoured(env: Env) -> None:
    env.fake.throttle_every = 2
    env.fake.throttle_retry_after = "0"
    env.fake.like(env.user, [env.track(k) for k in range(1, 51)])
    client = env.client()
    got = [t async for t in client.liked_tracks()]
    assert [t.id for t in got] == [env.tid(k) for k in range(1, 51)]
    assert env.fake.throttled >= 2
    # users/me is not needed for the collection: 3 pages, each throttled one time in two
    assert client.http.requests == 3 + env.fake.throttled


async def test_429_without_retry_after_waits_for_the_bucket(env: Env) -> None:
    env.fake.throttle_every = 1
    env.fake.throttle_retry_after = None
    env.fake.replenish_rate = "1000"
    client = env.client(country="US")
    with pytest.raises(RateLimited):  # every request refused: gives up after `attempts`
        await client.tracks_by_isrc("GBBKS1500214")
    assert env.fake.throttled == client.http.attempts
    env.fake.throttle_every = 3
    got = await client.tracks_by_isrc("GBBKS1500214")
    assert [t.title for t in got] == ["Hello"]


def test_classify_reads_the_rate_limit_headers() -> None:
    def resp(status: int, body: bytes, **headers: str) -> GuardedResponse:
        return GuardedResponse(status, httpx.Headers(headers), body, "http://x/")

    body = b'{"errors":[{"status":"429","detail":"Rate limit exceeded"}]}'
    got = classify(
        resp(
            429,
            body,
            **{
                "x-ratelimit-remaining": "1",
                "x-ratelimit-requested-tokens": "5",
                "x-ratelimit-replenish-rate": "2",
            },
        )
    )
    assert isinstance(got, RateLimited) and got.retry_after == 2.0  # (5 - 1) / 2
    assert str(got) == "Rate limit exceeded"
    after = classify(resp(429, body, **{"retry-after": "7", "x-ratelimit-replenish-rate": "1"}))
    assert isinstance(after, RateLimited) and after.retry_after == 7.0
    bare = classify(resp(429, body))
    assert isinstance(bare, RateLimited) and bare.retry_after is None
    assert bucket_wait({"x-ratelimit-replenish-rate": "0"}) is None
    bad = classify(
        resp(400, b'{"errors":[{"status":"400","code":"INVALID_FILTER","detail":"Nope"}]}')
    )
    assert type(bad) is ProviderError and bad.extra["upstream_code"] == "INVALID_FILTER"
    assert bad.extra["upstream_status"] == 400
    busy = classify(resp(409, b'{"errors":[{"status":"409","detail":"in progress"}]}'))
    assert isinstance(busy, ProviderUnavailable)
    assert classify(resp(200, b"{}")) is None


async def test_429_beyond_max_wait_raises(env: Env) -> None:
    env.fake.throttle_every = 1
    env.fake.throttle_retry_after = "120"
    with pytest.raises(RateLimited) as info:
        await env.client().me()
    assert info.value.retry_after == 120.0
    assert env.fake.throttled == 1  # not retried


async def test_401_expired_token_refreshes_once_and_repeats(env: Env) -> None:
    old = env.tokens.access
    env.fake.expire(old)
    me = await env.client().me()
    assert me.id == env.user.id
    assert env.tokens.calls == [False, True]
    assert env.tokens.access != old and env.fake.counts["POST /token"] == 1
    assert env.fake.counts["GET /users/{id}"] == 2


async def test_revoked_connection_must_reconnect(env: Env) -> None:
    env.fake.revoke_user(env.user)
    with pytest.raises(AuthRevoked):
        await env.client().me()
    assert env.tokens.calls == [False, True]


async def test_401_after_a_refresh_is_raised(env: Env) -> None:
    calls: list[bool] = []

    async def stale(force: bool) -> str:
        calls.append(force)
        return "tat_not-a-token"

    client: TidalClient = SERVICE.client(env.settings, env.http, stale)
    with pytest.raises(AuthExpired):
        await client.me()
    assert calls == [False, True]


async def test_5xx_retried_for_reads(env: Env) -> None:
    env.fake.server_errors = 2
    pl = env.fake.add_playlist(env.user, "Road", [env.track(1)])
    http = ServiceHttp(
        env.http,
        env.settings.tidal.api_url,
        pace=shared_pace("tidal"),
        token=env.tokens,
        classify=classify,
        backoff_base=0.001,
    )
    got = await TidalClient(http, country="US").playlist(pl.id)
    assert got.name == "Road" and http.requests == 4  # users/me 503, 503, then both good
    env.fake.server_errors = 99
    http.attempts = 2
    with pytest.raises(ProviderUnavailable):
        await TidalClient(http, country="US").playlist(pl.id)


async def test_service_errors(env: Env) -> None:
    http = ServiceHttp(
        env.http,
        env.settings.tidal.api_url,
        pace=shared_pace("tidal"),
        token=env.tokens,
        classify=classify,
    )
    with pytest.raises(ProviderError) as info:
        await http.json("GET", "tracks", params={"filter[name]": "x"})
    assert info.value.extra == {"upstream_status": 400, "upstream_code": "INVALID_FILTER"}
    assert "Available filters" in str(info.value)
    with pytest.raises(ProviderError) as info:
        await http.json("GET", "tracks", params={"filter[isrc]": "X", "include": "lyricz"})
    assert info.value.extra["upstream_code"] == "INVALID_INCLUDE"
    with pytest.raises(ProviderError) as info:
        await http.json("POST", "playlists", json={"data": {}})  # application/json
    assert info.value.extra["upstream_status"] == 415
    # the same Idempotency-Key with another payload
    key = {"Idempotency-Key": "k-1", "Content-Type": JSONAPI}
    body: dict[str, Any] = {"data": {"type": "playlists", "attributes": {"name": "A"}}}
    first = await http.json("POST", "playlists", json=body, headers=key)
    again = await http.json("POST", "playlists", json=body, headers=key)
    assert first["data"]["id"] == again["data"]["id"]  # replayed
    body["data"]["attributes"]["name"] = "B"
    with pytest.raises(ProviderError) as info:
        await http.json("POST", "playlists", json=body, headers=key)
    assert info.value.extra["upstream_code"] == "IDEMPOTENT_REQUEST_PAYLOAD_MISMATCH"
    assert len(env.fake.playlists) == 1


async def test_same_idempotency_key_in_flight_is_409_then_replayed(env: Env) -> None:
    env.fake.latency = 0.05
    http = ServiceHttp(
        env.http,
        env.settings.tidal.api_url,
        pace=shared_pace("tidal"),
        token=env.tokens,
        classify=classify,
        backoff_base=0.02,
    )
    key = {"Idempotency-Key": "k-2", "Content-Type": JSONAPI}
    body = {"data": {"type": "playlists", "attributes": {"name": "Once"}}}

    async def create() -> Any:
        return await http.json(
            "POST", "playlists", json=body, headers=key, retry_non_idempotent=True
        )

    first, second = await asyncio.gather(create(), create())
    assert env.fake.conflicts >= 1  # the second arrived while the first was in flight
    assert first["data"]["id"] == second["data"]["id"]
    assert [p.name for p in env.fake.playlists.values()] == ["Once"]


async def test_app_only_catalog_client(env: Env) -> None:
    client: TidalClient = SERVICE.client(env.settings, env.http, None)
    got = await client.tracks_by_isrc("GBBKS1500214")
    assert [t.title for t in got] == ["Hello"]
    assert api_requests(env, "/v2/tracks")[-1].url.params["countryCode"] == "US"
    token_req = next(r for r in env.server.requests if r.url.path.endswith("/token"))
    assert token_req.headers["authorization"].startswith("Basic ")
    assert parse_qs(token_req.content.decode())["grant_type"] == ["client_credentials"]
    await client.search_tracks(SearchQuery("Hello Goodbye"))
    assert env.fake.counts["POST /token"] == 1  # kept
    with pytest.raises(ProviderNotFound):  # no user behind an app token
        await client.me()
    no_secret = Settings(tidal={"client_id": "tidal-client"})
    with pytest.raises(ProviderNotConfigured):
        SERVICE.client(no_secret, env.http, None)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT4M44S", 284.0),
        ("PT3M25S", 205.0),
        ("PT59S", 59.0),
        ("PT1H2M3S", 3723.0),
        ("PT2.5S", 2.5),
        ("P30M5S", 1805.0),
        ("P1DT1S", 86401.0),
        ("PT", None),
        ("4:44", None),
        (None, None),
    ],
)
def test_duration(text: str | None, seconds: float | None) -> None:
    assert duration(text) == seconds


def test_track_mapping_edges() -> None:
    from tonearm.providers.tidal import mapping

    doc = {
        "data": [
            {"id": "1", "type": "tracks", "meta": {"itemId": "a"}},
            {"id": "2", "type": "videos", "meta": {"itemId": "b"}},
            {"id": "3", "type": "tracks", "meta": {"itemId": "c"}},  # not included
        ],
        "included": [
            {
                "id": "1",
                "type": "tracks",
                "attributes": {
                    "title": "4:44",
                    "isrc": "qmjmt1701237",
                    "duration": "PT4M44S",
                    "explicit": True,
                    "availability": ["DJ"],
                },
                "relationships": {"artists": {"data": [{"id": "7804", "type": "artists"}]}},
            },
            {"id": "2", "type": "videos", "attributes": {"title": "A video"}},
            {"id": "7804", "type": "artists", "attributes": {"name": "JAY Z"}},
        ],
    }
    (only,) = mapping.related_tracks(doc)
    assert (only.id, only.title, only.artists, only.isrc) == (
        "1",
        "4:44",
        ("JAY Z",),
        "QMJMT1701237",
    )
    assert only.duration == 284.0 and only.explicit is True and only.album is None
    assert only.available is False  # usage without STREAM
    with pytest.raises(ValueError):
        mapping.user({"errors": []})

"""The YouTube Music client over real HTTP against the fake Data API and Google OAuth
(`tests/fakes/youtube.py`), its quota budget and estimate, and the reading of video titles."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.fakes.catalog import FakeCatalog, FakeTrack
from tests.fakes.server import FakeServer
from tests.fakes.youtube import FakeYoutube, video_id
from tonearm.config import Settings
from tonearm.kit.http import GuardedClient, GuardedResponse
from tonearm.providers import (
    AuthExpired,
    AuthRevoked,
    IsrcLookup,
    LikedReader,
    Pace,
    PlaylistReader,
    PlaylistWriter,
    ProviderForbidden,
    ProviderNotFound,
    ProviderUnavailable,
    ProviderUnsupported,
    QuotaExhausted,
    RateLimited,
    SearchQuery,
    ServiceHttp,
    TrackSearcher,
    get,
    http_client,
)
from tonearm.providers.youtube import SERVICE
from tonearm.providers.youtube.client import YoutubeClient, make_classify
from tonearm.providers.youtube.mapping import (
    duration,
    playlist_item,
    split_title,
    topic_description,
)
from tonearm.providers.youtube.quota import (
    SEARCH,
    UNITS,
    MemoryBudget,
    QuotaBudget,
    estimate,
    next_reset,
    transfer_estimate,
)

# 07:00 in Los Angeles (PST): the quota day ends at 2026-12-05 08:00 UTC.
T0 = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
RESET = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def make_catalog(n: int = 130) -> FakeCatalog:
    catalog = FakeCatalog()
    catalog.add("Bohemian Rhapsody", ["Queen"], album="A Night at the Opera", duration=354.0)
    catalog.add("Get Lucky", ["Daft Punk", "Pharrell Williams"], album="RAM", duration=369.0)
    catalog.add("Don't Stop Me Now", ["Queen & Friends"], album="Jazz", duration=209.0)
    catalog.add("Hello", ["Adele"], album="25", duration=295.0)
    for i in range(5, n + 1):
        catalog.add(f"Song {i}", [f"Band {i % 7}"], album=f"Album {i % 11}", duration=120.0 + i)
    return catalog


class Tokens:
    """A connection's token source: refreshes at the fake when asked to."""

    def __init__(self, env: Env, access: str, refresh: str | None) -> None:
        self.env, self.access, self.refresh = env, access, refresh
        self.asked: list[bool] = []

    async def __call__(self, force_refresh: bool) -> str:
        self.asked.append(force_refresh)
        if force_refresh:
            assert self.refresh is not None
            app = SERVICE.oauth_app(self.env.settings, SERVICE.app(self.env.settings))
            tokens = await app.refresh(self.env.http, self.refresh)
            self.access = tokens.access_token
            self.refresh = tokens.refresh_token
        return self.access


@dataclass
class Env:
    fake: FakeYoutube
    server: FakeServer
    http: GuardedClient
    settings: Settings
    clock: Clock
    budget: MemoryBudget
    tokens: Tokens
    client: YoutubeClient

    def new_client(self, **kw: Any) -> YoutubeClient:
        service = ServiceHttp(
            self.http,
            self.settings.youtube.api_url,
            pace=Pace(concurrency=4),
            token=self.tokens,
            classify=make_classify(self.clock),
            service="YouTube Music",
            backoff_base=0.01,
            max_wait=kw.pop("max_wait", 60.0),
        )
        return YoutubeClient(service, budget=kw.pop("budget", self.budget), **kw)


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    clock = Clock()
    fake = FakeYoutube(make_catalog(), clock=clock)
    async with FakeServer(fake) as server, http_client(allow_hosts=[server.host]) as http:
        settings = Settings(
            google={
                "client_id": fake.client_id,
                "client_secret": fake.client_secret,
                "auth_url": f"{server.url}/o/oauth2/v2/auth",
                "token_url": server.url,
            },
            youtube={"api_url": f"{server.url}/youtube/v3"},
            http_allow_hosts=[server.host],
        )
        budget = MemoryBudget({UNITS: 10_000, SEARCH: 100}, clock=clock)
        e = Env(fake, server, http, settings, clock, budget, None, None)  # type: ignore[arg-type]
        access, refresh = fake.issue_tokens()
        e.tokens = Tokens(e, access, refresh)
        e.client = e.new_client()
        yield e


async def collect(it: AsyncIterator[Any]) -> list[Any]:
    return [x async for x in it]


def catalog_track(env: Env, title: str) -> FakeTrack:
    return next(t for t in env.fake.catalog.tracks if t.title == title)


# --- the service -------------------------------------------------------------------------------


def test_the_service_says_what_it_can_do() -> None:
    assert get("youtube") is SERVICE
    assert (SERVICE.slug, SERVICE.name, SERVICE.kind) == ("youtube", "YouTube Music", "streaming")
    assert SERVICE.capabilities == {"search", "playlists_read", "liked_read", "playlists_write"}
    assert not SERVICE.configured(Settings())
    assert SERVICE.configured(Settings(google={"client_id": "x"}))


async def test_the_client_implements_its_capabilities_and_not_isrc(env: Env) -> None:
    client = SERVICE.client(env.settings, env.http, env.tokens)
    for proto in (TrackSearcher, PlaylistReader, LikedReader, PlaylistWriter):
        assert isinstance(client, proto), proto
    assert not isinstance(client, IsrcLookup)
    assert client.add_batch == 1 and client.search_limit == 50
    # Built from the settings, it reaches the fake and pays through the process's budget.
    assert (await client.me()).id == env.fake.channel_id
    assert isinstance(client.budget, QuotaBudget)
    assert client.budget.limits == {UNITS: 10_000, SEARCH: 100}
    with pytest.raises(ProviderUnsupported):
        SERVICE.client(env.settings, env.http, None)


# --- OAuth -------------------------------------------------------------------------------------


async def consent(env: Env, url: str, which: str) -> dict[str, str]:
    page = await env.http.request("GET", url)
    assert page.status_code == 200, page.text
    href = re.search(rf'id="{which}" href="([^"]+)"', page.text)
    assert href
    return {k: v[0] for k, v in parse_qs(urlsplit(unescape(href.group(1))).query).items()}


async def test_connecting_with_google_oauth_and_pkce(env: Env) -> None:
    creds = SERVICE.credentials(env.settings, None)
    redirect = "https://tonearm.example/connections/youtube/callback"
    auth = SERVICE.authorization(env.settings, creds, redirect)
    q = {k: v[0] for k, v in parse_qs(urlsplit(auth.url).query).items()}
    assert q["access_type"] == "offline" and q["prompt"] == "consent"
    assert q["scope"] == "https://www.googleapis.com/auth/youtube"
    assert q["code_challenge_method"] == "S256" and q["state"] == auth.state
    assert auth.verifier

    back = await consent(env, auth.url, "allow")
    assert back["state"] == auth.state
    tokens = await SERVICE.exchange(
        env.settings, creds, env.http, back["code"], redirect, auth.verifier
    )
    assert tokens.access_token.startswith("ya29.") and tokens.refresh_token
    assert tokens.expires_at is not None
    # The secret went in the body, not as HTTP Basic (Google's way).
    token_request = next(r for r in env.server.requests if r.url.path == "/token")
    assert "authorization" not in token_request.headers
    assert parse_qs(token_request.content.decode())["client_secret"] == [env.fake.client_secret]

    async def token(force: bool) -> str:
        return tokens.access_token

    user = await SERVICE.whoami(env.settings, env.http, token)
    assert (user.id, user.name, user.country) == (env.fake.channel_id, "Tonearm Listener", "US")

    # Google does not rotate refresh tokens: the old one is kept.
    fresh = await SERVICE.refresh(env.settings, creds, env.http, tokens.refresh_token)
    assert fresh.access_token != tokens.access_token
    assert fresh.refresh_token == tokens.refresh_token

    # The code is good once.
    with pytest.raises(AuthRevoked):
        await SERVICE.exchange(env.settings, creds, env.http, back["code"], redirect, auth.verifier)

    assert await SERVICE.revoke(env.settings, creds, env.http, fresh) is True
    with pytest.raises(AuthRevoked, match="expired or revoked"):
        await SERVICE.refresh(env.settings, creds, env.http, tokens.refresh_token)
    # Revoking what Google no longer knows is still "revoked".
    assert await SERVICE.revoke(env.settings, creds, env.http, fresh) is True


async def test_a_wrong_pkce_verifier_or_a_denial_is_refused(env: Env) -> None:
    creds = SERVICE.credentials(env.settings, None)
    redirect = "https://tonearm.example/cb"
    auth = SERVICE.authorization(env.settings, creds, redirect)
    back = await consent(env, auth.url, "allow")
    with pytest.raises(AuthRevoked, match="Invalid code verifier"):
        await SERVICE.exchange(env.settings, creds, env.http, back["code"], redirect, "x" * 64)
    denied = await consent(env, auth.url, "deny")
    assert denied == {"error": "access_denied", "state": auth.state}


async def test_an_unknown_client_gets_googles_error_page(env: Env) -> None:
    url = f"{env.server.url}/o/oauth2/v2/auth?client_id=nope&redirect_uri=x&response_type=code"
    page = await env.http.request("GET", url)
    assert page.status_code == 401 and "invalid_client" in page.text


# --- reading -----------------------------------------------------------------------------------


async def test_me_is_asked_once(env: Env) -> None:
    first = await env.client.me()
    again = await env.client.me()
    assert first is again and first.url == "https://www.youtube.com/@tonearmlistener"
    assert env.fake.calls["GET channels"] == 1


async def test_playlists_every_page(env: Env) -> None:
    tracks = env.fake.catalog.tracks
    for i in range(57):
        env.fake.add_playlist(
            f"List {i}", tracks[: i % 4], privacy="public" if i % 2 else "private"
        )
    env.fake.add_playlist("Not mine", owner=env.fake.add_channel("Someone"))
    found = await collect(env.client.playlists())
    assert [p.name for p in found] == [f"List {i}" for i in range(57)]
    assert env.fake.calls["GET playlists"] == 2  # 50 + 7
    third = found[3]
    assert third.track_count == 3 and third.public is True and third.editable
    assert third.owner_id == env.fake.channel_id and third.snapshot
    assert third.url == f"https://music.youtube.com/playlist?list={third.id}"
    assert found[0].public is False and found[0].track_count == 0


async def test_one_playlist_and_an_unknown_one(env: Env) -> None:
    p = env.fake.add_playlist("Road trip", env.fake.catalog.tracks[:5], description="Vroom")
    got = await env.client.playlist(p.id)
    assert (got.id, got.name, got.description, got.track_count) == (p.id, "Road trip", "Vroom", 5)
    with pytest.raises(ProviderNotFound):
        await env.client.playlist("PLnothere")


async def test_playlist_tracks_every_page_with_durations_and_parsed_titles(env: Env) -> None:
    tracks = env.fake.catalog.tracks[:120]
    p = env.fake.add_playlist("Big", tracks)
    env.fake.add_gone_video(p)  # "Deleted video": left out
    got = await collect(env.client.playlist_tracks(p.id))
    assert [t.id for t in got] == [video_id(t.key) for t in tracks]
    assert env.fake.calls["GET playlistItems"] == 3  # 50 + 50 + 21
    assert env.fake.calls["GET videos"] == 3  # one durations look-up per page
    styles = set()
    for want, have in zip(tracks, got, strict=True):
        styles.add(env.fake.style_of(want))
        assert have.title == want.title
        assert have.artists == want.artists
        assert have.duration == want.duration
        assert have.url == f"https://music.youtube.com/watch?v={have.id}"
    assert styles == {"topic", "plain", "official"}
    # The Topic videos' descriptions name the album too.
    pairs = list(zip(tracks, got, strict=True))
    assert all(h.album == w.album for w, h in pairs if env.fake.style_of(w) == "topic")
    assert all(h.album is None for w, h in pairs if env.fake.style_of(w) != "topic")


async def test_someone_elses_private_playlist_is_forbidden(env: Env) -> None:
    p = env.fake.add_playlist("Secret", owner=env.fake.add_channel("Someone"), privacy="private")
    with pytest.raises(ProviderForbidden) as err:
        await collect(env.client.playlist_tracks(p.id))
    assert err.value.extra["reason"] == "playlistItemsNotAccessible"
    with pytest.raises(ProviderNotFound) as missing:
        await collect(env.client.playlist_tracks("PLnothere"))
    assert missing.value.extra["reason"] == "playlistNotFound"


async def test_liked_videos_every_page_with_durations(env: Env) -> None:
    liked = env.fake.catalog.tracks[10:70]
    env.fake.like(liked)
    got = await collect(env.client.liked_tracks())
    assert [t.id for t in got] == [video_id(t.key) for t in liked]
    assert [t.duration for t in got] == [t.duration for t in liked]
    assert [t.title for t in got] == [t.title for t in liked]
    assert env.fake.calls["GET playlistItems"] == 2  # "LL", 50 + 10
    assert env.fake.calls["GET videos"] == 2  # their durations and categories
    assert all(
        r.url.params["playlistId"] == "LL" for r in env.server.requests if "Items" in r.url.path
    )


async def test_liked_videos_outside_music_are_left_out_unless_asked(env: Env) -> None:
    env.fake.like(env.fake.catalog.tracks[:2])
    vlog = env.fake.add_other_video("My trip to Lisbon", "Some Vlogger", category="22")
    env.fake.liked.insert(1, vlog)
    got = await collect(env.client.liked_tracks())
    assert [t.id for t in got] == [video_id(t.key) for t in env.fake.catalog.tracks[:2]]
    everything = env.new_client(liked_music_only=False)
    all_liked = await collect(everything.liked_tracks())
    assert [t.id for t in all_liked][1] == vlog
    assert (all_liked[1].title, all_liked[1].artists, all_liked[1].duration) == (
        "My trip to Lisbon",
        ("Some Vlogger",),
        60.0,
    )


async def test_search_in_music_with_durations(env: Env) -> None:
    found = await env.client.search_tracks(SearchQuery("Get Lucky", ("Daft Punk",)), limit=5)
    want = catalog_track(env, "Get Lucky")
    assert found[0].id == video_id(want.key)
    assert found[0].title == "Get Lucky"
    assert found[0].artists == ("Daft Punk", "Pharrell Williams")
    assert found[0].duration == 369.0
    search = next(r for r in env.server.requests if r.url.path.endswith("/search"))
    params = search.url.params
    assert params["type"] == "video" and params["videoCategoryId"] == "10"
    assert params["part"] == "snippet" and params["q"] == "Daft Punk Get Lucky"
    assert params["maxResults"] == "5"
    # One search from its own bucket; the durations' videos.list from the units.
    assert env.fake.used("search") == 1 and env.fake.used("units") == 1
    assert env.budget.used(SEARCH) == 1 and env.budget.used(UNITS) == 1


async def test_search_titles_come_html_escaped_and_are_read_plain(env: Env) -> None:
    want = catalog_track(env, "Don't Stop Me Now")
    for style in ("plain", "official", "topic"):
        env.fake.styles[want.key] = style
        found = await env.client.search_tracks(SearchQuery("Don't Stop Me Now", ("Queen",)))
        hit = next(t for t in found if t.id == video_id(want.key))
        assert hit.title == "Don't Stop Me Now", style
        assert hit.artists == ("Queen & Friends",), style
    raw = await env.http.request(
        "GET",
        f"{env.settings.youtube.api_url}/search?part=snippet&q=stop+me+now&type=video",
        headers={"Authorization": f"Bearer {env.tokens.access}"},
    )
    assert "&#39;" in raw.json()["items"][0]["snippet"]["title"]


# --- writing -----------------------------------------------------------------------------------


async def test_create_add_and_remove(env: Env) -> None:
    made = await env.client.create_playlist("From Spotify", description="moved", public=False)
    assert made.name == "From Spotify" and made.public is False and made.editable
    assert made.track_count == 0
    tracks = env.fake.catalog.tracks[:4]
    ids = [video_id(t.key) for t in tracks]
    await env.client.add_tracks(made.id, [*ids, ids[1]])
    assert env.fake.calls["POST playlistItems"] == 5  # one video per request
    assert env.fake.video_ids(env.fake.playlists[made.id]) == [*ids, ids[1]]
    sent = [r for r in env.server.requests if r.method == "POST" and "playlistItems" in r.url.path]
    assert sent[0].url.params["part"] == "snippet"

    await env.client.remove_tracks(made.id, [ids[1], ids[3]])
    assert env.fake.video_ids(env.fake.playlists[made.id]) == [ids[0], ids[2]]
    assert env.fake.calls["DELETE playlistItems"] == 3  # both entries of ids[1], one of ids[3]
    back = await collect(env.client.playlist_tracks(made.id))
    assert [t.id for t in back] == [ids[0], ids[2]]
    # 50 create + 5 * 50 inserts + 3 * 50 deletes, and a few 1-unit lists.
    assert env.fake.used("units") == env.budget.used(UNITS)
    assert env.fake.used("units") >= 50 + 250 + 150


async def test_a_missing_video_is_skipped_and_reported(env: Env) -> None:
    p = env.fake.add_playlist("Mine")
    good = [video_id(t.key) for t in env.fake.catalog.tracks[:2]]
    with pytest.raises(ProviderNotFound) as err:
        await env.client.add_tracks(p.id, [good[0], "AAAAAAAAAAA", good[1]])
    assert err.value.extra["missing"] == ["AAAAAAAAAAA"]
    assert env.fake.video_ids(p) == good


async def test_adding_to_a_playlist_that_is_not_there_or_not_mine(env: Env) -> None:
    vid = video_id(env.fake.catalog.tracks[0].key)
    with pytest.raises(ProviderNotFound) as err:
        await env.client.add_tracks("PLgone", [vid, vid])
    assert err.value.extra["reason"] == "playlistNotFound"
    assert env.fake.calls["POST playlistItems"] == 1  # stopped at the first
    other = env.fake.add_playlist("Theirs", owner=env.fake.add_channel("Someone"), privacy="public")
    with pytest.raises(ProviderForbidden):
        await env.client.add_tracks(other.id, [vid])


async def test_a_full_playlist_is_forbidden(env: Env) -> None:
    env.fake.max_items = 2
    p = env.fake.add_playlist("Full", env.fake.catalog.tracks[:2])
    with pytest.raises(ProviderForbidden) as err:
        await env.client.add_tracks(p.id, [video_id(env.fake.catalog.tracks[3].key)])
    assert err.value.extra["reason"] == "playlistContainsMaximumNumberOfVideos"


# --- rate limits, tokens, outages --------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 403])
async def test_rate_limits_are_waited_out(env: Env, status: int) -> None:
    env.fake.throttle_every = 2
    env.fake.throttle_status = status
    env.fake.throttle_retry_after = "0"
    p = env.fake.add_playlist("Slow", env.fake.catalog.tracks[:60])
    got = await collect(env.client.playlist_tracks(p.id))
    assert [t.id for t in got] == [video_id(t.key) for t in env.fake.catalog.tracks[:60]]
    # items page 1, videos, items page 2, videos: every second one was refused and repeated
    assert env.fake.api_requests > 4
    assert env.client.http.requests == env.fake.api_requests


async def test_a_rate_limit_longer_than_max_wait_is_raised(env: Env) -> None:
    env.fake.throttle_every = 1
    env.fake.throttle_retry_after = "120"
    client = env.new_client(max_wait=5.0)
    with pytest.raises(RateLimited) as err:
        await client.me()
    assert err.value.retry_after == 120.0
    assert env.fake.api_requests == 1


async def test_an_expired_token_is_refreshed_once(env: Env) -> None:
    old = env.tokens.access
    env.fake.expire(old)
    user = await env.client.me()
    assert user.id == env.fake.channel_id
    assert env.tokens.asked == [False, True]
    assert env.tokens.access != old
    assert env.fake.calls["POST token"] == 1


async def test_a_revoked_grant_means_reconnect(env: Env) -> None:
    env.fake.revoke_grant(env.tokens.access)
    with pytest.raises(AuthRevoked):
        await env.client.me()
    assert env.tokens.asked == [False, True]


async def test_a_refused_token_after_refresh_is_auth_expired(env: Env) -> None:
    async def stale(force: bool) -> str:
        return "ya29.not-a-token"

    service = ServiceHttp(
        env.http, env.settings.youtube.api_url, pace=Pace(), token=stale,
        classify=make_classify(env.clock),
    )  # fmt: skip
    with pytest.raises(AuthExpired):
        await YoutubeClient(service, budget=env.budget).me()
    assert env.fake.calls["GET channels"] == 2  # once, and once more with a "fresh" token


async def test_server_errors_are_retried_for_reads_not_for_inserts(env: Env) -> None:
    env.fake.fail_next = 2
    assert (await env.client.me()).id == env.fake.channel_id
    assert env.fake.calls["GET channels"] == 3
    p = env.fake.add_playlist("Mine")
    env.fake.fail_next = 1
    with pytest.raises(ProviderUnavailable):
        await env.client.add_tracks(p.id, [video_id(env.fake.catalog.tracks[0].key)])
    assert env.fake.calls["POST playlistItems"] == 1 and env.fake.video_ids(p) == []


# --- quota -------------------------------------------------------------------------------------


def test_a_2000_track_transfer_takes_several_days_with_the_default_quota() -> None:
    est = transfer_estimate(2000, now=T0)
    # 2,000 searches at 100 a day; 2,001 inserts * 50 + 2,000 look-ups = 102,050 units.
    assert est.searches == 2000 and est.units == 102_050
    assert est.days == 20 and est.limited_by == SEARCH
    assert est.finishes_at == datetime(2026, 12, 23, 8, 0, tzinfo=UTC)  # midnight PT, day 20
    # Already matched (no searches): the inserts alone need 11 days of 10,000 units.
    matched = transfer_estimate(2000, to_search=0, now=T0)
    assert (matched.days, matched.limited_by) == (11, UNITS)
    # With an extended quota it fits today.
    big = transfer_estimate(2000, daily_quota=1_000_000, search_daily_quota=5000, now=T0)
    assert (big.days, big.finishes_at, big.limited_by) == (1, T0, None)


def test_the_estimate_counts_what_is_used_today() -> None:
    assert estimate(0, 0, 0, now=T0).days == 0
    assert estimate(100, 0, 0, now=T0).days == 1
    assert estimate(100, 0, 0, searches_today=1, now=T0).days == 2
    assert estimate(0, 200, 0, now=T0).days == 1
    assert estimate(0, 200, 0, used_today=9_000, now=T0).days == 2
    assert estimate(0, 0, 5, used_today=10_000, now=T0).finishes_at == RESET
    with pytest.raises(ValueError):
        estimate(1, 0, 0, search_daily_quota=0, now=T0)


async def test_the_budget_refuses_past_the_days_units_until_midnight_pacific() -> None:
    clock = Clock()
    budget = MemoryBudget({UNITS: 100, SEARCH: 2}, clock=clock)
    await budget.spend(UNITS, 50)
    await budget.spend(UNITS, 50)
    with pytest.raises(QuotaExhausted) as err:
        await budget.spend(UNITS, 1)
    assert err.value.resets_at == RESET
    assert err.value.extra["resets_at"] == "2026-12-05T08:00:00+00:00"
    await budget.spend(SEARCH, 2)  # its own bucket
    with pytest.raises(QuotaExhausted):
        await budget.spend(SEARCH, 1)
    assert budget.used(UNITS) == 100  # the refused units were not taken
    clock.now = RESET - timedelta(seconds=1)
    with pytest.raises(QuotaExhausted):
        await budget.spend(UNITS, 1)
    clock.now = RESET
    await budget.spend(UNITS, 100)
    assert budget.remaining(UNITS) == 0 and budget.remaining(SEARCH) == 2


def test_the_reset_follows_daylight_saving() -> None:
    assert next_reset(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == datetime(
        2026, 7, 2, 7, 0, tzinfo=UTC
    )  # PDT
    assert next_reset(datetime(2026, 12, 5, 7, 59, tzinfo=UTC)) == RESET  # still Dec 4 in LA
    assert next_reset(RESET) == RESET + timedelta(days=1)


async def test_the_client_pays_before_it_asks(env: Env) -> None:
    budget = MemoryBudget({UNITS: 1, SEARCH: 0}, clock=env.clock)
    client = env.new_client(budget=budget)
    await client.me()
    with pytest.raises(QuotaExhausted) as err:
        await collect(client.playlists())
    assert err.value.resets_at == RESET
    with pytest.raises(QuotaExhausted):
        await client.search_tracks(SearchQuery("Hello", ("Adele",)))
    assert env.fake.api_requests == 1  # nothing was sent past the budget


async def test_googles_quota_exceeded_is_quota_exhausted(env: Env) -> None:
    env.fake.spend_all("units")
    with pytest.raises(QuotaExhausted) as err:
        await env.client.me()
    assert err.value.resets_at == RESET
    assert "exceeded your quota" in str(err.value)  # the HTML of Google's message is gone
    assert env.fake.calls["GET channels"] == 1  # not retried
    # The budget believes Google: nothing more is sent today.
    assert env.budget.remaining(UNITS) == 0
    with pytest.raises(QuotaExhausted):
        await env.client.me()
    assert env.fake.calls["GET channels"] == 1
    # The search bucket is another matter.
    env.fake.spend_all("units")
    assert env.budget.remaining(SEARCH) == 100


async def test_searches_have_their_own_bucket_at_google(env: Env) -> None:
    env.fake.search_daily_quota = 2
    free = MemoryBudget({UNITS: 10_000, SEARCH: 1000}, clock=env.clock)
    client = env.new_client(budget=free)
    for _ in range(2):
        assert await client.search_tracks(SearchQuery("Hello", ("Adele",)))
    with pytest.raises(QuotaExhausted):
        await client.search_tracks(SearchQuery("Hello", ("Adele",)))
    assert free.remaining(SEARCH) == 0
    assert (await client.me()).id  # the units bucket still serves
    env.clock.now = RESET  # a new day at Google (and in the budget)
    assert await client.search_tracks(SearchQuery("Hello", ("Adele",)))


async def test_a_search_keeps_its_results_when_the_units_run_out_after_it(env: Env) -> None:
    client = env.new_client(budget=MemoryBudget({UNITS: 0, SEARCH: 5}, clock=env.clock))
    found = await client.search_tracks(SearchQuery("Hello", ("Adele",)))
    assert found[0].id == video_id(catalog_track(env, "Hello").key)
    assert found[0].title == "Hello" and found[0].duration is None
    assert env.fake.calls["GET videos"] == 0


async def test_adding_stops_when_the_quota_runs_out_and_says_how_far_it_got(env: Env) -> None:
    p = env.fake.add_playlist("Mine")
    budget = MemoryBudget({UNITS: 120, SEARCH: 0}, clock=env.clock)
    client = env.new_client(budget=budget)
    ids = [video_id(t.key) for t in env.fake.catalog.tracks[:4]]
    with pytest.raises(QuotaExhausted) as err:
        await client.add_tracks(p.id, ids)
    assert err.value.extra["added"] == 2 and err.value.extra["next"] == 2
    assert env.fake.video_ids(p) == ids[:2]


async def test_the_client_counts_units_as_google_does(env: Env) -> None:
    tracks = env.fake.catalog.tracks
    p = env.fake.add_playlist("Counted", tracks[:75])
    env.fake.like(tracks[:55])
    await collect(env.client.playlists())
    await collect(env.client.playlist_tracks(p.id))
    await collect(env.client.liked_tracks())
    await env.client.search_tracks(SearchQuery("Song 12", ("Band 5",)))
    made = await env.client.create_playlist("New")
    await env.client.add_tracks(made.id, [video_id(t.key) for t in tracks[:3]])
    await env.client.remove_tracks(made.id, [video_id(tracks[0].key)])
    assert env.fake.used("units") == env.budget.used(UNITS) > 0
    assert env.fake.used("search") == env.budget.used(SEARCH) == 1


# --- errors and titles (no server) -------------------------------------------------------------


def google(status: int, reason: str, message: str = "m", **headers: str) -> GuardedResponse:
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "d", "reason": reason}],
        }
    }
    resp = httpx.Response(status, json=body, headers=headers)
    return GuardedResponse(status, resp.headers, resp.content, "https://x")


def test_classify_reads_googles_reasons() -> None:
    classify = make_classify(Clock())
    q = classify(google(403, "quotaExceeded", 'over your <a href="#">quota</a>.'))
    assert isinstance(q, QuotaExhausted) and q.resets_at == RESET
    assert str(q) == "YouTube: over your quota."
    for status, reason in ((403, "rateLimitExceeded"), (403, "userRateLimitExceeded"), (429, "x")):
        r = classify(google(status, reason, **{"retry-after": "3"}))
        assert isinstance(r, RateLimited) and r.retry_after == 3.0
    assert isinstance(classify(google(401, "authError")), AuthExpired)
    nf = classify(google(404, "videoNotFound"))
    assert isinstance(nf, ProviderNotFound) and nf.extra["reason"] == "videoNotFound"
    assert isinstance(classify(google(404, "playlistNotFound")), ProviderNotFound)
    fb = classify(google(403, "forbidden"))
    assert isinstance(fb, ProviderForbidden) and not isinstance(fb, RateLimited)
    assert isinstance(classify(google(503, "backendError")), ProviderUnavailable)
    assert classify(google(200, "")) is None


@pytest.mark.parametrize(
    ("video", "channel", "title", "artists"),
    [
        ("Adele - Hello (Official Video)", "AdeleVEVO", "Hello", ("Adele",)),
        ("Adele - Hello [Official Audio]", "Adele", "Hello", ("Adele",)),
        ("Billie Eilish - bad guy (Lyrics)", "Lyric Hub", "bad guy", ("Billie Eilish",)),
        (
            "Bohemian Rhapsody (Remastered 2011)",
            "Queen - Topic",
            "Bohemian Rhapsody (Remastered 2011)",
            ("Queen",),
        ),
        ("Song - Part 2", "Band - Topic", "Song - Part 2", ("Band",)),
        (
            "Nirvana - Come As You Are (Live On MTV Unplugged)",
            "Nirvana",
            "Come As You Are (Live On MTV Unplugged)",
            ("Nirvana",),
        ),
        (
            "Arctic Monkeys - Do I Wanna Know? (Official Live Video)",
            "x",
            "Do I Wanna Know? (Live)",
            ("Arctic Monkeys",),
        ),
        (
            "Ed Sheeran - Shape of You (Acoustic) [Official Video]",
            "x",
            "Shape of You (Acoustic)",
            ("Ed Sheeran",),
        ),
        (
            "Calvin Harris - Summer (R3hab Remix) | Official Video",
            "x",
            "Summer (R3hab Remix)",
            ("Calvin Harris",),
        ),
        (
            "Mark Ronson - Uptown Funk (feat. Bruno Mars) (Official Video)",
            "x",
            "Uptown Funk",
            ("Mark Ronson", "Bruno Mars"),
        ),
        (
            "Daft Punk feat. Pharrell Williams - Get Lucky",
            "x",
            "Get Lucky",
            ("Daft Punk", "Pharrell Williams"),
        ),
        (
            "Rick Astley - Never Gonna Give You Up (Official Music Video) 4K",
            "x",
            "Never Gonna Give You Up",
            ("Rick Astley",),
        ),
        (
            "Blue Öyster Cult - (Don't Fear) The Reaper",
            "x",
            "(Don't Fear) The Reaper",
            ("Blue Öyster Cult",),
        ),
        ("Simon &amp; Garfunkel - The Boxer (Audio)", "x", "The Boxer", ("Simon & Garfunkel",)),
        ("Just A Title", "Some Artist", "Just A Title", ("Some Artist",)),
        ("Just A Title (Official Video)", "DaftPunkVEVO", "Just A Title", ("Daft Punk",)),
        ("Electronic Dance Music", "DJ", "Electronic Dance Music", ("DJ",)),
        ("Hello - Adele (Official Video)", "AdeleVEVO", "Hello", ("Adele",)),
        ("Hello - Adele", "Cover Channel", "Adele", ("Hello",)),
        ("Kendrick Lamar \u2013 HUMBLE. (Explicit)", "x", "HUMBLE.", ("Kendrick Lamar",)),
    ],
)
def test_video_titles_become_titles_and_artists(
    video: str, channel: str, title: str, artists: tuple[str, ...]
) -> None:
    assert split_title(video, channel) == (title, artists)


def test_durations_and_topic_descriptions() -> None:
    assert duration("PT4M13S") == 253.0
    assert duration("PT1H2M3S") == 3723.0
    assert duration("PT45S") == 45.0
    assert duration("P0D") is None  # a live stream
    assert duration("nonsense") is None
    desc = (
        "Provided to YouTube by Label\n\nGet Lucky \u00b7 Daft Punk \u00b7 Pharrell Williams"
        "\n\nRandom Access Memories\n\n\u2117 2013 Label\n\nAuto-generated by YouTube."
    )
    assert topic_description(desc) == (("Daft Punk", "Pharrell Williams"), "Random Access Memories")
    assert topic_description("Official video of Get Lucky") == ((), None)


def test_playlist_items_gone_or_without_an_owner() -> None:
    gone = {
        "id": "UExx",
        "snippet": {"title": "Deleted video", "channelTitle": "Me", "resourceId": {"videoId": "a"}},
        "contentDetails": {"videoId": "a"},
    }
    assert playlist_item(gone) is None
    # The playlist's owner (snippet.channelTitle) is not the video's artist.
    mine = {
        "id": "UEyy",
        "snippet": {"title": "Some Song", "channelTitle": "Me", "resourceId": {"videoId": "b"}},
        "contentDetails": {"videoId": "b"},
    }
    t = playlist_item(mine)
    assert t is not None and (t.id, t.title, t.artists) == ("b", "Some Song", ())


async def test_the_fake_answers_the_same_with_latency(env: Env) -> None:
    env.fake.latency = 0.01
    env.fake.add_playlist("Slowly", env.fake.catalog.tracks[:3])
    found = await collect(env.client.playlists())
    assert [(p.name, p.track_count) for p in found] == [("Slowly", 3)]

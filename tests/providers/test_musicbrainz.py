"""The MusicBrainz client over real HTTP against `tests.fakes.musicbrainz`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from tests.fakes.catalog import FakeCatalog
from tests.fakes.musicbrainz import FakeMusicBrainz, parse_query
from tests.fakes.server import FakeServer
from tonearm.config import Settings
from tonearm.kit.http import GuardedClient
from tonearm.providers import (
    IsrcLookup,
    Pace,
    ProviderError,
    ProviderForbidden,
    ProviderNotFound,
    RateLimited,
    SearchQuery,
    ServiceHttp,
    TrackSearcher,
    get,
    http_client,
)
from tonearm.providers.musicbrainz.client import (
    MemoryCache,
    MusicBrainzClient,
    classify,
    lucene_escape,
    search_q,
    user_agent,
)

CONTACT = "mailto:ops@tonearm.test"


class FakeTime:
    """A clock and a sleep that only move when slept on: pacing without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def catalog() -> FakeCatalog:
    c = FakeCatalog()
    c.add(
        "The Lovecats", ["The Cure"], album="Japanese Whispers", duration=220.0, isrc="GBALB8300001"
    )
    c.add("The Lovecats", ["The Cure"], album="Greatest Hits", duration=221.0, isrc="GBALB8300001")
    c.add("Karma Police", ["Radiohead"], album="OK Computer", duration=264.0, isrc="GBAYE9700109")
    c.add('Hey! (Ho) "Let\'s Go"', ["Ramones"], album="Ramones", duration=150.0)
    return c


@dataclass
class Rig:
    fake: FakeMusicBrainz
    server: FakeServer
    http: GuardedClient
    time: FakeTime
    pace: Pace

    def client(
        self,
        *,
        rate: float | None = 1.0,
        cache: MemoryCache | None = None,
        max_wait: float = 60.0,
        attempts: int = 6,
    ) -> MusicBrainzClient:
        self.pace = Pace(rate=rate, concurrency=1, clock=self.time.clock, sleep=self.time.sleep)
        service = ServiceHttp(
            self.http,
            self.server.url + "/ws/2",
            pace=self.pace,
            classify=classify,
            service="MusicBrainz",
            sleep=self.time.sleep,
            max_wait=max_wait,
            attempts=attempts,
        )
        return MusicBrainzClient(service, contact=CONTACT, cache=cache)


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    fake = FakeMusicBrainz(catalog())
    t = FakeTime()
    fake.clock = t.clock  # the fake measures intervals on the same clock the pace sleeps on
    async with FakeServer(fake) as server, http_client(allow_hosts=[server.host]) as http:
        yield Rig(fake, server, http, t, Pace())


def test_service_entry() -> None:
    svc = get("musicbrainz")
    assert (svc.slug, svc.name, svc.kind, svc.auth) == (
        "musicbrainz",
        "MusicBrainz",
        "metadata",
        "none",
    )
    assert svc.capabilities == {"isrc", "search", "enrich"}
    assert svc.configured(Settings())


async def test_service_client_works_without_token(rig: Rig) -> None:
    rig.fake.min_interval = 0
    settings = Settings(
        musicbrainz={"api_url": rig.server.url + "/ws/2", "contact": CONTACT},
        http_allow_hosts=[rig.server.host],
    )
    client = get("musicbrainz").client(settings, rig.http, None)
    assert isinstance(client, IsrcLookup) and isinstance(client, TrackSearcher)
    tracks = await client.tracks_by_isrc("GBAYE9700109")
    assert [t.title for t in tracks] == ["Karma Police"]
    assert rig.fake.user_agents[-1] == user_agent(CONTACT)
    assert user_agent(CONTACT).startswith("Tonearm/") and user_agent(CONTACT).endswith(
        f"( {CONTACT} )"
    )


async def test_tracks_by_isrc(rig: Rig) -> None:
    client = rig.client()
    tracks = await client.tracks_by_isrc("gbalb8300001")
    assert len(tracks) == 2  # one ISRC, two recordings
    first = tracks[0]
    assert first.id == rig.fake.mbid(rig.fake.catalog.tracks[0])
    assert (first.title, first.artists, first.album, first.duration, first.isrc) == (
        "The Lovecats",
        ("The Cure",),
        "Japanese Whispers",
        220.0,
        "GBALB8300001",
    )
    assert first.url == f"https://musicbrainz.org/recording/{first.id}"
    req = rig.server.requests[-1]
    assert req.url.path == "/ws/2/isrc/GBALB8300001"
    assert b"inc=artist-credits+releases" in req.url.query and b"fmt=json" in req.url.query


async def test_unknown_isrc_is_empty_and_asked_once(rig: Rig) -> None:
    client = rig.client()
    assert await client.tracks_by_isrc("USXXX0000001") == []
    assert await client.tracks_by_isrc("USXXX0000001") == []
    assert rig.fake.counts["isrc"] == 1  # the 404 is cached too
    assert await client.tracks_by_isrc("not an isrc") == []
    assert rig.fake.counts["isrc"] == 1  # malformed: not asked at all


async def test_cache_hit_asks_once(rig: Rig) -> None:
    cache = MemoryCache()
    client = rig.client(cache=cache)
    a = await client.tracks_by_isrc("GBAYE9700109")
    b = await client.tracks_by_isrc("GBAYE9700109")
    assert a == b and a[0].title == "Karma Police"
    assert rig.fake.counts["isrc"] == 1
    # another client with the same cache does not ask either
    c = await rig.client(cache=cache).tracks_by_isrc("GBAYE9700109")
    assert c == a and rig.fake.counts["isrc"] == 1


async def test_concurrent_asks_share_one_request(rig: Rig) -> None:
    client = rig.client()
    results = await asyncio.gather(*(client.tracks_by_isrc("GBAYE9700109") for _ in range(5)))
    assert all(r == results[0] for r in results) and results[0]
    assert rig.fake.counts["isrc"] == 1


async def test_memory_cache_ttl_and_lru() -> None:
    t = FakeTime()
    cache = MemoryCache(maxsize=2, ttl=10, clock=t.clock)
    await cache.set("a", 1)
    await cache.set("b", 2)
    assert await cache.get("a") == 1  # a is now the most recent
    await cache.set("c", 3)  # evicts b, the least recently used
    assert await cache.get("b") is None
    assert (await cache.get("a"), await cache.get("c")) == (1, 3)
    t.now += 11
    assert await cache.get("a") is None and len(cache) == 1


async def test_cache_is_injectable(rig: Rig) -> None:
    class DictCache:
        def __init__(self) -> None:
            self.data: dict[str, object] = {}

        async def get(self, key: str) -> object | None:
            return self.data.get(key)

        async def set(self, key: str, value: object) -> None:
            self.data[key] = value

    cache = DictCache()
    await rig.client(cache=cache).tracks_by_isrc("GBAYE9700109")
    assert list(cache.data) == [
        rig.server.url + "/ws/2/isrc/GBAYE9700109?inc=artist-credits+releases&fmt=json"
    ]


async def test_recording_lookup(rig: Rig) -> None:
    key = rig.fake.catalog.tracks[2].key
    rig.fake.extra_isrcs[key] = ["GBAYE0000001"]
    client = rig.client()
    mbid = rig.fake.mbid(rig.fake.catalog.tracks[2])
    rec = await client.recording(mbid.upper())
    assert rec.id == mbid
    assert rec.isrcs == ("GBAYE9700109", "GBAYE0000001")
    assert [r.title for r in rec.releases] == ["OK Computer"]
    assert rec.releases[0].status == "Official"
    assert rec.artist_ids and rec.length == 264.0
    track = await client.track(mbid)
    assert (track.id, track.isrc, track.album, track.artists) == (
        mbid,
        "GBAYE9700109",
        "OK Computer",
        ("Radiohead",),
    )
    assert rig.fake.counts["recording-lookup"] == 1  # the second came from the cache
    q = rig.server.requests[-1].url.query
    assert b"inc=isrcs+artist-credits+releases" in q
    # the extra ISRC finds the recording too
    assert [t.id for t in await client.tracks_by_isrc("GBAYE0000001")] == [mbid]


async def test_recording_not_found_and_invalid(rig: Rig) -> None:
    client = rig.client()
    with pytest.raises(ProviderNotFound):
        await client.recording("00000000-0000-0000-0000-000000000000")
    with pytest.raises(ProviderError):
        await client.recording("nope")


async def test_search(rig: Rig) -> None:
    client = rig.client()
    found = await client.search_tracks(SearchQuery("The Lovecats", ("The Cure",)), limit=5)
    assert [t.album for t in found] == ["Japanese Whispers", "Greatest Hits"]
    assert all(t.isrc is None for t in found)  # search results carry no ISRCs
    recs = await client.search_recordings(SearchQuery("Karma Police", ("Radiohead",)))
    assert [r.title for r in recs] == ["Karma Police"] and recs[0].score == 100
    assert await client.search_tracks(SearchQuery("Karma Police", ("The Cure",))) == []
    params = rig.server.requests[-1].url.params
    assert params["query"] == 'recording:"Karma Police" AND artist:"The Cure"'


def test_lucene_escaping() -> None:
    assert lucene_escape('AC/DC: "Hey!" (live) [x] a+b && c||d ~*?^{}\\') == (
        'AC\\/DC\\: \\"Hey\\!\\" \\(live\\) \\[x\\] a\\+b \\&\\& c\\|\\|d \\~\\*\\?\\^\\{\\}\\\\'
    )
    q = search_q(SearchQuery('Hey! (Ho) "Let\'s Go"', ("Ramones",)))
    assert q == 'recording:"Hey\\! \\(Ho\\) \\"Let\'s Go\\"" AND artist:"Ramones"'
    assert parse_query(q) == {"recording": ['Hey! (Ho) "Let\'s Go"'], "artist": ["Ramones"]}


async def test_search_with_special_characters(rig: Rig) -> None:
    found = await rig.client().search_tracks(SearchQuery('Hey! (Ho) "Let\'s Go"', ("Ramones",)))
    assert [t.title for t in found] == ['Hey! (Ho) "Let\'s Go"']


async def test_search_pages(rig: Rig) -> None:
    rig.fake.catalog.extend([])
    for i in range(130):
        rig.fake.catalog.add(f"Song Number {i}", ["Pager"], album="Pages")
    client = rig.client()
    found = await client.search_tracks(SearchQuery("Song", ("Pager",)), limit=150)
    assert len(found) == 130 and len({t.id for t in found}) == 130
    offsets = [r.url.params["offset"] for r in rig.server.requests]
    limits = [r.url.params["limit"] for r in rig.server.requests]
    assert offsets == ["0", "100"] and limits == ["100", "50"]
    few = await client.search_tracks(SearchQuery("Song", ("Pager",)), limit=3)
    assert len(few) == 3


async def test_one_request_per_second(rig: Rig) -> None:
    client = rig.client(rate=1.0)
    for isrc in ("GBALB8300001", "GBAYE9700109", "USXXX0000001", "USXXX0000002"):
        await client.tracks_by_isrc(isrc)
    assert rig.fake.counts["isrc"] == 4
    assert rig.fake.rejected["rate"] == 0  # the pace kept them a second apart
    assert sum(rig.time.slept) == pytest.approx(3.0)


async def test_without_pace_the_503_is_retried(rig: Rig) -> None:
    client = rig.client(rate=None)
    a = await client.tracks_by_isrc("GBALB8300001")
    b = await client.tracks_by_isrc("GBAYE9700109")  # too soon: 503, waited out, retried
    assert len(a) == 2 and [t.title for t in b] == ["Karma Police"]
    assert rig.fake.rejected["rate"] >= 1
    assert rig.fake.counts["isrc"] == 2 + rig.fake.rejected["rate"]


async def test_busy_503_with_retry_after(rig: Rig) -> None:
    rig.fake.min_interval = 0
    rig.fake.throttle_every = 2
    rig.fake.throttle_retry_after = "0"
    client = rig.client()
    await client.tracks_by_isrc("GBALB8300001")
    tracks = await client.tracks_by_isrc("GBAYE9700109")
    assert [t.title for t in tracks] == ["Karma Police"]
    assert rig.fake.rejected["throttle"] == 1 and rig.fake.counts["isrc"] == 3


async def test_503_beyond_max_wait_raises(rig: Rig) -> None:
    rig.fake.min_interval = 0
    rig.fake.throttle_every = 1
    rig.fake.throttle_retry_after = "120"
    with pytest.raises(RateLimited) as err:
        await rig.client(max_wait=60).tracks_by_isrc("GBAYE9700109")
    assert err.value.retry_after == 120
    rig.fake.throttle_retry_after = "0"
    with pytest.raises(RateLimited):
        await rig.client(attempts=3).tracks_by_isrc("GBAYE9700109")
    assert rig.fake.counts["isrc"] == 4  # one, then three attempts


async def test_no_user_agent_is_403(rig: Rig) -> None:
    rig.fake.min_interval = 0
    client = rig.client()
    client.user_agent = "python-httpx/0.28"
    with pytest.raises(ProviderForbidden) as err:
        await client.tracks_by_isrc("GBAYE9700109")
    assert "has not identified itself" in str(err.value)
    assert rig.fake.rejected["user_agent"] == 1

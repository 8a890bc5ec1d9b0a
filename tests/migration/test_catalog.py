"""`ServiceCatalog` against an in-memory client: ISRCs asked several per request when the
client can, the wide search also by the artist alone (a misspelt title), and an artist in
their own script."""

from __future__ import annotations

from collections.abc import Sequence

from tonearm import providers
from tonearm.matching import Entry, Matcher
from tonearm.matching.normalise import first_artist
from tonearm.migration.catalog import MemoryLookups, ServiceCatalog, search_artist

CAPS = frozenset({"search", "isrc"})
TRACKS = [
    providers.ServiceTrack(id="1", title="Angel Mountain Promise", artists=("Mara Lind",),
                           duration=200, isrc="USAAA2600001"),
    providers.ServiceTrack(id="2", title="Stone River", artists=("Mara Lind",),
                           duration=180, isrc="USAAA2600002"),
    providers.ServiceTrack(id="3", title="Paper Moon", artists=("Odd Echo",), duration=210),
]  # fmt: skip


def _words(text: str) -> set[str]:
    return set(text.casefold().split())


class Client:
    """Searches as services do: every word of the query must match the title or artist."""

    search_limit = 20

    def __init__(self) -> None:
        self.searches: list[providers.SearchQuery] = []
        self.isrc_requests: list[list[str]] = []

    async def search_tracks(
        self, q: providers.SearchQuery, *, limit: int
    ) -> list[providers.ServiceTrack]:
        self.searches.append(q)
        wanted = _words(q.text)
        return [t for t in TRACKS if wanted <= _words(f"{t.title} {' '.join(t.artists)}")]

    async def tracks_by_isrc(self, isrc: str) -> list[providers.ServiceTrack]:
        self.isrc_requests.append([isrc])
        return [t for t in TRACKS if t.isrc == isrc]


class BatchClient(Client):
    isrc_batch = 2

    async def tracks_by_isrcs(self, isrcs: Sequence[str]) -> list[providers.ServiceTrack]:
        self.isrc_requests.append(list(isrcs))
        return [t for t in TRACKS if t.isrc in isrcs]


async def test_isrcs_are_asked_several_per_request_when_the_client_can() -> None:
    entries = [
        Entry(title="Angel Mountain Promise", artists=("Mara Lind",), isrc="USAAA2600001"),
        Entry(title="Stone River", artists=("Mara Lind",), isrc="usaaa2600002"),
        Entry(title="Paper Moon", artists=("Odd Echo",), duration=210, isrc="USAAA2600099"),
    ]
    client = BatchClient()
    store = MemoryLookups()
    matches = await Matcher(ServiceCatalog(client, CAPS, store)).match_many(entries)
    assert [(m.bucket, m.rule, m.track_id) for m in matches] == [
        ("matched", "isrc", "1"),
        ("matched", "isrc", "2"),
        ("matched", "fuzzy", "3"),  # its ISRC is unknown there: found by search
    ]
    assert [len(r) for r in client.isrc_requests] == [2, 1]
    # Each ISRC's answer is stored on its own (an unknown one as "nothing"), as one by one.
    assert sorted(len(v) for k, v in store.answers.items() if k.startswith("isrc:")) == [0, 1, 1]
    again = BatchClient()
    await Matcher(ServiceCatalog(again, CAPS, store)).match_many(entries)
    assert again.isrc_requests == [] and again.searches == []

    single = Client()
    matches = await Matcher(ServiceCatalog(single, CAPS, MemoryLookups())).match_many(entries)
    assert [m.track_id for m in matches] == ["1", "2", "3"]
    assert [len(r) for r in single.isrc_requests] == [1, 1, 1]


async def test_a_misspelt_title_is_found_through_the_artist_alone() -> None:
    client = Client()
    entry = Entry(title="Angel Mountain Prommise", artists=("Mara Lind",), duration=200)
    m = await Matcher(ServiceCatalog(client, CAPS, MemoryLookups())).match(entry)
    assert (m.bucket, m.track_id) == ("matched", "1")
    assert providers.SearchQuery(title="", artists=("mara lind",)) in client.searches


async def test_an_artist_in_another_script_is_searched_in_it() -> None:
    assert search_artist(("Σβδγιφ",)) == "σβδγιφ"
    assert search_artist(("The Beatles, Wings",)) == first_artist(("The Beatles, Wings",))
    TRACKS.append(providers.ServiceTrack(id="4", title="Tears", artists=("Σβδγιφ",), duration=190))
    try:
        client = Client()
        entry = Entry(title="Tears - Remastered 2011", artists=("Σβδγιφ",), duration=190)
        m = await Matcher(ServiceCatalog(client, CAPS, MemoryLookups())).match(entry)
        assert (m.bucket, m.track_id) == ("matched", "4")
        assert client.searches[0] == providers.SearchQuery(title="tears", artists=("σβδγιφ",))
    finally:
        TRACKS.pop()

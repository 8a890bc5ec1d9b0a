"""`ServiceCatalog` against an in-memory client: the wide search also by the artist alone
(a misspelt title), and an artist in their own script."""

from __future__ import annotations

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

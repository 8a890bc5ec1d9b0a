"""The music a fake streaming service holds: tracks with ids, ISRCs and durations, searched
the way real services search (every query word must match a word of the title, artists or
album, ranked by how much of the title it covers), with an inverted index so benchmarks can
serve 100k tracks.

Every fake (`spotify.py`, `tidal.py`, `deezer.py`, `youtube.py`) takes one; each derives its
own ids from the tracks' keys, in its service's style.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

_WORD = re.compile(r"\w+")


def words(text: str | None) -> list[str]:
    folded = unicodedata.normalize("NFKD", (text or "").casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORD.findall(folded)


@dataclass(frozen=True, slots=True)
class FakeTrack:
    key: str  # the catalog's own id; services derive theirs from it
    title: str
    artists: tuple[str, ...]
    album: str | None = None
    duration: float | None = None  # seconds
    isrc: str | None = None
    track_number: int | None = None
    disc_number: int | None = 1


@dataclass
class FakeCatalog:
    tracks: list[FakeTrack] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_key: dict[str, FakeTrack] = {}
        self._by_isrc: dict[str, list[FakeTrack]] = defaultdict(list)
        self._index: dict[str, set[int]] = defaultdict(set)
        items, self.tracks = self.tracks, []
        self.extend(items)

    def extend(self, tracks: Iterable[FakeTrack]) -> None:
        for t in tracks:
            i = len(self.tracks)
            self.tracks.append(t)
            self._by_key[t.key] = t
            if t.isrc:
                self._by_isrc[t.isrc.upper()].append(t)
            for w in set(words(t.title) + words(" ".join(t.artists)) + words(t.album)):
                self._index[w].add(i)

    def add(self, title: str, artists: Sequence[str], **kw: object) -> FakeTrack:
        t = FakeTrack(str(len(self.tracks) + 1), title, tuple(artists), **kw)  # type: ignore[arg-type]
        self.extend([t])
        return t

    def get(self, key: str) -> FakeTrack | None:
        return self._by_key.get(key)

    def by_isrc(self, isrc: str) -> list[FakeTrack]:
        return list(self._by_isrc.get(isrc.strip().upper(), ()))

    def search(
        self,
        text: str = "",
        *,
        title: str | None = None,
        artist: str | None = None,
        album: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> tuple[list[FakeTrack], int]:
        """(the page, the total). Free-text words must each match somewhere; a field filter's
        words must match in that field."""
        wanted = words(text) + words(title) + words(artist) + words(album)
        if not wanted:
            return [], 0
        postings = sorted((self._index.get(w, set()) for w in set(wanted)), key=len)
        hits = set(postings[0]).intersection(*postings[1:]) if postings else set()
        found = []
        for i in hits:
            t = self.tracks[i]
            if title and not set(words(title)) <= set(words(t.title)):
                continue
            if artist and not set(words(artist)) <= set(words(" ".join(t.artists))):
                continue
            if album and not set(words(album)) <= set(words(t.album)):
                continue
            found.append(t)
        query_words = set(wanted)

        def rank(t: FakeTrack) -> tuple[float, int]:
            tw = words(t.title)
            return (
                -len(query_words & set(tw)) / max(1, len(tw)),
                int(t.key) if t.key.isdigit() else 0,
            )

        found.sort(key=rank)
        return found[offset : offset + limit], len(found)

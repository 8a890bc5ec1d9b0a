"""Catalogs: where the engine looks for the track an entry means.

A catalog answers, for a batch of queries, the tracks each query's identifiers name (a
location, an ISRC, a MusicBrainz recording id, an album position) and the tracks similar
enough to be worth scoring. `MemoryCatalog` holds a library in memory with one index per
rule; a streaming service's catalog (next issue) answers the same two calls with its API's
ISRC look-up and search.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from rapidfuzz import fuzz, process

from tonearm.matching.entry import Entry
from tonearm.matching.normalise import (
    album_kinds,
    first_artist,
    fold,
    fold_album,
    parse_title,
    split_artists,
)
from tonearm.matching.paths import path_parts, tails

_ISRC = re.compile(r"[^A-Z0-9]")


def clean_isrc(isrc: str | None) -> str:
    value = _ISRC.sub("", (isrc or "").upper())
    return value if len(value) == 12 else ""


@dataclass(frozen=True, slots=True)
class CatalogTrack:
    id: str
    title: str
    artists: tuple[str, ...] = ()
    album: str | None = None
    album_artist: str | None = None
    duration: float | None = None
    track_number: int | None = None
    disc_number: int | None = None
    isrc: str | None = None
    mb_recording_id: str | None = None
    path: str | None = None  # where the audio is (a library file's path, an upload's name)


@dataclass(frozen=True, slots=True)
class Known:
    """A catalog track with what the engine compares, computed once."""

    track: CatalogTrack
    title: str  # folded base title
    kinds: frozenset[str]
    artists: frozenset[str]  # credits and featured, folded
    first: str  # the first credited artist, folded
    album: str

    @classmethod
    def of(cls, track: CatalogTrack) -> Known:
        t = parse_title(track.title)
        credits = tuple(track.artists) or ((track.album_artist,) if track.album_artist else ())
        return cls(
            track=track,
            title=t.base,
            kinds=t.kinds | album_kinds(track.album),
            artists=split_artists(credits) | t.featured,
            first=first_artist(credits),
            album=fold_album(track.album),
        )


@dataclass(slots=True)
class Query:
    """An entry as the catalog is asked about it (the engine builds it)."""

    title: str
    artists: frozenset[str]
    album: str
    parts: tuple[str, ...] | None
    isrc: str
    mbid: str
    disc: int
    track_number: int | None
    # The entry as its source gave it: a streaming service's catalog searches with its words
    # (a service's search knows its own folding; ours may differ).
    entry: Entry | None = None


@dataclass(slots=True)
class Found:
    by_path: list[Known] = field(default_factory=list)
    path_depth: int = 0  # how many trailing path components matched
    by_isrc: list[Known] = field(default_factory=list)
    by_mbid: list[Known] = field(default_factory=list)
    by_position: list[Known] = field(default_factory=list)


class Catalog(Protocol):
    async def identify(self, queries: Sequence[Query]) -> list[Found]:
        """The tracks each query's location and identifiers name."""
        ...

    async def similar(self, queries: Sequence[Query], *, wide: bool) -> list[list[Known]]:
        """Tracks worth scoring against each query. Narrow: by the same title. Wide (for the
        queries narrow left undecided): also by title words and by artist."""
        ...


WIDE_LIMIT = 400  # candidates scored at most per query
_COMMON = 5_000  # a word in more titles than this finds nothing by itself


class MemoryCatalog:
    def __init__(self, tracks: Iterable[CatalogTrack]) -> None:
        self.known = [Known.of(t) for t in tracks]
        self._path: dict[str, list[int]] = defaultdict(list)
        self._isrc: dict[str, list[int]] = defaultdict(list)
        self._mbid: dict[str, list[int]] = defaultdict(list)
        self._position: dict[tuple[str, int, int], list[int]] = defaultdict(list)
        self._title: dict[str, list[int]] = defaultdict(list)
        self._word: dict[str, list[int]] = defaultdict(list)
        self._artist: dict[str, list[int]] = defaultdict(list)
        self._pair: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, k in enumerate(self.known):
            t = k.track
            parts = path_parts(t.path)
            if parts:
                for key in tails(parts):
                    self._path[key].append(i)
            if isrc := clean_isrc(t.isrc):
                self._isrc[isrc].append(i)
            if t.mb_recording_id:
                self._mbid[t.mb_recording_id.strip().lower()].append(i)
            if k.album and t.track_number:
                self._position[(k.album, t.disc_number or 1, t.track_number)].append(i)
            self._title[k.title].append(i)
            for word in set(k.title.split()):
                self._word[word].append(i)
            for name in k.artists:
                self._artist[name].append(i)
                self._pair[(k.title, name)].append(i)
        self._names: list[str] | None = None
        self._ids: dict[str, CatalogTrack] | None = None

    def __len__(self) -> int:
        return len(self.known)

    def get(self, track_id: str) -> CatalogTrack | None:
        if self._ids is None:
            self._ids = {k.track.id: k.track for k in self.known}
        return self._ids.get(track_id)

    def _get(self, ids: Iterable[int]) -> list[Known]:
        return [self.known[i] for i in ids]

    async def identify(self, queries: Sequence[Query]) -> list[Found]:
        return [self.identify_one(q) for q in queries]

    def identify_one(self, q: Query) -> Found:
        found = Found()
        if q.parts:
            for key in tails(q.parts):
                hits = self._path.get(key)
                if hits:
                    found.by_path = self._get(hits)
                    found.path_depth = key.count("/") + 1
                    break
        if q.isrc:
            found.by_isrc = self._get(self._isrc.get(q.isrc, ()))
        if q.mbid:
            found.by_mbid = self._get(self._mbid.get(q.mbid, ()))
        if q.album and q.track_number:
            found.by_position = self._get(self._position.get((q.album, q.disc, q.track_number), ()))
        return found

    def _close_artists(self, name: str) -> list[str]:
        """Artist names a typo away (rapidfuzz over the catalog's names)."""
        if self._names is None:
            self._names = list(self._artist)
        found = process.extract(name, self._names, scorer=fuzz.ratio, score_cutoff=85, limit=3)
        return [hit[0] for hit in found]

    async def similar(self, queries: Sequence[Query], *, wide: bool) -> list[list[Known]]:
        return [self.similar_one(q, wide=wide) for q in queries]

    def similar_one(self, q: Query, *, wide: bool) -> list[Known]:
        if not wide:  # the same title: by one of the entry's artists if any, else by anyone
            pairs = [i for name in q.artists for i in self._pair.get((q.title, name), ())]
            return self._get(pairs or self._title.get(q.title, ())[: WIDE_LIMIT * 2])
        ids: dict[int, None] = dict.fromkeys(self._title.get(q.title, ()))
        exact = [name for name in q.artists if name in self._artist]
        for name in exact or [c for n in q.artists for c in self._close_artists(n)]:
            ids.update(dict.fromkeys(self._artist[name][:WIDE_LIMIT]))  # a misspelt title
        if not exact:  # a misspelt artist (or none): the titles sharing rare words
            postings = sorted(
                (p for w in set(q.title.split()) if (p := self._word.get(w)) and len(p) < _COMMON),
                key=len,
            )
            for posting in postings[:2]:
                ids.update(dict.fromkeys(posting[:WIDE_LIMIT]))
        return self._get(list(ids)[: WIDE_LIMIT * 2])


__all__ = [
    "Catalog",
    "CatalogTrack",
    "Found",
    "Known",
    "MemoryCatalog",
    "Query",
    "clean_isrc",
    "fold",
]

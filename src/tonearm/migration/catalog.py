"""A streaming service's catalog as the matching engine sees it.

`identify` asks the service for each entry's ISRC (where it can look one up; several per
request when the client has `tracks_by_isrcs` and an `isrc_batch`); `similar` asks
its search, first narrow (the base title and the first artist, the service's own field
filters where it has them), then wide (the title alone, for a misspelt or missing artist;
the artist alone, and with the title's longest word, for a misspelt title). A search names
the artist in their own script (the service indexes "Σβδγιφ", not our fold's "sbdgif").
The engine then scores the candidates with the same rules and version policy as a playlist
file's import: a live take, a remix, an instrumental is never taken for the original.

Every answer goes through a `LookupStore` (the database's `service_lookups`, shared by every
migration), so the same question is never asked twice, and questions run concurrently
within the service's pace.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from typing import Any, Protocol

from tonearm import providers
from tonearm.matching import CatalogTrack, Found, Known, Query
from tonearm.matching.normalise import _ARTIST_SPLIT, first_artist, parse_title

CONCURRENCY = 8
#: Errors that stop a step of the migration (it waits, or the user reconnects) rather than
#: leaving one track unmatched.
WAIT_OR_STOP = (
    providers.RateLimited,
    providers.QuotaExhausted,
    providers.ProviderUnavailable,
    providers.AuthExpired,
    providers.AuthRevoked,
    providers.ProviderForbidden,
)


class LookupStore(Protocol):
    async def get_many(self, keys: Sequence[str]) -> dict[str, list[providers.ServiceTrack]]: ...

    async def put_many(self, answers: dict[str, list[providers.ServiceTrack]]) -> None: ...


class MemoryLookups:
    def __init__(self) -> None:
        self.answers: dict[str, list[providers.ServiceTrack]] = {}

    async def get_many(self, keys: Sequence[str]) -> dict[str, list[providers.ServiceTrack]]:
        return {k: self.answers[k] for k in keys if k in self.answers}

    async def put_many(self, answers: dict[str, list[providers.ServiceTrack]]) -> None:
        self.answers.update(answers)


def catalog_track(t: providers.ServiceTrack) -> CatalogTrack:
    return CatalogTrack(
        id=t.id,
        title=t.title,
        artists=t.artists,
        album=t.album,
        duration=t.duration,
        track_number=t.track_number,
        disc_number=t.disc_number,
        isrc=t.isrc,
    )


def track_from_json(data: dict[str, Any]) -> providers.ServiceTrack:
    return providers.ServiceTrack(
        id=str(data["id"]),
        title=str(data.get("title") or ""),
        artists=tuple(data.get("artists") or ()),
        album=data.get("album"),
        duration=data.get("duration"),
        isrc=data.get("isrc"),
        url=data.get("url"),
        track_number=data.get("track_number"),
        disc_number=data.get("disc_number"),
        image=data.get("image"),
    )


_WORD = re.compile(r"\w+")


def search_artist(credits: Sequence[str]) -> str:
    """The first artist as a search at the service should name them: `first_artist`, but a
    name in another script is kept in it (the service indexes "Σβδγιφ", not the "sbdgif"
    our transliterating fold makes of it)."""
    for credit in credits:
        if not credit:
            continue
        if credit.isascii():
            name = first_artist((credit,))
            if name:
                return name
            continue
        text = unicodedata.normalize("NFKC", credit).casefold().replace("\\,", "\x00")
        for part in _ARTIST_SPLIT.split(text):
            name = " ".join(_WORD.findall(part.replace("\x00", ",")))
            if name.startswith("the "):
                name = name[4:]
            if name:
                return name
    return ""


def _key(kind: str, *parts: str) -> str:
    text = "\x1f".join(parts)
    if len(text) <= 48:
        return f"{kind}:{text}"
    return f"{kind}#{hashlib.sha256(text.encode()).hexdigest()[:48]}"


class ServiceCatalog:
    def __init__(
        self,
        client: Any,
        capabilities: frozenset[str],
        store: LookupStore,
        *,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.client = client
        self.can_isrc = "isrc" in capabilities
        self.can_search = "search" in capabilities
        self.store = store
        self.tracks: dict[str, providers.ServiceTrack] = {}  # every candidate seen
        self.asked = 0  # questions sent to the service (not answered from the store)
        self.refused = 0  # questions the service refused to answer
        self._gate = asyncio.Semaphore(concurrency)

    def get(self, track_id: str) -> providers.ServiceTrack | None:
        return self.tracks.get(track_id)

    async def _answers(
        self, questions: dict[str, tuple[str, Any]]
    ) -> dict[str, list[providers.ServiceTrack]]:
        """key -> (method, argument): stored answers, and the service's for the rest."""
        known = await self.store.get_many(list(questions))
        missing = [k for k in questions if k not in known]
        fresh: dict[str, list[providers.ServiceTrack]] = {}

        async def ask(key: str) -> None:
            method, arg = questions[key]
            async with self._gate:
                self.asked += 1
                try:
                    if method == "isrc":
                        found = await self.client.tracks_by_isrc(arg)
                    else:
                        found = await self.client.search_tracks(arg, limit=self.client.search_limit)
                except providers.ProviderNotFound:
                    found = []
                except WAIT_OR_STOP:
                    raise
                except providers.ProviderError:
                    # One question the service will not answer (a query it refuses): that
                    # track finds nothing; the migration goes on. Not stored: ask next time.
                    self.refused += 1
                    known[key] = []
                    return
            known[key] = fresh[key] = list(found)

        async def ask_isrcs(keys: list[str]) -> None:
            """Several ISRCs in one request (the client's `tracks_by_isrcs`): each track
            goes to the question whose ISRC it carries."""
            wanted = {str(questions[k][1]).strip().upper(): k for k in keys}
            async with self._gate:
                self.asked += 1
                try:
                    found = await self.client.tracks_by_isrcs(list(wanted))
                except providers.ProviderNotFound:
                    found = []
                except WAIT_OR_STOP:
                    raise
                except providers.ProviderError:
                    self.refused += 1
                    for k in keys:
                        known[k] = []
                    return
            answers: dict[str, list[providers.ServiceTrack]] = {k: [] for k in keys}
            for t in found:
                key = wanted.get((t.isrc or "").strip().upper())
                if key is not None:
                    answers[key].append(t)
            for k, tracks in answers.items():
                known[k] = fresh[k] = tracks

        batch = int(getattr(self.client, "isrc_batch", 0) or 0)
        if batch > 1 and hasattr(self.client, "tracks_by_isrcs"):
            isrcs = [k for k in missing if questions[k][0] == "isrc"]
            missing = [k for k in missing if questions[k][0] != "isrc"]
            chunks = [isrcs[i : i + batch] for i in range(0, len(isrcs), batch)]
        else:
            chunks = []
        if missing or chunks:
            try:
                await _gather([*(ask(k) for k in missing), *(ask_isrcs(c) for c in chunks)])
            finally:  # what was answered is kept, also when another question failed
                if fresh:
                    await self.store.put_many(fresh)
        for tracks in known.values():
            for t in tracks:
                self.tracks.setdefault(t.id, t)
        return known

    async def identify(self, queries: Sequence[Query]) -> list[Found]:
        if not self.can_isrc:
            return [Found() for _ in queries]
        questions = {_key("isrc", q.isrc): ("isrc", q.isrc) for q in queries if q.isrc}
        answers = await self._answers(questions)
        return [
            Found(
                by_isrc=[Known.of(catalog_track(t)) for t in answers.get(_key("isrc", q.isrc), [])]
            )
            if q.isrc
            else Found()
            for q in queries
        ]

    def _searches(self, q: Query, *, wide: bool) -> list[providers.SearchQuery]:
        """Narrow: the base title and the first artist. Wide: the title alone (a misspelt or
        transliterated artist), the artist alone and the artist with the title's longest
        word (a misspelt title: a service's search wants every word to match, so one typo
        finds nothing; an artist with more tracks than a page needs the word)."""
        entry = q.entry
        title = parse_title(entry.title).base if entry is not None else q.title
        if not title:
            return []
        artist = search_artist(entry.artists) if entry is not None else ""
        if not wide:
            return [providers.SearchQuery(title=title, artists=(artist,) if artist else ())]
        out = [providers.SearchQuery(title=title)]
        if artist:
            out.append(providers.SearchQuery(title="", artists=(artist,)))
            words = title.split()
            if len(words) > 1:  # an artist with more tracks than a page: one word of the title
                out.append(providers.SearchQuery(title=max(words, key=len), artists=(artist,)))
        return out

    async def similar(self, queries: Sequence[Query], *, wide: bool) -> list[list[Known]]:
        if not self.can_search or (wide and getattr(self.client, "searches_are_scarce", False)):
            # A service whose searches are counted by the day (YouTube's 100) gets one
            # search per track, the narrow one, as its estimate says.
            return [[] for _ in queries]
        searches = [self._searches(q, wide=wide) for q in queries]
        questions = {
            _key("search", s.title, *s.artists): ("search", s) for each in searches for s in each
        }
        answers = await self._answers(questions)
        out: list[list[Known]] = []
        for each in searches:
            seen: dict[str, providers.ServiceTrack] = {}
            for s in each:
                for t in answers.get(_key("search", s.title, *s.artists), []):
                    seen.setdefault(t.id, t)
            out.append([Known.of(catalog_track(t)) for t in seen.values()])
        return out


async def _gather(coros: Any) -> None:
    """Run them all; the first error is raised once every one has finished (so no question
    is left half-asked and its answer lost)."""
    results = await asyncio.gather(*coros, return_exceptions=True)
    for r in results:
        if isinstance(r, BaseException):
            raise r

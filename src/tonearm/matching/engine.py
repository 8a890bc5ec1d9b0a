"""The engine: for each entry, the catalog track it means, the bucket, and why.

Rules, in order; the first that decides wins:

1. `path`: the location's longest common tail with a catalog track's (drive letters, UNC
   hosts, separators, case, NFC/NFD and the extension do not matter). A file name alone
   decides only if the title does not disagree.
2. `isrc`, 3. `mbid` (MusicBrainz recording id): the same recording.
4. `album_position`: the same album title, disc and track number, and a title that agrees.
5. `fuzzy`: title and artists by rapidfuzz over the normalised forms (`normalise`), with the
   duration within 3 s (or unknown); with title and artists equal, within 10 s.

The version policy: a live, remix, acoustic, instrumental, acapella, karaoke, cover, demo,
sped-up or slowed version matches only a version of the same kind (`Policy.strict_versions`;
relaxed per import). Buckets: `matched` (the track is taken), `review` (the user confirms one
of up to three candidates), `unmatched` (kept as an external entry).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from tonearm.matching.catalog import Catalog, Found, Known, Query, clean_isrc
from tonearm.matching.entry import Entry
from tonearm.matching.normalise import (
    album_kinds,
    first_artist,
    fold_album,
    parse_title,
    split_artists,
)
from tonearm.matching.paths import path_parts

Bucket = Literal["matched", "review", "unmatched"]

TITLE_MATCH = 0.90
ARTIST_MATCH = 0.85
DURATION_FUZZY = 3.0
DURATION_EXACT_NAMES = 10.0
MARGIN = 0.04  # the best must beat another song by this much to be taken without asking
REVIEW_SCORE = 0.72


@dataclass(frozen=True, slots=True)
class Policy:
    strict_versions: bool = True


@dataclass(frozen=True, slots=True)
class Candidate:
    track_id: str
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Match:
    bucket: Bucket
    track_id: str | None
    score: float
    rule: str  # path, isrc, mbid, album_position, fuzzy, none (decision: the user's)
    reason: str
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Wanted:
    """An entry as the engine compares it."""

    title: str
    kinds: frozenset[str]
    artists: frozenset[str]
    first: str
    album: str
    duration: float | None


@dataclass(frozen=True, slots=True)
class _Scored:
    known: Known
    score: float
    title: float
    artist: float | None
    diff: float | None
    versions_ok: bool

    @property
    def id(self) -> str:
        return self.known.track.id

    def describe(self) -> str:
        t = self.known.track
        bits = [f"title {self.title:.0%}"]
        if self.artist is not None:
            bits.append(f"artists {self.artist:.0%}")
        if self.diff is not None:
            bits.append(f"duration {_seconds(self.diff)} off")
        by = ", ".join(t.artists) or t.album_artist or "unknown artist"
        return f"“{t.title}” by {by} ({'; '.join(bits)})"


def _seconds(diff: float) -> str:
    return f"{diff:.0f} s" if diff >= 1 else "<1 s"


def _wanted(entry: Entry) -> _Wanted:
    t = parse_title(entry.title)
    return _Wanted(
        title=t.base,
        kinds=t.kinds | album_kinds(entry.album),
        artists=split_artists(entry.artists) | t.featured,
        first=first_artist(entry.artists),
        album=fold_album(entry.album),
        duration=entry.duration if entry.duration and entry.duration > 0 else None,
    )


def _query(entry: Entry, w: _Wanted, base: tuple[str, ...]) -> Query:
    return Query(
        title=w.title,
        artists=w.artists,
        album=w.album,
        parts=path_parts(entry.location, base),
        isrc=clean_isrc(entry.isrc),
        mbid=(entry.mb_recording_id or "").strip().lower(),
        disc=entry.disc_number or 1,
        track_number=entry.track_number,
        entry=entry,
    )


def _score(w: _Wanted, k: Known, policy: Policy) -> _Scored:
    if w.title and w.title == k.title:
        title = 1.0
    elif w.title and k.title:
        title = max(fuzz.ratio(w.title, k.title), fuzz.token_sort_ratio(w.title, k.title)) / 100
    else:
        title = 0.0
    artist: float | None = None
    if w.artists and w.artists & k.artists:
        artist = 1.0
    elif w.artists:
        artist = 0.0
        for name in w.artists:
            for other in k.artists:
                artist = max(artist, fuzz.ratio(name, other) / 100)
                if artist == 1.0:
                    break
    d = k.track.duration
    diff = abs(w.duration - d) if w.duration and d and d > 0 else None
    timing = 1.0 if diff is None or diff <= DURATION_FUZZY else max(0.0, 1 - (diff - 3) / 10)
    if artist is None:
        score = 0.85 * title + 0.15 * timing
    else:
        score = 0.6 * title + 0.3 * artist + 0.1 * timing
    if w.album and w.album == k.album:
        score = min(1.0, score + 0.02)
    versions_ok = not policy.strict_versions or w.kinds == k.kinds
    return _Scored(k, round(score, 4), title, artist, diff, versions_ok)


def _versions(kinds: frozenset[str]) -> str:
    return " and ".join(sorted(kinds)).replace("_", " ") if kinds else "original"


class Matcher:
    def __init__(self, catalog: Catalog, policy: Policy | None = None) -> None:
        self.catalog = catalog
        self.policy = policy or Policy()

    async def match(self, entry: Entry, base: str | None = None) -> Match:
        (m,) = await self.match_many([entry], base)
        return m

    async def match_many(self, entries: Sequence[Entry], base: str | None = None) -> list[Match]:
        """`base`: where a relative location starts (the playlist file's folder)."""
        base_parts = path_parts(base.rstrip("/\\") + "/x", ()) if base else None
        base_dir = base_parts[:-1] if base_parts else ()
        wanted = [_wanted(e) for e in entries]
        queries = [_query(e, w, base_dir) for e, w in zip(entries, wanted, strict=True)]
        results: list[Match | None] = [None] * len(entries)
        pending: list[int] = []
        for i, found in enumerate(await self.catalog.identify(queries)):
            results[i] = self._identified(entries[i], wanted[i], found)
            if results[i] is None and wanted[i].title:
                pending.append(i)
        for wide in (False, True):
            if not pending:
                break
            batch = await self.catalog.similar([queries[i] for i in pending], wide=wide)
            still = []
            for i, known in zip(pending, batch, strict=True):
                m = self._fuzzy(wanted[i], known, final=wide)
                if m is None:
                    still.append(i)
                else:
                    results[i] = m
            pending = still
        return [
            m
            or Match(
                "unmatched",
                None,
                0.0,
                "fuzzy" if w.title else "none",
                "The entry has no title, and its location and identifiers name no track."
                if not w.title
                else "Nothing in the catalog is close to this title.",
            )
            for m, w in zip(results, wanted, strict=True)
        ]

    # --- identifiers -------------------------------------------------------------------------
    def _identified(self, entry: Entry, w: _Wanted, found: Found) -> Match | None:
        if found.by_path:
            scored = self._ranked(w, found.by_path, versions=False)
            best = scored[0]
            single = len(scored) == 1 or (scored[0].score - scored[1].score) >= MARGIN
            title_ok = not w.title or best.title >= 0.8
            where = "/".join(path_parts(entry.location) or ())
            if single and (found.path_depth >= 2 or title_ok):
                return Match(
                    "matched",
                    best.id,
                    1.0,
                    "path",
                    f"The same file: the location's last {found.path_depth} "
                    f"part{'s' if found.path_depth > 1 else ''} ({where.split('/')[-1]}) "
                    "match a library file.",
                )
            if not single:
                return self._review(
                    scored, "Several library files have this location's name; pick one."
                )
            # A file name alone, with a title that disagrees: the other rules decide.
        for rule, hits, label in (
            ("isrc", found.by_isrc, f"ISRC {clean_isrc(entry.isrc)}"),
            ("mbid", found.by_mbid, "MusicBrainz recording id"),
        ):
            if hits:
                best = self._ranked(w, hits, versions=False)[0]
                return Match("matched", best.id, 1.0, rule, f"The same {label}: {best.describe()}.")
        if found.by_position:
            fits = [
                s
                for s in self._ranked(w, found.by_position, versions=False)
                if s.title >= 0.7 and (s.artist is None or s.artist >= 0.6)
            ]
            if fits:
                best = fits[0]
                disc, number = entry.disc_number or 1, entry.track_number
                return Match(
                    "matched",
                    best.id,
                    round(max(best.score, 0.9), 4),
                    "album_position",
                    f"The same album, disc {disc}, track {number}: {best.describe()}.",
                )
        return None

    def _ranked(self, w: _Wanted, known: Sequence[Known], *, versions: bool) -> list[_Scored]:
        scored = [_score(w, k, self.policy) for k in known]
        if versions:
            scored = [s for s in scored if s.versions_ok]
        return sorted(scored, key=lambda s: (-s.score, -(s.diff is not None), s.diff or 0))

    # --- fuzzy -------------------------------------------------------------------------------
    def _fuzzy(self, w: _Wanted, known: Sequence[Known], *, final: bool) -> Match | None:
        """A match, or None when a wider search may still find one (`final`: it may not)."""
        if not known:
            return None
        everything = self._ranked(w, _shortlist(w, known), versions=False)
        if not everything:  # many candidates, none close enough to shortlist
            return None
        ok = [s for s in everything if s.versions_ok]
        if ok:
            best = ok[0]
            other = next((s for s in ok[1:] if not _same_song(best, s)), None)
            clear = other is None or best.score - other.score >= MARGIN
            if clear and self._takes(w, best, ok):
                timing = f", duration {_seconds(best.diff)} apart" if best.diff is not None else ""
                return Match(
                    "matched",
                    best.id,
                    best.score,
                    "fuzzy",
                    f"Title and artists agree{timing}: {best.describe()}.",
                )
            artist_ok = best.artist is None or best.artist >= 0.6
            if best.score >= REVIEW_SCORE and best.title >= 0.75 and artist_ok:
                if not final and not (best.title == 1.0 and (best.artist or 0) >= 0.95):
                    return None  # a wider search may find a better one
                why = (
                    "Two library tracks fit about equally."
                    if not clear
                    else "Close, but not sure enough to take without asking."
                )
                return self._review(ok, why)
        if not final and everything[0].title < 1.0:
            return None  # the same title was found: a wider search would find no other
        if everything and not ok and everything[0].title >= 0.9:
            closest = everything[0]
            return Match(
                "unmatched",
                None,
                0.0,
                "fuzzy",
                f"Only another version is in the catalog ({_versions(closest.known.kinds)}, "
                f"wanted {_versions(w.kinds)}): {closest.describe()}. Relax the version policy "
                "to take it.",
                [Candidate(s.id, s.score, s.describe()) for s in everything[:3]],
            )
        closest = everything[0]
        return Match(
            "unmatched",
            None,
            0.0,
            "fuzzy",
            f"Not close enough; the closest is {closest.describe()}.",
        )

    def _takes(self, w: _Wanted, best: _Scored, ok: Sequence[_Scored]) -> bool:
        timed = best.diff is not None and best.diff <= DURATION_FUZZY
        if best.artist is None:  # only a title: it must be unique and the duration agree
            same_title = sum(1 for s in ok if s.title == 1.0)
            return best.title == 1.0 and same_title == 1 and timed
        if best.title >= TITLE_MATCH and best.artist >= ARTIST_MATCH:
            if best.diff is None or best.diff <= DURATION_FUZZY:
                return True
            return best.title == 1.0 and best.artist >= 0.95 and best.diff <= DURATION_EXACT_NAMES
        # One typo in a short name: the rest must agree exactly, the duration included.
        if best.title == 1.0 and best.artist >= 0.75 and (timed or best.diff is None):
            return True
        return best.artist == 1.0 and best.title >= 0.8 and timed

    @staticmethod
    def _review(scored: Sequence[_Scored], why: str) -> Match:
        best = scored[0]
        return Match(
            "review",
            None,
            best.score,
            "fuzzy",
            why,
            [Candidate(s.id, s.score, s.describe()) for s in scored[:3]],
        )


SHORTLIST = 6


def _shortlist(w: _Wanted, known: Sequence[Known]) -> Sequence[Known]:
    """The few candidates worth a full score: those crediting one of the entry's artists
    (best titles first) and the best titles and artists by rapidfuzz's C scans."""
    if len(known) <= SHORTLIST * 2:
        return known
    picked: dict[int, None] = {}
    same_artist = [i for i, k in enumerate(known) if w.artists & k.artists]
    if len(same_artist) > SHORTLIST:
        titles = [known[i].title for i in same_artist]
        for _, _, j in process.extract(w.title, titles, scorer=fuzz.ratio, limit=SHORTLIST):
            picked[same_artist[j]] = None
    else:
        picked.update(dict.fromkeys(same_artist))
    for _, _, i in process.extract(
        w.title, [k.title for k in known], scorer=fuzz.ratio, limit=SHORTLIST, score_cutoff=70
    ):
        picked[i] = None
    if w.artists:
        owners = [i for i, k in enumerate(known) for _ in k.artists]
        names = [n for k in known for n in k.artists]
        for name in w.artists:
            for _, _, j in process.extract(
                name, names, scorer=fuzz.ratio, limit=SHORTLIST, score_cutoff=70
            ):
                picked[owners[j]] = None
    return [known[i] for i in picked]


def _same_song(a: _Scored, b: _Scored) -> bool:
    """The same song on two albums (a compilation, a re-release): either is right."""
    return (
        a.known.title == b.known.title
        and a.known.first == b.known.first
        and a.known.kinds == b.known.kinds
        and (a.diff is None or b.diff is None or abs(a.diff - b.diff) <= 3)
    )

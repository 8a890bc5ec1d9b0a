"""Matching quality and speed (issue 11): the engine against a synthesized 100k-track catalog.

The catalog: 100,000 tracks by 12,000 artists (some named in Cyrillic, Greek or kana, some
"The ..."), titles of one to four words, and for a share of the songs other versions beside
the original (live, remix, acoustic, instrumental, karaoke, cover). The entries (6,000 by
default, BENCH_MATCH_ENTRIES): a labelled answer each, the track or "not in the catalog".

- easy positives (a third): the catalog's own fields, with the small differences exporters
  make (case, "- Remastered 2011", "[Explicit]", "&" for "and", "The" dropped, accents
  dropped, a duration 0-2 s off);
- hard positives (a third): typos, "feat." moved between title and artists, transliterated
  names (Latin for a Cyrillic, Greek or kana artist), missing album, duration or artist (the
  title alone), durations off by 1-10 s, two of these at once;
- hard negatives (a third): another version of a song the catalog has (the entry live, remix,
  instrumental, karaoke, acoustic, cover, sped up, while the catalog has only the original;
  or the entry the original where the catalog holds only the live take), and the same title
  by an artist the catalog does not have.

Printed: precision and recall of the matched bucket, the share sent to review, and the
speed in entries/s. Goal: precision >= 99.5%, recall >= 97%, review <= 3%, >= 5,000 entries/s.
The same-machine reference for speed: brute force, one `rapidfuzz.process.extractOne` per entry
over all 100k "artist title" strings (what a matcher without indexes costs), on a sample.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter

from rapidfuzz import fuzz, process

from tonearm.matching import CatalogTrack, Entry, Matcher, MemoryCatalog


def _words(text: str) -> list[str]:
    return text.split()


SYLLABLES = _words(
    "ka ri no sa ta mi lo ve ra da en el an or is us ix on ar ba co de fa gi ho ju ke li "
    "mo ne pa qu ro si tu va we yo ze bri cla dro fle gra ple tro stan mor vel "
)
WORDS = _words(
    "love night heart fire light rain river dream summer winter road home blue gold "
    "shadow city ocean wild song dance stars moon sun black white red paper glass stone "
    "wind heaven angel ghost echo silver midnight morning evening storm thunder sky tears "
    "kiss lonely broken forever young old sweet bitter electric neon velvet falling "
    "running burning waiting dreaming crying flying dancing calling leaving back again "
    "away down tonight tomorrow yesterday always never nowhere somewhere garden mountain "
    "valley island desert forest highway bridge window mirror letter secret promise "
    "memory story fever sugar honey diamond crystal thunderbird harbour "
)
CYRILLIC = dict(zip("abvgdeziklmnoprstufh", "абвгдезиклмнопрстуфх", strict=True))
GREEK = dict(zip("abgdeziklmnoprstf", "αβγδεζικλμνοπρστφ", strict=True))
KANA = {
    "ka": "カ", "ri": "リ", "no": "ノ", "sa": "サ", "ta": "タ", "mi": "ミ", "ko": "コ",
    "ra": "ラ", "na": "ナ", "to": "ト", "yo": "ヨ", "ma": "マ", "su": "ス", "ki": "キ",
}  # fmt: skip
VERSIONS = {
    "live": ["(Live)", "- Live at the Forum", "(Live in Berlin)"],
    "remix": ["(Remix)", "- Club Mix", "(Extended Remix)"],
    "acoustic": ["(Acoustic)", "- Acoustic Version"],
    "instrumental": ["(Instrumental)"],
    "karaoke": ["(Karaoke Version)"],
    "cover": ["(Cover)"],
    "sped_up": ["(Sped Up)"],
}


def name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def artist_name(rng: random.Random) -> tuple[str, str]:
    """(as the catalog spells it, as a Latin-only exporter would)."""
    kind = rng.random()
    if kind < 0.04:  # kana
        latin = "".join(rng.choice(list(KANA)) for _ in range(rng.randint(2, 4)))
        return "".join(KANA[latin[i : i + 2]] for i in range(0, len(latin), 2)), latin
    if kind < 0.08:  # Cyrillic
        latin = "".join(rng.choice("abvgdeziklmnoprstufh") for _ in range(rng.randint(4, 7)))
        return "".join(CYRILLIC[c] for c in latin).capitalize(), latin.capitalize()
    if kind < 0.10:  # Greek
        latin = "".join(rng.choice("abgdeziklmnoprstf") for _ in range(rng.randint(4, 7)))
        return "".join(GREEK[c] for c in latin).capitalize(), latin.capitalize()
    first = name(rng, rng.randint(1, 3))
    if kind < 0.2:
        return f"The {first}s", f"The {first}s"
    if kind < 0.6:
        full = f"{first} {name(rng, rng.randint(2, 3))}"
        return full, full
    return first, first


def title_words(rng: random.Random) -> str:
    n = rng.choices((1, 2, 3, 4), weights=(2, 5, 3, 1))[0]
    return " ".join(rng.choice(WORDS) for _ in range(n)).title()


def typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 5:
        return text
    i = rng.choice(letters[1:-1])
    op = rng.randrange(3)
    if op == 0:
        return text[:i] + text[i + 1 :]
    if op == 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice("aeiounrst") + text[i + 1 :]


def build_catalog(rng: random.Random, n: int) -> tuple[list[CatalogTrack], dict[str, str]]:
    artists = [artist_name(rng) for _ in range(max(1, n // 8))]
    latin = {spelled: lat for spelled, lat in artists}
    tracks: list[CatalogTrack] = []
    seen: set[tuple[str, str]] = set()
    while len(tracks) < n:
        spelled, _ = rng.choice(artists)
        album = title_words(rng)
        for number in range(1, rng.randint(6, 14)):
            title = title_words(rng)
            if (title.casefold(), spelled) in seen:
                continue
            seen.add((title.casefold(), spelled))
            duration = round(rng.uniform(120, 420), 1)
            feat = (name(rng, 2),) if rng.random() < 0.08 else ()
            tracks.append(
                CatalogTrack(
                    id=f"t{len(tracks)}",
                    title=title,
                    artists=(spelled, *feat),
                    album=album,
                    album_artist=spelled,
                    duration=duration,
                    track_number=number,
                    disc_number=1,
                )
            )
            if rng.random() < 0.08:  # another version of it, on a live or remix album
                kind = rng.choice(list(VERSIONS))
                suffix = rng.choice(VERSIONS[kind])
                tracks.append(
                    CatalogTrack(
                        id=f"t{len(tracks)}",
                        title=f"{title} {suffix}",
                        artists=(spelled,),
                        album=f"{album} (Deluxe)",
                        album_artist=spelled,
                        duration=round(duration + rng.uniform(-40, 60), 1),
                    )
                )
            if len(tracks) >= n:
                break
    return tracks, latin


def _versioned(tracks: list[CatalogTrack]) -> dict[tuple[str, str], list[CatalogTrack]]:
    """Songs by (base title, artist) -> the catalog's tracks of it (original and versions)."""
    songs: dict[tuple[str, str], list[CatalogTrack]] = {}
    for t in tracks:
        base = t.title.split(" (")[0].split(" - ")[0]
        songs.setdefault((base, t.artists[0]), []).append(t)
    return songs


def easy(rng: random.Random, t: CatalogTrack) -> Entry:
    title, artists = t.title, list(t.artists)
    change = rng.randrange(7)
    if change == 0:
        title = title.upper()
    elif change == 1:
        title += " - Remastered 2011"
    elif change == 2:
        title += " [Explicit]"
    elif change == 3:
        artists = [a.replace("The ", "", 1) for a in artists]
    elif change == 4:
        artists = [", ".join(artists)]
    elif change == 5:
        title = title.lower()
    return Entry(
        title=title,
        artists=tuple(artists),
        album=t.album,
        duration=round((t.duration or 0) + rng.uniform(-2, 2)),
    )


def hard_positive(rng: random.Random, t: CatalogTrack, latin: dict[str, str]) -> Entry:
    title, artists = t.title, list(t.artists)
    album: str | None = t.album
    duration: float | None = t.duration
    for change in rng.sample(range(7), k=rng.choices((1, 2), weights=(3, 1))[0]):
        if change == 0:
            title = typo(rng, title)
        elif change == 1 and len(artists) > 1:  # feat. moved into the title
            title = f"{title} (feat. {artists[1]})"
            artists = artists[:1]
        elif change == 1:
            artists = [typo(rng, a) for a in artists]
        elif change == 2:
            artists = [latin.get(a, a) for a in artists]
        elif change == 3:
            album = None
        elif change == 4:
            duration = None
        elif change == 5:
            duration = (t.duration or 200) + rng.choice((-1, 1)) * rng.uniform(1, 10)
        elif change == 6:
            title = f"{title} (2009 Remaster)"
    return Entry(title=title, artists=tuple(artists), album=album, duration=duration)


def hard_negative(
    rng: random.Random, t: CatalogTrack, songs: dict[tuple[str, str], list[CatalogTrack]]
) -> Entry | None:
    versions = songs[(t.title, t.artists[0])]
    if len(versions) > 1:  # the catalog has a version: ask for the original or another kind
        other = next(v for v in versions if v is not t)
        if rng.random() < 0.5:
            return None  # keep it simple: the negative below instead
        missing = [k for k in VERSIONS if k not in other.title.casefold()]
        kind = rng.choice(missing)
        return Entry(
            title=f"{t.title} {rng.choice(VERSIONS[kind])}",
            artists=t.artists[:1],
            duration=(t.duration or 200) + rng.uniform(-20, 20),
        )
    if rng.random() < 0.5:
        kind = rng.choice(list(VERSIONS))
        return Entry(
            title=f"{t.title} {rng.choice(VERSIONS[kind])}",
            artists=t.artists[:1],
            album=t.album if rng.random() < 0.3 else None,
            duration=(t.duration or 200) + rng.uniform(-30, 30),
        )
    return Entry(  # the same title by an artist the catalog does not have
        title=t.title,
        artists=(f"{name(rng, 2)} {name(rng, 2)}",),
        duration=(t.duration or 200) + rng.uniform(-5, 5),
    )


def labelled(
    rng: random.Random, tracks: list[CatalogTrack], latin: dict[str, str], n: int
) -> list[tuple[Entry, str | None, str]]:
    songs = _versioned(tracks)
    originals = [t for t in tracks if "(" not in t.title and " - " not in t.title]
    out: list[tuple[Entry, str | None, str]] = []
    while len(out) < n:
        t = rng.choice(originals)
        third = len(out) % 3
        if third == 0:
            out.append((easy(rng, t), t.id, "easy positive"))
        elif third == 1:
            out.append((hard_positive(rng, t, latin), t.id, "hard positive"))
        else:
            negative = hard_negative(rng, t, songs)
            if negative is None:
                # a demo of a song the catalog has two versions of, neither a demo
                negative = Entry(title=f"{t.title} (Demo)", artists=t.artists[:1])
            out.append((negative, None, "hard negative"))
    return out


async def measure(n_tracks: int, n_entries: int) -> None:
    rng = random.Random(11)
    started = time.perf_counter()
    tracks, latin = build_catalog(rng, n_tracks)
    entries = labelled(rng, tracks, latin, n_entries)
    made = time.perf_counter() - started
    started = time.perf_counter()
    catalog = MemoryCatalog(tracks)
    indexed = time.perf_counter() - started
    matcher = Matcher(catalog)
    started = time.perf_counter()
    matches = await matcher.match_many([e for e, _, _ in entries])
    elapsed = time.perf_counter() - started

    buckets = Counter(m.bucket for m in matches)
    matched = [(m, label) for m, (_, label, _) in zip(matches, entries, strict=True)
               if m.bucket == "matched"]  # fmt: skip
    correct = sum(1 for m, label in matched if m.track_id == label)
    positives = sum(1 for _, label, _ in entries if label is not None)
    precision = correct / len(matched) if matched else 1.0
    recall = correct / positives if positives else 1.0
    review = buckets["review"] / len(entries)
    print(f"catalog: {len(tracks):,} tracks, built in {made:.1f} s, indexed in {indexed:.1f} s")
    print(f"entries: {len(entries):,} ({positives:,} with a right answer)")
    print(f"buckets: {dict(buckets)}")
    print(f"precision (matched) {precision:.2%}   goal >= 99.5%")
    print(f"recall (matched)    {recall:.2%}   goal >= 97%")
    print(f"review share        {review:.2%}   goal <= 3%")
    by_kind: dict[str, Counter[str]] = {}
    for m, (_, label, kind) in zip(matches, entries, strict=True):
        verdict = (
            "right" if m.bucket == "matched" and m.track_id == label
            else "WRONG" if m.bucket == "matched"
            else m.bucket
        )  # fmt: skip
        by_kind.setdefault(kind, Counter())[verdict] += 1
    for kind, counts in by_kind.items():
        print(f"  {kind:14s} {dict(counts)}")
    if os.environ.get("BENCH_MATCH_SHOW"):
        shown = 0
        by_id = {t.id: t for t in tracks}
        for m, (e, label, kind) in zip(matches, entries, strict=True):
            wrong = m.bucket == "matched" and m.track_id != label
            missed = label is not None and m.bucket != "matched"
            if (wrong or missed) and shown < int(os.environ["BENCH_MATCH_SHOW"]):
                shown += 1
                want = by_id.get(label or "")
                print(f"- {kind}: {e}\n  want {want}\n  got {m}")
    rate = len(entries) / elapsed
    print(f"speed: {rate:,.0f} entries/s ({elapsed:.2f} s)   goal >= 5,000 entries/s")

    sample = [e for e, _, _ in entries[:200]]
    choices = [f"{' '.join(t.artists)} {t.title}" for t in tracks]
    started = time.perf_counter()
    for e in sample:
        process.extractOne(f"{' '.join(e.artists)} {e.title}", choices, scorer=fuzz.WRatio)
    brute = len(sample) / (time.perf_counter() - started)
    print(f"reference, brute-force rapidfuzz extractOne: {brute:,.0f} entries/s")


def main() -> None:
    n_tracks = int(os.environ.get("BENCH_MATCH_TRACKS", "100000"))
    n_entries = int(os.environ.get("BENCH_MATCH_ENTRIES", "6000"))
    asyncio.run(measure(n_tracks, n_entries))


if __name__ == "__main__":
    main()

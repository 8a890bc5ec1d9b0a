"""Normalising what an entry or a track says, so that two spellings of one song compare equal.

- `fold`: NFKC, transliterated to Latin (anyascii: Cyrillic, Greek, kana, accents), case-folded,
  `&` and `+` as "and", punctuation dropped, spaces collapsed.
- `parse_title`: a title's base ("Northern Winds"), its version kinds ({"live"}) and the
  artists it features ("feat. X" in brackets, after a dash, or bare). Noise that names the
  same recording ("- Remastered 2011", "[Explicit]", "(Radio Edit)", "(Mono)") is dropped; any
  other bracket stays part of the title ("(I Can't Get No) Satisfaction").
- `split_artists`: artist credits as a set of folded names, lists joined by `,` `;` `&` `/`
  ` x ` `and` `feat.` split (on both sides of a comparison, so "Simon & Garfunkel" stays equal
  to itself); a leading "The" dropped.
- `album_kinds`: the version an album's title declares ("Live at the Hall", "Unplugged").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

KINDS = (
    "live",
    "remix",
    "acoustic",
    "instrumental",
    "acapella",
    "karaoke",
    "cover",
    "demo",
    "sped_up",
    "slowed",
)

_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_AND = re.compile(r"\s*[&+]\s*")
_APOSTROPHES = re.compile(r"['\u2019`\u00b4]")


@lru_cache(maxsize=200_000)
def fold(text: str | None) -> str:
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text)
    if not t.isascii():
        t = anyascii(t)
    t = _APOSTROPHES.sub("", t.casefold())
    t = _AND.sub(" and ", t)
    t = _PUNCT.sub(" ", t).replace("_", " ")
    return _SPACES.sub(" ", t).strip()


# --- titles -------------------------------------------------------------------------------

_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("live", r"\blive\b|\bin concert\b|\bunplugged\b"),
        ("remix", r"\bremix(ed)?\b|\brmx\b|\b(club|extended|dub|vip) mix\b|\brework\b|\bbootleg\b"),
        ("acoustic", r"\bacoustic\b|\bunplugged\b"),
        ("instrumental", r"\binstrumental\b"),
        ("acapella", r"\ba ?cc?app?ella\b|\bvocals? only\b"),
        ("karaoke", r"\bkaraoke\b|\bbacking track\b"),
        ("cover", r"\bcover\b|\btribute\b|\bin the style of\b"),
        ("demo", r"\bdemo\b"),
        ("sped_up", r"\bsped up\b|\bspeed up\b|\bnightcore\b"),
        ("slowed", r"\bslowed\b"),
    )
)
# Segments naming the same recording in another dress: dropped.
_NOISE = re.compile(
    r"^(?:"
    r"(?:\d{4} )?(?:digital(?:ly)? )?remaster(?:ed)?(?: version)?(?: \d{4})?(?: version)?"
    r"|explicit(?: version)?|clean(?: version)?|censored|dirty"
    r"|radio (?:edit|version|mix)|single (?:edit|version|mix)|album (?:version|edit|mix)"
    r"|original(?: version| mix)?|mono(?: version)?|stereo(?: version)?|\d{4} (?:mix|version)"
    r"|bonus(?: track)?|deluxe(?: edition| version)?|edit|short version|full length version"
    r"|from .+|taken from .+|ost|soundtrack version|\d{4}"
    r")$"
)
_FEAT = re.compile(r"^(?:feat|ft|featuring|with)\b\.?\s*(.+)$")
_BARE_FEAT = re.compile(r"\s[(\[]?(?:feat\.?|ft\.|featuring)\s+(.+?)[)\]]?$", re.IGNORECASE)
_BRACKETS = re.compile(r"\s*[(\[{]([^()\[\]{}]*)[)\]}]")
_DASH_TAIL = re.compile(r"\s+[-\u2013\u2014]\s+(.+)$")
# What makes a title more than its words: brackets, a dash segment, "feat.", wide forms.
_SPECIAL = re.compile(
    r"[(\[{\uff08\uff3b\uff5b]|\s[-\u2013\u2014\ufe63\uff0d]\s|f(?:ea)?t|featuring", re.I
)


@dataclass(frozen=True, slots=True)
class Title:
    base: str  # folded, without version, noise and featured artists
    kinds: frozenset[str]
    featured: frozenset[str]  # folded names


def kinds_of(folded_segment: str) -> set[str]:
    return {kind for kind, pattern in _KIND_PATTERNS if pattern.search(folded_segment)}


@lru_cache(maxsize=200_000)
def parse_title(raw: str | None) -> Title:
    if not raw:
        return Title("", frozenset(), frozenset())
    if not _SPECIAL.search(raw):  # the common case: a plain title
        return Title(fold(raw), frozenset(), frozenset())
    text = unicodedata.normalize("NFKC", raw).strip()
    kinds: set[str] = set()
    featured: set[str] = set()
    kept: list[str] = []

    def segment(inner: str) -> bool:
        """Classify a bracket or dash segment; True if it is consumed (not title text)."""
        f = fold(inner)
        if not f:
            return True
        feat = _FEAT.match(f)
        if feat:
            featured.update(split_artists((feat.group(1),)))
            return True
        found = kinds_of(f)
        if found:
            kinds.update(found)
            return True
        return bool(_NOISE.match(f))

    # Brackets anywhere; kept ones stay in the title text.
    def bracket(m: re.Match[str]) -> str:
        return " " if segment(m.group(1)) else f" {m.group(1)} "

    text = _BRACKETS.sub(bracket, text)
    # " - Live at Wembley", " - Remastered 2011" (repeatedly: "Song - 2011 Remaster - Live").
    while True:
        m = _DASH_TAIL.search(text)
        if not m or not segment(m.group(1)):
            break
        text = text[: m.start()]
    bare = _BARE_FEAT.search(text)
    if bare:
        featured.update(split_artists((bare.group(1),)))
        text = text[: bare.start()]
    kept.append(text)
    base = fold(" ".join(kept))
    return Title(base, frozenset(kinds), frozenset(featured))


# --- artists -----------------------------------------------------------------------------

_ARTIST_SPLIT = re.compile(
    r"\s*(?:,|;|/|\s&\s|&|\+|\band\b|\sx\s|\bfeat\b\.?|\bft\b\.?|\bfeaturing\b|\bvs\b\.?|\bwith\b)\s*"
)


@lru_cache(maxsize=200_000)
def _split_one(credit: str) -> tuple[str, ...]:
    # Split before folding: "," and "/" are punctuation fold would drop. "\," (Exportify's
    # escaped comma inside a name) is not a separator.
    text = unicodedata.normalize("NFKC", credit).casefold().replace("\\,", "\x00")
    out = []
    for part in _ARTIST_SPLIT.split(text):
        name = fold(part.replace("\x00", ","))
        if name.startswith("the "):
            name = name[4:]
        if name:
            out.append(name)
    return tuple(out)


def split_artists(credits: tuple[str, ...] | list[str]) -> frozenset[str]:
    names: set[str] = set()
    for credit in credits:
        if credit:
            names.update(_split_one(credit))
    return frozenset(names)


def first_artist(credits: tuple[str, ...] | list[str]) -> str:
    for credit in credits:
        if credit:
            names = _split_one(credit)
            if names:
                return names[0]
    return ""


# --- albums ------------------------------------------------------------------------------

_ALBUM_KINDS = (
    ("live", re.compile(r"^live\b(?! and\b)|\blive (?:at|in|from|on)\b|\blive$|\bin concert\b")),
    ("acoustic", re.compile(r"\bunplugged\b|\bacoustic\b")),
    ("karaoke", re.compile(r"\bkaraoke\b")),
    ("instrumental", re.compile(r"\binstrumentals?$")),
    ("remix", re.compile(r"\bremixe[sd]\b|\bremixes\b")),
)


@lru_cache(maxsize=50_000)
def album_kinds(album: str | None) -> frozenset[str]:
    f = fold(album)
    if not f:
        return frozenset()
    return frozenset(kind for kind, pattern in _ALBUM_KINDS if pattern.search(f))


@lru_cache(maxsize=50_000)
def fold_album(album: str | None) -> str:
    """An album title without its edition noise ("(Deluxe Edition)", "[Remastered]")."""
    if not album:
        return ""
    t = parse_title(album)
    return t.base or fold(album)

"""Text at the edge and text for matching.

`strip_controls` (and the `OneLine` / `MultiLine` annotations the request schemas use) removes
what must never be stored in a name, a title or a tag: NUL and the other C0/C1 control
characters, and the invisible bidirectional controls that make text display in an order other
than it is stored (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates, U+200E/F
and U+061C marks), the "evil.exe" trick. Folding for matching and search: NFKC, accents
removed, case-folded, spaces collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import BeforeValidator

# Line breaks and tabs become a space on one line; on several lines only they are kept.
_BREAKS = re.compile("\r\n|[\t\n\r\x0b\x0c\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROLS_OR_CR = re.compile("\r\n?|" + _CONTROLS.pattern)


def strip_controls(value: str, *, multiline: bool = False) -> str:
    """`value` without control and bidirectional control characters. One line (names,
    titles): tabs and line breaks become spaces. Several lines (lyrics, a bio): "\n" and
    "\t" stay, "\r\n" and "\r" become "\n"."""
    if value.isascii() and value.isprintable():
        return value  # the common case: nothing to remove
    if multiline:
        return _CONTROLS_OR_CR.sub(lambda m: "\n" if m.group(0)[0] == "\r" else "", value)
    return _CONTROLS.sub("", _BREAKS.sub(" ", value))


def _one_line(value: Any) -> Any:
    return strip_controls(value) if isinstance(value, str) else value


def _multi_line(value: Any) -> Any:
    return strip_controls(value, multiline=True) if isinstance(value, str) else value


#: Request fields: `Annotated[OneLine, StringConstraints(...)]`. Control characters go before
#: the length and emptiness checks run, so "\u202e" alone is an empty title (422).
OneLine = Annotated[str, BeforeValidator(_one_line)]
MultiLine = Annotated[str, BeforeValidator(_multi_line)]

_SPACES = re.compile(r"\s+")
_ARTICLES = ("the ", "a ", "an ")


def nfc(value: str) -> str:
    if not value.isascii():  # ASCII is already NFC (a scan calls this for every tag)
        value = unicodedata.normalize("NFC", value)
    return _SPACES.sub(" ", value).strip()


def fold(value: str) -> str:
    """'  Björk — Jóga ' -> 'bjork — joga'. Used for dedupe keys and search text."""
    if value.isascii():  # nothing to decompose or strip; casefold is lower() on ASCII
        return _SPACES.sub(" ", value.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def sort_key(value: str) -> str:
    """Folded, without a leading English article: 'The Beatles' sorts under B."""
    folded = fold(value)
    for article in _ARTICLES:
        if folded.startswith(article) and len(folded) > len(article):
            return folded[len(article) :]
    return folded


def search_terms(query: str, max_terms: int = 8) -> list[str]:
    """Split a user query into folded word prefixes (letters and digits only)."""
    words = re.findall(r"\w+", fold(query))
    return words[:max_terms]

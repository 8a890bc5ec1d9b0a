"""Text folding for matching and search: NFKC, accents removed, case-folded, spaces collapsed."""

from __future__ import annotations

import re
import unicodedata

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

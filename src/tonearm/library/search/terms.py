"""The full-text match text of a search's terms: FTS5 on SQLite, a tsquery on PostgreSQL."""

from __future__ import annotations

SHORT_TERM = 3  # prefixes up to this long are indexed whole (FTS5 prefix='1 2 3', PG 0004)


def fts5_query(terms: list[str]) -> str:
    return " ".join(f'"{t}"*' for t in terms)


def tsquery(terms: list[str]) -> str:
    # Words' first 1-3 letters are lexemes of their own (migration 0004), so a short term is
    # one exact look-up; a longer one is a prefix match over the few words that share it.
    return " & ".join(t if len(t) <= SHORT_TERM else f"{t}:*" for t in terms)

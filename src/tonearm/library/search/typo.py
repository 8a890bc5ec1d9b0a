"""The typo tier of search (`searcher`, tier 3): each word of `FUZZY_MIN` letters or more
that is not a word of the index may also be any indexed word one edit away from it (a letter
missing, extra, changed, or two swapped, the first letter trusted: "knalgn" -> "knalgan").

The vocabulary is `tracks_fts_vocab` (migration 9e3b5c71d2a8): an fts5vocab view of the
tracks' FTS5 index on SQLite, a trigger-kept table of words on PostgreSQL; the tracks' search
text holds their album and artists, so it covers all three. Two look-ups: which words are
indexed (or start one), then the edits of those that are not, for at most `FUZZY_TERMS`
words: one range scan for the edits past the first `HEAD` letters, an exact probe for each of
the others, so the cost does not grow with the vocabulary. Each word keeps its `CORRECTIONS`
most used neighbours."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, String, Text, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY

from tonearm.kit.text import search_terms
from tonearm.library.search.terms import fts5_query, tsquery

FUZZY_MIN = 4  # letters; shorter words have too many neighbours to guess from
FUZZY_TERMS = 3  # misspelt words corrected per query, at most
CORRECTIONS = 5  # indexed words tried in place of one misspelt word, at most
ALPHABET = "abcdefghijklmnopqrstuvwxyz"  # letters tried in an insertion or substitution
HEAD = 4  # letters: a word's edits past them are found by one range scan, not probes


def _edits(word: str) -> set[str]:
    """The words one edit away from `word` (Damerau: delete, transpose, replace, insert),
    over a-z and the word's own letters. The first letter is trusted: it may be missing or
    swapped with the second, not replaced or preceded by another (as in most spellers)."""
    letters = sorted(set(ALPHABET) | set(word))
    out: set[str] = set()
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        if i:
            out.update(head + c + tail for c in letters)
        if tail:
            out.add(head + tail[1:])
            if i:
                out.update(head + c + tail[1:] for c in letters)
        if len(tail) > 1:
            out.add(head + tail[1] + tail[0] + tail[2:])
    out.discard(word)
    return out


# The vocabulary look-ups, in two steps so that a word typed right costs one probe, not ~55
# per letter: the first indexed word each term starts (the term itself when it is a word),
# then which of the misspelt terms' edits are indexed words, and how many tracks use each.
_STARTS_SQLITE = text(
    "SELECT j.value, (SELECT v.term FROM tracks_fts_vocab AS v"
    " WHERE v.term >= j.value AND v.term < j.value || char(1114111) LIMIT 1)"
    " FROM json_each(:terms) AS j"
).bindparams(bindparam("terms", type_=String()))
# One range scan per head, each its own arm: joined to json_each, SQLite would scan the
# whole vocabulary instead. (Only the arm numbers are formatted in; values are bound.)
_HEAD_ARMS = "".join(
    f" UNION ALL SELECT term, doc FROM tracks_fts_vocab WHERE term >= :h{i} AND term < :u{i}"  # noqa: S608
    for i in range(FUZZY_TERMS)
)
_PROBES = "SELECT v.term, v.doc FROM json_each(:edits) AS j JOIN tracks_fts_vocab AS v"
_WORDS_SQLITE = text(f"{_PROBES} ON v.term = j.value{_HEAD_ARMS}").bindparams(
    bindparam("edits", type_=String()),
    *(bindparam(f"{x}{i}", type_=String()) for x in "hu" for i in range(FUZZY_TERMS)),
)
_STARTS_POSTGRESQL = text(
    "SELECT t, (SELECT v.word FROM tracks_fts_vocab AS v"
    ' WHERE v.word >= t COLLATE "C" AND v.word < (t || chr(1114111)) COLLATE "C"'
    " ORDER BY v.word LIMIT 1)"
    " FROM unnest(CAST(:terms AS text[])) AS t"
).bindparams(bindparam("terms", type_=ARRAY(Text())))
_WORDS_POSTGRESQL = text(
    "SELECT v.word, v.uses FROM tracks_fts_vocab AS v WHERE v.word = ANY(CAST(:edits AS text[]))"
    " UNION ALL"
    " SELECT v.word, v.uses FROM unnest(CAST(:heads AS text[])) AS h"
    ' JOIN tracks_fts_vocab AS v ON v.word >= h COLLATE "C"'
    ' AND v.word < (h || chr(1114111)) COLLATE "C"'
).bindparams(bindparam("edits", type_=ARRAY(Text())), bindparam("heads", type_=ARRAY(Text())))


class Corrector:
    """The corrected match of a query, looked up once per query on one connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.dialect = conn.dialect.name
        self._corrected: dict[str, str | None] = {}  # query -> corrected match

    def correct(self, q: str) -> str | None:
        """The query's full-text match with its misspelt words replaced by the indexed words
        one edit away, or None when no word needs it or none could be corrected. Computed
        once per search (tracks, albums and artists share it)."""
        if q in self._corrected:
            return self._corrected[q]
        terms = search_terms(q)
        checked = list(dict.fromkeys(t for t in terms if len(t) >= FUZZY_MIN))[:FUZZY_TERMS]
        match = None
        if checked:
            stmt = self._vocab(_STARTS_POSTGRESQL, _STARTS_SQLITE, checked)
            first: dict[str, str | None] = dict(self.conn.execute(*stmt).all())
            starts = {t for t, w in first.items() if w is not None}  # start an indexed word
            edits = {t: _edits(t) for t in checked if first[t] != t}  # not indexed words
            uses: dict[str, int] = {}  # indexed words among the edits, and their tracks
            if edits:
                # The edits past the first HEAD letters all start like the term: one range
                # scan of the words that do finds them; the others are probed one by one.
                heads = sorted({t[:HEAD] for t in edits if len(t) > HEAD + 1})
                probes = sorted(
                    e
                    for t, es in edits.items()
                    for e in es
                    if len(t) <= HEAD + 1 or not e.startswith(t[:HEAD])
                )
                stmt = self._vocab(_WORDS_POSTGRESQL, _WORDS_SQLITE, probes, "edits")
                if self.dialect == "postgresql":
                    stmt[1]["heads"] = heads
                else:
                    for i in range(FUZZY_TERMS):  # an empty range for each head not there
                        head = heads[i] if i < len(heads) else ""
                        stmt[1][f"h{i}"] = head
                        stmt[1][f"u{i}"] = head + "\U0010ffff" if head else ""
                uses = {w: int(n) for w, n in self.conn.execute(*stmt)}
            groups: list[tuple[str | None, list[str]]] = []  # (prefix kept, whole words)
            corrected = False
            for t in terms:
                if t not in edits:
                    groups.append((t, []))  # short, or an indexed word: kept as typed
                    continue
                near = sorted((w for w in edits[t] if w in uses), key=lambda w: (-uses[w], w))
                if not near and t not in starts:
                    break  # nothing resembles it: every term must match, so nothing does
                groups.append((t if t in starts else None, near[:CORRECTIONS]))
                corrected = corrected or bool(near)
            else:
                if corrected:
                    match = self._match(groups)
        self._corrected[q] = match
        return match

    def _vocab(
        self, postgres: Any, sqlite: Any, words: list[str], name: str = "terms"
    ) -> tuple[Any, dict[str, Any]]:
        """A vocabulary statement and its parameter: an array on PostgreSQL, JSON on SQLite
        (one bound value either way, whatever the number of words)."""
        if self.dialect == "postgresql":
            return postgres, {name: words}
        return sqlite, {name: json.dumps(words)}

    def _match(self, groups: list[tuple[str | None, list[str]]]) -> str:
        """The full-text match of each term kept as a word prefix (as in tier 2), or any of
        its corrections as whole words, or either."""
        postgres = self.dialect == "postgresql"
        parts = []
        for prefix, words in groups:
            if postgres:
                alts = ([tsquery([prefix])] if prefix else []) + words
                parts.append(alts[0] if len(alts) == 1 else "(" + " | ".join(alts) + ")")
            else:
                alts = ([fts5_query([prefix])] if prefix else []) + [f'"{w}"' for w in words]
                parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
        return (" & " if postgres else " AND ").join(parts)  # FTS5: no implicit AND after ()

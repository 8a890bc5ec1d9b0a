"""search vocabulary: the indexed words, for typo-tolerant search

Revision ID: 9e3b5c71d2a8
Revises: 7c1e0a4d9b21
Create Date: 2026-12-02 05:20:00

Search's third tier corrects a misspelt word ("knalgn") to words of the index one edit away
("knalgan") and searches again with them. It looks the candidate spellings up in
`tracks_fts_vocab`, the distinct words of the tracks' search text (title, artists and album
title, so every album and artist a viewer can find is there too):

- SQLite: an fts5vocab table over `tracks_fts`, a read-only view of the FTS5 index itself, in
  step with it by construction (and rebuilt with it by `tonearm db vacuum`);
- PostgreSQL: a table of (word, uses), the number of tracks whose search text has the word,
  kept by statement-level triggers on `tracks` (one upsert per statement, so a bulk insert
  or COPY pays once) and filled here from the existing rows. A word no track uses any more
  is deleted. `tonearm db vacuum` recounts it.

The names carry `_fts_` like the other search objects that are kept by hand, outside the
models.

Also an index on `tracks.album_artist_id`: an artist's counts (search, artist pages) take
the tracks they are the album artist of, which without it was a scan of every track (at a
million tracks, ~0.4 s per search).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9e3b5c71d2a8"
down_revision: str | None = "7c1e0a4d9b21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Words of a search text: the lexemes of the same parser the tsvector uses, without the
# 1-3 letter prefixes migration 0004 adds to it.
_WORDS = "unnest(tsvector_to_array(to_tsvector('simple', {})))"

PG_FUNCTION = f"""
CREATE FUNCTION tonearm_tracks_vocab() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  words text[];
  deltas integer[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(w ORDER BY w), array_agg(n ORDER BY w) INTO words, deltas
    FROM (SELECT w, count(*)::integer AS n
          FROM new_rows, {_WORDS.format("new_rows.search_text")} AS w GROUP BY w) AS d;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(w ORDER BY w), array_agg(n ORDER BY w) INTO words, deltas
    FROM (SELECT w, -count(*)::integer AS n
          FROM old_rows, {_WORDS.format("old_rows.search_text")} AS w GROUP BY w) AS d;
  ELSE
    -- Most updates (plays, visibility) leave the search text alone: they cost one join.
    SELECT array_agg(w ORDER BY w), array_agg(n ORDER BY w) INTO words, deltas
    FROM (SELECT w, sum(n)::integer AS n
          FROM (SELECT w, 1 AS n
                FROM old_rows o JOIN new_rows c ON c.id = o.id,
                     {_WORDS.format("c.search_text")} AS w
                WHERE o.search_text IS DISTINCT FROM c.search_text
                UNION ALL
                SELECT w, -1
                FROM old_rows o JOIN new_rows c ON c.id = o.id,
                     {_WORDS.format("o.search_text")} AS w
                WHERE o.search_text IS DISTINCT FROM c.search_text) AS e
          GROUP BY w HAVING sum(n) <> 0) AS d;
  END IF;
  IF words IS NULL THEN
    RETURN NULL;
  END IF;
  -- In word order, so that concurrent writers lock shared words in the same order.
  INSERT INTO tracks_fts_vocab AS v (word, uses)
  SELECT * FROM unnest(words, deltas)
  ON CONFLICT (word) DO UPDATE SET uses = v.uses + excluded.uses;
  DELETE FROM tracks_fts_vocab WHERE word = ANY(words) AND uses <= 0;
  RETURN NULL;
END
$$
"""

PG_FILL = f"""
INSERT INTO tracks_fts_vocab (word, uses)
SELECT w, count(*) FROM tracks, {_WORDS.format("tracks.search_text")} AS w GROUP BY w
"""

PG_TRIGGERS = {
    "ai": "AFTER INSERT ON tracks REFERENCING NEW TABLE AS new_rows",
    "ad": "AFTER DELETE ON tracks REFERENCING OLD TABLE AS old_rows",
    "au": "AFTER UPDATE ON tracks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def upgrade() -> None:
    op.create_index(op.f("ix_tracks_album_artist_id"), "tracks", ["album_artist_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE tracks_fts_vocab USING fts5vocab(tracks_fts, row)")
        return
    op.execute(
        'CREATE TABLE tracks_fts_vocab (word text COLLATE "C" PRIMARY KEY, uses integer NOT NULL)'
    )
    op.execute(PG_FUNCTION)
    for suffix, when in PG_TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER tracks_vocab_{suffix} {when} FOR EACH STATEMENT"
            " EXECUTE FUNCTION tonearm_tracks_vocab()"
        )
    op.execute(PG_FILL)


def downgrade() -> None:
    op.drop_index(op.f("ix_tracks_album_artist_id"), table_name="tracks")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS tracks_fts_vocab")
        return
    for suffix in PG_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS tracks_vocab_{suffix} ON tracks")
    op.execute("DROP FUNCTION IF EXISTS tonearm_tracks_vocab()")
    op.execute("DROP TABLE IF EXISTS tracks_fts_vocab")

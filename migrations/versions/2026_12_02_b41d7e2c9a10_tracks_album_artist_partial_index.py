"""tracks.album_artist_id: a partial index (only rows that have one)

Revision ID: b41d7e2c9a10
Revises: ee49b5c35ec7
Create Date: 2026-12-02 11:05:00

An artist's counts (search, artist pages) take the tracks they are the album artist of,
`album_artist_id IN (...)`. With the full index, a library where few tracks name an album
artist gives statistics (ANALYZE, which `tonearm db vacuum` runs through PRAGMA optimize)
saying each key matches every row, since NULL counts as one value: SQLite then scanned all
tracks for every search (0.25 s at a million tracks). A partial index holds only the rows
that have an album artist, so its statistics describe those, and `IN (...)` (which implies
NOT NULL) still uses it. Smaller on PostgreSQL too.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b41d7e2c9a10"
down_revision: str | None = "ee49b5c35ec7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_NULL = sa.text("album_artist_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_tracks_album_artist_id", table_name="tracks")
    op.create_index(
        "ix_tracks_album_artist_id",
        "tracks",
        ["album_artist_id"],
        sqlite_where=NOT_NULL,
        postgresql_where=NOT_NULL,
    )


def downgrade() -> None:
    op.drop_index("ix_tracks_album_artist_id", table_name="tracks")
    op.create_index("ix_tracks_album_artist_id", "tracks", ["album_artist_id"])

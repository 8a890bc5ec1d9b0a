"""library: covering indexes for the counts and covers of search and lists

Revision ID: c5d8e1f27a30
Revises: b41d7e2c9a10
Create Date: 2026-12-03 08:00:00

An album's or artist's counts (search, album and artist lists) and an album's cover read,
per track, only its id, owner, visibility, album and duration; these indexes hold exactly
those, so the counts no longer read the tracks' rows (a few hundred random row reads per
search at a million tracks). `ix_tracks_album_id` becomes the first column of
`ix_tracks_album_listing`; `ix_track_artists_artist_id` gains the track id. Covers read
`ix_tracks_album_art`, of the tracks that have one.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c5d8e1f27a30"
down_revision: str | None = "b41d7e2c9a10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HAS_ART = sa.text("artwork_key IS NOT NULL")
ART_COLUMNS = ["album_id", "visibility", "owner_id", "disc_number", "track_number", "id"]


def upgrade() -> None:
    op.create_index(
        "ix_tracks_album_listing", "tracks", ["album_id", "visibility", "owner_id", "duration"]
    )
    op.drop_index("ix_tracks_album_id", table_name="tracks")
    op.create_index("ix_tracks_listing", "tracks", ["id", "owner_id", "visibility", "album_id"])
    op.create_index(
        "ix_tracks_album_art",
        "tracks",
        [*ART_COLUMNS, "artwork_key"],
        sqlite_where=HAS_ART,
        postgresql_where=HAS_ART,
    )
    op.create_index("ix_track_artists_artist_track", "track_artists", ["artist_id", "track_id"])
    op.drop_index("ix_track_artists_artist_id", table_name="track_artists")


def downgrade() -> None:
    op.create_index("ix_track_artists_artist_id", "track_artists", ["artist_id"])
    op.drop_index("ix_track_artists_artist_track", table_name="track_artists")
    op.drop_index("ix_tracks_album_art", table_name="tracks")
    op.drop_index("ix_tracks_listing", table_name="tracks")
    op.create_index("ix_tracks_album_id", "tracks", ["album_id"])
    op.drop_index("ix_tracks_album_listing", table_name="tracks")

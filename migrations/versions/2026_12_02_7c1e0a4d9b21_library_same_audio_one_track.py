"""library: one track per owner for the same audio, and the album artist tag

Revision ID: 7c1e0a4d9b21
Revises: 22451a29447b
Create Date: 2026-12-02 05:10:00

- `track_aliases`: content hashes of other files of a track's audio (found by the audio-packet
  digest), so scans and uploads of them find the track.
- `tracks.album_artist_tag`: the album artist the tags gave ("" none); NULL for tracks from
  before (not known), which the folder grouping reads as their album's artist.
- an index on (owner_id, audio_digest) for the processing job's look-up.
- `library_roots.last_scan_job_id`: the last scan started from the API (the admin area shows
  its progress and results).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c1e0a4d9b21"
down_revision: str | None = "22451a29447b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "track_aliases",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("track_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("owner_id", "content_hash"),
    )
    op.create_index("ix_track_aliases_track_id", "track_aliases", ["track_id"])
    with op.batch_alter_table("tracks") as batch:
        batch.add_column(sa.Column("album_artist_tag", sa.String(length=512), nullable=True))
    op.create_index("ix_tracks_owner_audio_digest", "tracks", ["owner_id", "audio_digest"])
    with op.batch_alter_table("library_roots") as batch:
        batch.add_column(sa.Column("last_scan_job_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("library_roots") as batch:
        batch.drop_column("last_scan_job_id")
    op.drop_index("ix_tracks_owner_audio_digest", table_name="tracks")
    with op.batch_alter_table("tracks") as batch:
        batch.drop_column("album_artist_tag")
    op.drop_index("ix_track_aliases_track_id", table_name="track_aliases")
    op.drop_table("track_aliases")

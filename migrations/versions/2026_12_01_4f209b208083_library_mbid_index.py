"""library: index tracks by MusicBrainz recording id

Revision ID: 4f209b208083
Revises: 0005
Create Date: 2026-12-01 20:38:03.249057

The library's face looks tracks up by MusicBrainz recording id for matching (ISRC and the
folded title key are indexed already).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "4f209b208083"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_tracks_mb_recording_id", "tracks", ["mb_recording_id"])


def downgrade() -> None:
    op.drop_index("ix_tracks_mb_recording_id", table_name="tracks")

"""audio digest and folder covers

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 22:00:00.000000

`tracks.audio_digest`: a hash of the audio packets the renditions were made from, so that
re-processing a re-tagged file (or one whose folder cover changed) keeps its HLS ladder and
waveform. `scan_folders.covers`: a fingerprint of the folder's images alone, so a rescan can
tell that a cover changed beside audio files that did not.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both databases (SQLite >= 3.35 drops columns in place): a batch-mode
# table copy would renumber the implicit rowids the FTS5 index of `tracks` points at.


def upgrade() -> None:
    op.add_column("tracks", sa.Column("audio_digest", sa.String(length=64), nullable=True))
    op.add_column("scan_folders", sa.Column("covers", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("scan_folders", "covers")
    op.drop_column("tracks", "audio_digest")

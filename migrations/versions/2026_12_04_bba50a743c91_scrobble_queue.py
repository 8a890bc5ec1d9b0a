"""scrobble_queue: counted plays waiting to reach ListenBrainz or Last.fm

Revision ID: bba50a743c91
Revises: c4e47a3d39d3
Create Date: 2026-12-04

Written with the play, sent by a job, retried with backoff; nothing is lost to a restart.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "bba50a743c91"
down_revision: str | None = "c4e47a3d39d3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scrobble_queue",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("listen", sa.JSON(), nullable=False),
        sa.Column("listened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_scrobble_queue_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scrobble_queue")),
    )
    with op.batch_alter_table("scrobble_queue", schema=None) as batch_op:
        batch_op.create_index("ix_scrobble_queue_due", ["next_attempt_at"], unique=False)
        batch_op.create_index(
            "ix_scrobble_queue_user", ["user_id", "provider", "listened_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("scrobble_queue", schema=None) as batch_op:
        batch_op.drop_index("ix_scrobble_queue_user")
        batch_op.drop_index("ix_scrobble_queue_due")
    op.drop_table("scrobble_queue")

"""subsonic_credentials: each user's Subsonic password (encrypted) and named API keys (hashed)

Revision ID: d754c2769d15
Revises: ba88b8a062db
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d754c2769d15"
down_revision: str | None = "ba88b8a062db"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subsonic_api_keys",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_subsonic_api_keys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subsonic_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_subsonic_api_keys_key_hash")),
    )
    with op.batch_alter_table("subsonic_api_keys", schema=None) as batch_op:
        batch_op.create_index("ix_subsonic_api_keys_user", ["user_id"], unique=False)

    op.create_table(
        "subsonic_passwords",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("password", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_subsonic_passwords_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_subsonic_passwords")),
    )


def downgrade() -> None:
    with op.batch_alter_table("subsonic_api_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_subsonic_api_keys_user")
    op.drop_table("subsonic_api_keys")
    op.drop_table("subsonic_passwords")

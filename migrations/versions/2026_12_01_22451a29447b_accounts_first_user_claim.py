"""accounts: first user claim

Revision ID: 22451a29447b
Revises: 4f209b208083
Create Date: 2026-12-01 22:20:46.496054

`first_user_claim` holds one row, inserted by the transaction that creates the first user, so
concurrent sign-ups on a new instance cannot all become admin. An instance that already has
users is claimed here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "22451a29447b"
down_revision: str | None = "4f209b208083"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "first_user_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_first_user_claim")),
    )
    op.execute(
        "INSERT INTO first_user_claim (id, created_at)"
        " SELECT 1, CURRENT_TIMESTAMP WHERE EXISTS (SELECT 1 FROM users)"
    )


def downgrade() -> None:
    op.drop_table("first_user_claim")

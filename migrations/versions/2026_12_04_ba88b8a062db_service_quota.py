"""service_quota: units of a service's daily quota spent (YouTube's, per Google project)

Revision ID: ba88b8a062db
Revises: bba50a743c91
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ba88b8a062db"
down_revision: str | None = "bba50a743c91"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_quota",
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("bucket", sa.String(length=16), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("provider", "bucket", "day", name=op.f("pk_service_quota")),
    )


def downgrade() -> None:
    op.drop_table("service_quota")

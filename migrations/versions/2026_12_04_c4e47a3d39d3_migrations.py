"""migrations: playlists moved between services, the library and files; catalog look-ups; sync pairs

Revision ID: c4e47a3d39d3
Revises: 8c04122126c4
Create Date: 2026-12-04

A migration keeps its playlists and their tracks in order with each matching decision and
what was written, so a restarted job resumes and a re-run looks nothing up twice.
`service_lookups` keeps each catalog answer per service and country, shared by migrations.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4e47a3d39d3"
down_revision: str | None = "8c04122126c4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_lookups",
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("tracks", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("provider", "country", "key", name=op.f("pk_service_lookups")),
    )
    op.create_table(
        "sync_pairs",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("removals", sa.Boolean(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.JSON(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_sync_pairs_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_pairs")),
    )
    with op.batch_alter_table("sync_pairs", schema=None) as batch_op:
        batch_op.create_index("ix_sync_pairs_due", ["enabled", "next_run_at"], unique=False)

    op.create_table(
        "migrations",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("selection", sa.JSON(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("sync_pair_id", sa.Uuid(), nullable=True),
        sa.Column("resume_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("estimate", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_migrations_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sync_pair_id"],
            ["sync_pairs.id"],
            name=op.f("fk_migrations_sync_pair_id_sync_pairs"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_migrations")),
    )
    with op.batch_alter_table("migrations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_migrations_owner_created", ["owner_id", "created_at"], unique=False
        )

    op.create_table(
        "migration_playlists",
        sa.Column("migration_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("snapshot", sa.String(length=255), nullable=True),
        sa.Column("target_id", sa.String(length=255), nullable=True),
        sa.Column("target_url", sa.String(length=2048), nullable=True),
        sa.Column("read", sa.Boolean(), nullable=False),
        sa.Column("writing", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["migration_id"],
            ["migrations.id"],
            name=op.f("fk_migration_playlists_migration_id_migrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_migration_playlists")),
    )
    with op.batch_alter_table("migration_playlists", schema=None) as batch_op:
        batch_op.create_index(
            "ix_migration_playlists_migration", ["migration_id", "position"], unique=False
        )

    op.create_table(
        "migration_tracks",
        sa.Column("migration_id", sa.Uuid(), nullable=False),
        sa.Column("playlist_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("looked_up", sa.Boolean(), nullable=False),
        sa.Column("bucket", sa.String(length=16), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("rule", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("candidates", sa.JSON(), nullable=True),
        sa.Column("target_track_id", sa.String(length=255), nullable=True),
        sa.Column("decided_by", sa.String(length=16), nullable=True),
        sa.Column("written", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["migration_id"],
            ["migrations.id"],
            name=op.f("fk_migration_tracks_migration_id_migrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["playlist_id"],
            ["migration_playlists.id"],
            name=op.f("fk_migration_tracks_playlist_id_migration_playlists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_migration_tracks")),
    )
    with op.batch_alter_table("migration_tracks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_migration_tracks_migration_bucket", ["migration_id", "bucket"], unique=False
        )
        batch_op.create_index(
            "ix_migration_tracks_playlist", ["playlist_id", "position"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("migration_tracks", schema=None) as batch_op:
        batch_op.drop_index("ix_migration_tracks_migration_bucket")
        batch_op.drop_index("ix_migration_tracks_playlist")
    op.drop_table("migration_tracks")
    with op.batch_alter_table("migration_playlists", schema=None) as batch_op:
        batch_op.drop_index("ix_migration_playlists_migration")
    op.drop_table("migration_playlists")
    with op.batch_alter_table("migrations", schema=None) as batch_op:
        batch_op.drop_index("ix_migrations_owner_created")
    op.drop_table("migrations")
    with op.batch_alter_table("sync_pairs", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_pairs_due")
    op.drop_table("sync_pairs")
    op.drop_table("service_lookups")

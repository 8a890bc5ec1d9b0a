"""playlists: playlists, their items, and the matching decisions users make on import

Revision ID: ee49b5c35ec7
Revises: 9e3b5c71d2a8
Create Date: 2026-12-02 10:06:43

An item is a library track or an external entry (the JSON of `matching.Entry`) kept as the
file gave it; smart playlists keep their rules as JSON. A playlist file found by a folder
scan remembers its root, path and fingerprint so a rescan updates it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ee49b5c35ec7"
down_revision: str | None = "9e3b5c71d2a8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "playlists",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "private", "unlisted", "public", name="visibility", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum("static", "smart", name="playlistkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("rules", sa.JSON(), nullable=True),
        sa.Column("cover_key", sa.String(length=512), nullable=True),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("source_root_id", sa.Uuid(), nullable=True),
        sa.Column("source_path", sa.String(length=2048), nullable=True),
        sa.Column("source_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_playlists_owner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["source_root_id"],
            ["library_roots.id"],
            name=op.f("fk_playlists_source_root_id_library_roots"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playlists")),
    )
    op.create_index("ix_playlists_owner_updated", "playlists", ["owner_id", "updated_at"])
    op.create_index("ix_playlists_source", "playlists", ["source_root_id", "source_path"])
    op.create_index("ix_playlists_visibility_updated", "playlists", ["visibility", "updated_at"])

    op.create_table(
        "match_decisions",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("entry_key", sa.String(length=64), nullable=False),
        sa.Column("track_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_match_decisions_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_match_decisions_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_id", "entry_key", name=op.f("pk_match_decisions")),
    )
    op.create_table(
        "playlist_items",
        sa.Column("playlist_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Uuid(), nullable=True),
        sa.Column("entry", sa.JSON(), nullable=True),
        sa.Column("match", sa.JSON(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["playlist_id"],
            ["playlists.id"],
            name=op.f("fk_playlist_items_playlist_id_playlists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_playlist_items_track_id_tracks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playlist_items")),
    )
    op.create_index("ix_playlist_items_position", "playlist_items", ["playlist_id", "position"])
    op.create_index("ix_playlist_items_track", "playlist_items", ["track_id"])


def downgrade() -> None:
    op.drop_index("ix_playlist_items_track", table_name="playlist_items")
    op.drop_index("ix_playlist_items_position", table_name="playlist_items")
    op.drop_table("playlist_items")
    op.drop_table("match_decisions")
    op.drop_index("ix_playlists_visibility_updated", table_name="playlists")
    op.drop_index("ix_playlists_source", table_name="playlists")
    op.drop_index("ix_playlists_owner_updated", table_name="playlists")
    op.drop_table("playlists")

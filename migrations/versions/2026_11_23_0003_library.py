"""library

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:01:16.032153
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Full-text search over the folded `search_text` columns: FTS5 (external content, kept in sync
# by triggers) on SQLite, a GIN expression index over to_tsvector('simple', ...) on PostgreSQL.
SEARCHABLE = ("tracks", "albums", "artists")


def _create_search() -> None:
    bind = op.get_bind()
    for table in SEARCHABLE:
        if bind.dialect.name == "sqlite":
            fts = f"{table}_fts"
            op.execute(
                f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', "
                "content_rowid='rowid', tokenize=\"unicode61 remove_diacritics 2\", "
                "prefix='1 2 3')"
            )
            op.execute(
                f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN "
                f"INSERT INTO {fts}(rowid, search_text) VALUES (new.rowid, new.search_text); END"
            )
            op.execute(
                f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, search_text) "
                f"VALUES ('delete', old.rowid, old.search_text); END"
            )
            op.execute(
                f"CREATE TRIGGER {table}_fts_au AFTER UPDATE OF search_text ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, search_text) "
                f"VALUES ('delete', old.rowid, old.search_text); "
                f"INSERT INTO {fts}(rowid, search_text) VALUES (new.rowid, new.search_text); END"
            )
        else:
            # A stored tsvector (to_tsvector with a fixed config is immutable), so ranking
            # reads it instead of re-parsing the text of every candidate row.
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
                "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED"
            )
            op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search_vector)")


def _drop_search() -> None:
    bind = op.get_bind()
    for table in SEARCHABLE:
        if bind.dialect.name == "sqlite":
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
        else:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


def upgrade() -> None:

    op.create_table(
        "artists",
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("sort_name", sa.String(length=512), nullable=False),
        sa.Column("name_key", sa.String(length=512), nullable=False),
        sa.Column("mbid", sa.String(length=36), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artists")),
        sa.UniqueConstraint("name_key", name=op.f("uq_artists_name_key")),
    )
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_artists_mbid"), ["mbid"], unique=False)

    op.create_table(
        "albums",
        sa.Column("title", sa.String(length=512), nullable=False),
        sa.Column("title_key", sa.String(length=512), nullable=False),
        sa.Column("artist_id", sa.Uuid(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("date", sa.String(length=32), nullable=True),
        sa.Column("mb_release_id", sa.String(length=36), nullable=True),
        sa.Column("artwork_key", sa.String(length=512), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["artist_id"],
            ["artists.id"],
            name=op.f("fk_albums_artist_id_artists"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_albums")),
        sa.UniqueConstraint("title_key", "artist_id", name=op.f("uq_albums_title_key_artist_id")),
    )
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_albums_artist_id"), ["artist_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_albums_year"), ["year"], unique=False)

    op.create_table(
        "library_roots",
        sa.Column("path", sa.String(length=2048), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "private", "unlisted", "public", name="visibility", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_scan_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_library_roots_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_roots")),
        sa.UniqueConstraint("path", name=op.f("uq_library_roots_path")),
    )
    op.create_table(
        "scan_folders",
        sa.Column("root_id", sa.Uuid(), nullable=False),
        sa.Column("path", sa.String(length=2048), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["root_id"],
            ["library_roots.id"],
            name=op.f("fk_scan_folders_root_id_library_roots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("root_id", "path", name=op.f("pk_scan_folders")),
    )
    op.create_table(
        "tracks",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column(
            "visibility",
            sa.Enum(
                "private", "unlisted", "public", name="visibility", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "processing",
                "ready",
                "failed",
                "missing",
                name="trackstatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=1024), nullable=False),
        sa.Column("title_key", sa.String(length=1024), nullable=False),
        sa.Column("artist_name", sa.String(length=1024), nullable=False),
        sa.Column("album_id", sa.Uuid(), nullable=True),
        sa.Column("album_artist_id", sa.Uuid(), nullable=True),
        sa.Column("track_number", sa.Integer(), nullable=True),
        sa.Column("track_total", sa.Integer(), nullable=True),
        sa.Column("disc_number", sa.Integer(), nullable=True),
        sa.Column("disc_total", sa.Integer(), nullable=True),
        sa.Column("date", sa.String(length=32), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("genres", sa.JSON(), nullable=False),
        sa.Column("genre_key", sa.Text(), nullable=False),
        sa.Column("isrc", sa.String(length=16), nullable=True),
        sa.Column("mb_recording_id", sa.String(length=36), nullable=True),
        sa.Column("bpm", sa.Float(), nullable=True),
        sa.Column("musical_key", sa.String(length=16), nullable=True),
        sa.Column("explicit", sa.Boolean(), nullable=True),
        sa.Column("lyrics", sa.Text(), nullable=True),
        sa.Column("replaygain_track_gain", sa.Float(), nullable=True),
        sa.Column("replaygain_album_gain", sa.Float(), nullable=True),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("codec", sa.String(length=32), nullable=False),
        sa.Column("container", sa.String(length=32), nullable=False),
        sa.Column("bitrate", sa.Integer(), nullable=True),
        sa.Column("sample_rate", sa.Integer(), nullable=True),
        sa.Column("channels", sa.Integer(), nullable=True),
        sa.Column("bits_per_sample", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("storage_key", sa.String(length=1024), nullable=True),
        sa.Column("root_id", sa.Uuid(), nullable=True),
        sa.Column("path", sa.String(length=2048), nullable=True),
        sa.Column("file_mtime", sa.Float(), nullable=True),
        sa.Column("original_name", sa.String(length=1024), nullable=True),
        sa.Column("artwork_key", sa.String(length=512), nullable=True),
        sa.Column("hls_key", sa.String(length=512), nullable=True),
        sa.Column("waveform_key", sa.String(length=512), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("play_count", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["album_artist_id"],
            ["artists.id"],
            name=op.f("fk_tracks_album_artist_id_artists"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["album_id"], ["albums.id"], name=op.f("fk_tracks_album_id_albums"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_tracks_owner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["root_id"],
            ["library_roots.id"],
            name=op.f("fk_tracks_root_id_library_roots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracks")),
        sa.UniqueConstraint(
            "owner_id", "content_hash", name=op.f("uq_tracks_owner_id_content_hash")
        ),
        sa.UniqueConstraint("root_id", "path", name=op.f("uq_tracks_root_id_path")),
    )
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tracks_album_disc_track", ["album_id", "disc_number", "track_number"], unique=False
        )
        batch_op.create_index("ix_tracks_title_key", ["title_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracks_album_id"), ["album_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracks_isrc"), ["isrc"], unique=False)
        batch_op.create_index("ix_tracks_owner_created", ["owner_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_tracks_visibility_created", ["visibility", "created_at"], unique=False
        )

    op.create_table(
        "loves",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("track_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["track_id"], ["tracks.id"], name=op.f("fk_loves_track_id_tracks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_loves_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "track_id", name=op.f("pk_loves")),
    )
    with op.batch_alter_table("loves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loves_track_id"), ["track_id"], unique=False)

    op.create_table(
        "plays",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("track_id", sa.Uuid(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("position", sa.Float(), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["track_id"], ["tracks.id"], name=op.f("fk_plays_track_id_tracks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_plays_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plays")),
    )
    with op.batch_alter_table("plays", schema=None) as batch_op:
        batch_op.create_index("ix_plays_track", ["track_id"], unique=False)
        batch_op.create_index("ix_plays_user_started", ["user_id", "started_at"], unique=False)

    op.create_table(
        "track_artists",
        sa.Column("track_id", sa.Uuid(), nullable=False),
        sa.Column("artist_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["artist_id"],
            ["artists.id"],
            name=op.f("fk_track_artists_artist_id_artists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_track_artists_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", "artist_id", name=op.f("pk_track_artists")),
    )
    with op.batch_alter_table("track_artists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_track_artists_artist_id"), ["artist_id"], unique=False)

    op.create_table(
        "transcode_cache",
        sa.Column("track_id", sa.Uuid(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("bitrate", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=1024), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_transcode_cache_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", "format", "bitrate", name=op.f("pk_transcode_cache")),
    )
    with op.batch_alter_table("transcode_cache", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_transcode_cache_last_used_at"), ["last_used_at"], unique=False
        )
    _create_search()


def downgrade() -> None:
    _drop_search()

    with op.batch_alter_table("transcode_cache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transcode_cache_last_used_at"))

    op.drop_table("transcode_cache")
    with op.batch_alter_table("track_artists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_track_artists_artist_id"))

    op.drop_table("track_artists")
    with op.batch_alter_table("plays", schema=None) as batch_op:
        batch_op.drop_index("ix_plays_user_started")
        batch_op.drop_index("ix_plays_track")

    op.drop_table("plays")
    with op.batch_alter_table("loves", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_loves_track_id"))

    op.drop_table("loves")
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_index("ix_tracks_visibility_created")
        batch_op.drop_index("ix_tracks_owner_created")
        batch_op.drop_index(batch_op.f("ix_tracks_isrc"))
        batch_op.drop_index(batch_op.f("ix_tracks_album_id"))
        batch_op.drop_index("ix_tracks_album_disc_track")
        batch_op.drop_index("ix_tracks_title_key")

    op.drop_table("tracks")
    op.drop_table("scan_folders")
    op.drop_table("library_roots")
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_albums_year"))
        batch_op.drop_index(batch_op.f("ix_albums_artist_id"))

    op.drop_table("albums")
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_artists_mbid"))

    op.drop_table("artists")

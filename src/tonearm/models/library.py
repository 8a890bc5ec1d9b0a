"""The music library: artists, albums, tracks, their files, folder-scan state, and loves
(the library owns the annotations: loves and play counts).

Artists and albums are shared catalog entries (deduplicated by a folded name key); what a caller
may see is decided by track visibility: their own tracks plus public ones. A track has an owner
and either a stored upload (`storage_key`) or a file found by a folder scan (`root_id`+`path`).
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tonearm.kit.db import Base, IdMixin, TimestampMixin, utcnow


def _enum(e: type[enum.Enum], length: int = 16) -> Enum:
    return Enum(e, native_enum=False, length=length, validate_strings=True)


class Visibility(enum.StrEnum):
    private = "private"
    unlisted = "unlisted"
    public = "public"


class TrackStatus(enum.StrEnum):
    processing = "processing"
    ready = "ready"
    failed = "failed"
    missing = "missing"  # a scanned file that is no longer on disk

    @property
    def playable(self) -> bool:
        """The file can be streamed: progressively while HLS is being made, then by HLS."""
        return self in (TrackStatus.ready, TrackStatus.processing)


class Artist(IdMixin, TimestampMixin, Base):
    __tablename__ = "artists"

    name: Mapped[str] = mapped_column(String(512))
    sort_name: Mapped[str] = mapped_column(String(512))
    # Case- and accent-folded name: the dedupe key.
    name_key: Mapped[str] = mapped_column(String(512), unique=True)
    mbid: Mapped[str | None] = mapped_column(String(36), index=True)
    search_text: Mapped[str] = mapped_column(Text, default="")


class Album(IdMixin, TimestampMixin, Base):
    __tablename__ = "albums"

    title: Mapped[str] = mapped_column(String(512))
    title_key: Mapped[str] = mapped_column(String(512))
    artist_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("artists.id", ondelete="SET NULL"), index=True
    )
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    date: Mapped[str | None] = mapped_column(String(32))
    mb_release_id: Mapped[str | None] = mapped_column(String(36))
    artwork_key: Mapped[str | None] = mapped_column(String(512))  # storage prefix of sizes
    search_text: Mapped[str] = mapped_column(Text, default="")

    artist: Mapped[Artist | None] = relationship(lazy="raise")

    __table_args__ = (UniqueConstraint("title_key", "artist_id"),)


class LibraryRoot(IdMixin, Base):
    """A folder Tonearm scans. Files stay where they are and are read in place."""

    __tablename__ = "library_roots"

    path: Mapped[str] = mapped_column(String(2048), unique=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility), default=Visibility.private)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_scan_at: Mapped[datetime | None]
    # The last scan started from the API (a `library.scan` job; the job may since be purged).
    last_scan_job_id: Mapped[uuid.UUID | None]


class ScanFolder(Base):
    """What a folder looked like at the last scan (hash of names, sizes and mtimes)."""

    __tablename__ = "scan_folders"

    root_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("library_roots.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(2048), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    covers: Mapped[str | None] = mapped_column(String(64))  # the images' fingerprint alone
    scanned_at: Mapped[datetime] = mapped_column(default=utcnow)


class Track(IdMixin, TimestampMixin, Base):
    __tablename__ = "tracks"

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility), default=Visibility.private)
    status: Mapped[TrackStatus] = mapped_column(_enum(TrackStatus), default=TrackStatus.processing)

    title: Mapped[str] = mapped_column(String(1024))
    title_key: Mapped[str] = mapped_column(String(1024))
    artist_name: Mapped[str] = mapped_column(String(1024), default="")  # display credit
    album_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("albums.id", ondelete="SET NULL"))
    album_artist_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("artists.id", ondelete="SET NULL"), index=True
    )
    # The album artist as the file's tags (or an edit) gave it: "" none given; NULL not known
    # (tracks from before it was kept). The folder grouping (scan/albums.py) reads it.
    album_artist_tag: Mapped[str | None] = mapped_column(String(512))
    track_number: Mapped[int | None] = mapped_column(Integer)
    track_total: Mapped[int | None] = mapped_column(Integer)
    disc_number: Mapped[int | None] = mapped_column(Integer)
    disc_total: Mapped[int | None] = mapped_column(Integer)
    date: Mapped[str | None] = mapped_column(String(32))
    year: Mapped[int | None] = mapped_column(Integer)
    genres: Mapped[list[str]] = mapped_column(JSON, default=list)
    genre_key: Mapped[str] = mapped_column(Text, default="")  # "|rock|hip hop|" for filtering
    isrc: Mapped[str | None] = mapped_column(String(16), index=True)
    mb_recording_id: Mapped[str | None] = mapped_column(String(36), index=True)
    bpm: Mapped[float | None] = mapped_column(Float)
    musical_key: Mapped[str | None] = mapped_column(String(16))
    explicit: Mapped[bool | None]
    lyrics: Mapped[str | None] = mapped_column(Text)
    replaygain_track_gain: Mapped[float | None] = mapped_column(Float)
    replaygain_album_gain: Mapped[float | None] = mapped_column(Float)

    # Audio facts.
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    codec: Mapped[str] = mapped_column(String(32), default="")
    container: Mapped[str] = mapped_column(String(32), default="")
    bitrate: Mapped[int | None] = mapped_column(Integer)
    sample_rate: Mapped[int | None] = mapped_column(Integer)
    channels: Mapped[int | None] = mapped_column(Integer)
    bits_per_sample: Mapped[int | None] = mapped_column(Integer)

    # The file.
    content_hash: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    storage_key: Mapped[str | None] = mapped_column(String(1024))  # uploads
    root_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("library_roots.id", ondelete="CASCADE")
    )
    path: Mapped[str | None] = mapped_column(String(2048))  # scanned: relative to the root
    file_mtime: Mapped[float | None] = mapped_column(Float)
    original_name: Mapped[str | None] = mapped_column(String(1024))
    artwork_key: Mapped[str | None] = mapped_column(String(512))

    # Derivatives.
    hls_key: Mapped[str | None] = mapped_column(String(512))  # storage prefix when packaged
    # sha256 of the audio packets HLS and the waveform were made from (media.audio.audio_digest)
    audio_digest: Mapped[str | None] = mapped_column(String(64))
    waveform_key: Mapped[str | None] = mapped_column(String(512))
    error: Mapped[str | None] = mapped_column(Text)
    # Folded (lower-case, accents removed) title, artists and album: what search matches.
    search_text: Mapped[str] = mapped_column(Text, default="")
    play_count: Mapped[int] = mapped_column(Integer, default=0)

    album: Mapped[Album | None] = relationship(lazy="raise")
    credits: Mapped[list[TrackArtist]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="TrackArtist.position"
    )

    __table_args__ = (
        UniqueConstraint("owner_id", "content_hash"),
        UniqueConstraint("root_id", "path"),
        Index("ix_tracks_owner_created", "owner_id", "created_at"),
        Index("ix_tracks_visibility_created", "visibility", "created_at"),
        Index("ix_tracks_album_disc_track", "album_id", "disc_number", "track_number"),
        # Counts and covers read only these (migration c5d8e1f27a30): index-only look-ups.
        Index("ix_tracks_album_listing", "album_id", "visibility", "owner_id", "duration"),
        Index("ix_tracks_listing", "id", "owner_id", "visibility", "album_id"),
        Index(
            "ix_tracks_album_art",
            "album_id",
            "visibility",
            "owner_id",
            "disc_number",
            "track_number",
            "id",
            "artwork_key",
            sqlite_where=text("artwork_key IS NOT NULL"),
            postgresql_where=text("artwork_key IS NOT NULL"),
        ),
        Index("ix_tracks_title_key", "title_key"),
        Index("ix_tracks_owner_audio_digest", "owner_id", "audio_digest"),
    )


class TrackAlias(Base):
    """Another file of the same audio as an owner's track (by the audio-packet digest): it
    came in again (a copy with other tags, a scan of what was uploaded) and was folded into
    the track. Scans and uploads look content hashes up here too, so it stays one track."""

    __tablename__ = "track_aliases"

    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    track_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrackArtist(Base):
    __tablename__ = "track_artists"

    track_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True
    )
    artist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(16), default="main")  # main | featured

    artist: Mapped[Artist] = relationship(lazy="joined")

    # An artist's tracks without reading the credits' rows (search's counts).
    __table_args__ = (Index("ix_track_artists_artist_track", "artist_id", "track_id"),)


class Love(Base):
    __tablename__ = "loves"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    track_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

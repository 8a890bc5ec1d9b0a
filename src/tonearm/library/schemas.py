"""Library request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tonearm.kit.text import MultiLine, OneLine
from tonearm.media.tag_limits import (
    DISC_NUMBER_MAX,
    ISRC_PATTERN,
    LYRICS_MAX,
    NAMES_MAX,
    TEXT_MAX,
    TRACK_NUMBER_MAX,
)

VisibilityStr = Literal["private", "unlisted", "public"]
# Names and titles: control and bidi control characters removed first (kit.text), then the
# bounds tags are held to as well (media.tag_limits).
Text512 = Annotated[
    OneLine, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_MAX)
]


class ArtistRef(BaseModel):
    id: uuid.UUID
    name: str
    role: Literal["main", "featured"] = "main"


class AlbumRef(BaseModel):
    id: uuid.UUID
    title: str
    artist: ArtistRef | None
    year: int | None


class Artwork(BaseModel):
    """Signed, expiring URLs of the cover at 64, 256 and 600 px (JPEG)."""

    small: str
    medium: str
    large: str


class TrackOut(BaseModel):
    id: uuid.UUID
    title: str
    artist_name: str = Field(description="The display credit, e.g. 'A feat. B'")
    artists: list[ArtistRef]
    album: AlbumRef | None
    track_number: int | None
    track_total: int | None
    disc_number: int | None
    disc_total: int | None
    date: str | None
    year: int | None
    genres: list[str]
    isrc: str | None
    mb_recording_id: str | None
    bpm: float | None
    key: str | None
    explicit: bool | None
    replaygain_track_gain: float | None
    replaygain_album_gain: float | None
    duration: float
    codec: str
    container: str
    bitrate: int | None
    sample_rate: int | None
    channels: int | None
    bits_per_sample: int | None
    size: int
    visibility: VisibilityStr
    status: Literal["processing", "ready", "failed", "missing"]
    owned: bool
    loved: bool = False
    play_count: int
    has_artwork: bool
    artwork: Artwork | None = None
    streamable: bool = Field(
        description="It can be played now: by HLS when `hls`, else progressively (the "
        "original file, or a transcode when the client cannot play the original)"
    )
    hls: bool = Field(description="HLS renditions (and waveform peaks) are ready")
    created_at: datetime


class TrackDetail(TrackOut):
    lyrics: str | None
    original_name: str | None


class TrackPage(BaseModel):
    items: list[TrackOut]
    next_cursor: str | None


class TrackSample(BaseModel):
    """Tracks at random (shuffle)."""

    items: list[TrackOut]


class GenreOut(BaseModel):
    name: str
    track_count: int
    album_count: int


class GenreList(BaseModel):
    items: list[GenreOut]


class AlbumOut(BaseModel):
    id: uuid.UUID
    title: str
    artist: ArtistRef | None
    year: int | None
    track_count: int
    duration: float
    has_artwork: bool
    artwork: Artwork | None = None


class AlbumPage(BaseModel):
    items: list[AlbumOut]
    next_cursor: str | None


class AlbumDetail(AlbumOut):
    tracks: list[TrackOut]


class ArtistOut(BaseModel):
    id: uuid.UUID
    name: str
    track_count: int
    album_count: int


class ArtistPage(BaseModel):
    items: list[ArtistOut]
    next_cursor: str | None


class ArtistDetail(ArtistOut):
    albums: list[AlbumOut]
    top_tracks: list[TrackOut]


class TrackPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text512 | None = None
    artists: Annotated[list[Text512], Field(min_length=1, max_length=NAMES_MAX)] | None = None
    album: (
        Annotated[OneLine, StringConstraints(strip_whitespace=True, max_length=TEXT_MAX)] | None
    ) = None
    album_artist: Text512 | None = None
    track_number: Annotated[int, Field(ge=0, le=TRACK_NUMBER_MAX)] | None = None
    disc_number: Annotated[int, Field(ge=0, le=DISC_NUMBER_MAX)] | None = None
    year: Annotated[int, Field(ge=0, le=9999)] | None = None
    genres: Annotated[list[Text512], Field(max_length=NAMES_MAX)] | None = None
    isrc: Annotated[str, StringConstraints(pattern=ISRC_PATTERN)] | None = None
    explicit: bool | None = None
    lyrics: Annotated[MultiLine, StringConstraints(max_length=LYRICS_MAX)] | None = None
    visibility: VisibilityStr | None = None


class SearchResults(BaseModel):
    query: str
    tracks: list[TrackOut]
    albums: list[AlbumOut]
    artists: list[ArtistOut]


class UploadedTrack(BaseModel):
    track: TrackOut
    job_id: uuid.UUID | None = Field(description="The processing job (HLS, waveform), if any")
    duplicate: bool = Field(description="These bytes were already in your library")
    notes: list[str] = Field(
        default_factory=list,
        description="Tag values that were not stored (too long, not a valid code), and why",
    )


class UploadResult(BaseModel):
    items: list[UploadedTrack]

"""Library request and response bodies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

VisibilityStr = Literal["private", "unlisted", "public"]
Text512 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)]


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
    artists: Annotated[list[Text512], Field(min_length=1, max_length=20)] | None = None
    album: Annotated[str, StringConstraints(strip_whitespace=True, max_length=512)] | None = None
    album_artist: Text512 | None = None
    track_number: Annotated[int, Field(ge=0, le=9999)] | None = None
    disc_number: Annotated[int, Field(ge=0, le=999)] | None = None
    year: Annotated[int, Field(ge=0, le=9999)] | None = None
    genres: Annotated[list[Text512], Field(max_length=20)] | None = None
    isrc: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$")] | None = None
    explicit: bool | None = None
    lyrics: Annotated[str, StringConstraints(max_length=100_000)] | None = None
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


class UploadResult(BaseModel):
    items: list[UploadedTrack]

"""What the playlist routes take and give."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from tonearm.library import Artwork, TrackOut
from tonearm.models.library import Visibility
from tonearm.models.playlists import PlaylistKind
from tonearm.playlists.smart import Group, Limit, SmartSort

Name = Annotated[str, Field(min_length=1, max_length=200)]
Description = Annotated[str, Field(max_length=4000)]
MAX_ITEMS = 10_000  # a static playlist's ceiling (Spotify's is 10,000 too)


def _clean_name(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if not value:
        raise ValueError("a name needs at least one visible character")
    return value


class PlaylistIn(BaseModel):
    name: Name
    description: Description = ""
    visibility: Visibility = Visibility.private
    kind: PlaylistKind = PlaylistKind.static
    rules: Group | None = Field(None, description="A smart playlist's rules (kind `smart`)")
    sort: SmartSort | None = Field(None, description="A smart playlist's order (title asc)")
    limit: Limit | None = Field(None, description="A smart playlist's most tracks")

    _name = field_validator("name")(_clean_name)

    @model_validator(mode="after")
    def _smart(self) -> PlaylistIn:
        if self.kind is PlaylistKind.smart and self.rules is None:
            raise ValueError("a smart playlist needs rules")
        if self.kind is PlaylistKind.static and (self.rules or self.sort or self.limit):
            raise ValueError("rules, sort and limit are for smart playlists (kind `smart`)")
        return self


class PlaylistPatch(BaseModel):
    name: Name | None = None
    description: Description | None = None
    visibility: Visibility | None = None
    rules: Group | None = Field(None, description="Smart playlists: new rules")
    sort: SmartSort | None = Field(None, description="Smart playlists: a new order")
    limit: Limit | None = Field(None, description="Smart playlists: a new limit")
    unlimited: bool | None = Field(None, description="Smart playlists: true drops the limit")

    _name = field_validator("name")(_clean_name)

    def changes_rules(self) -> bool:
        return bool(self.rules or self.sort or self.limit or self.unlimited)


class OwnerRef(BaseModel):
    id: uuid.UUID
    username: str


class PlaylistOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    visibility: Visibility
    kind: PlaylistKind
    owner: OwnerRef
    mine: bool = Field(description="The viewer owns it (and may change it)")
    item_count: int
    duration: float = Field(description="Seconds, of the items in the library")
    cover: Artwork | None = Field(
        description="The uploaded cover, else a 2x2 mosaic of the first four distinct album"
        " covers the viewer may see, else the first one"
    )
    cover_uploaded: bool = Field(False, description="The cover is one the owner uploaded")
    rules: Group | None = Field(None, description="A smart playlist's rules")
    sort: SmartSort | None = Field(None, description="A smart playlist's order")
    limit: int | None = Field(None, description="A smart playlist's most tracks")
    created_at: datetime
    updated_at: datetime


class ServicePlaylistOut(BaseModel):
    id: str
    name: str
    description: str | None
    track_count: int | None
    snapshot: str | None = Field(description="The service's version of its contents")
    owner_name: str | None
    editable: bool = Field(description="The connected account may add to it")
    public: bool | None
    url: str | None
    image: str | None


class ServicePlaylists(BaseModel):
    slug: str
    name: str
    status: Literal["ok", "error", "reconnect"]
    error: str | None
    playlists: list[ServicePlaylistOut]


class PlaylistPage(BaseModel):
    items: list[PlaylistOut]
    next_cursor: str | None
    services: list[ServicePlaylists] | None = Field(
        None,
        description="With `source=all` or a service's slug: each connected service's "
        "playlists (all of them, not paged), or why the service could not list them.",
    )


class EntryOut(BaseModel):
    """An entry as its source gave it (for items not, or not yet, in the library)."""

    title: str | None = None
    artists: list[str] = Field(default_factory=list)
    album: str | None = None
    album_artist: str | None = None
    duration: float | None = None
    track_number: int | None = None
    disc_number: int | None = None
    isrc: str | None = None
    mb_recording_id: str | None = None
    provider_ids: dict[str, str] = Field(default_factory=dict)
    location: str | None = None
    image: str | None = None


class MatchOut(BaseModel):
    rule: str
    score: float
    reason: str


class ItemOut(BaseModel):
    id: uuid.UUID
    position: int
    track: TrackOut | None = Field(
        description="None: an external entry, or a track the viewer may not open"
    )
    entry: EntryOut | None
    match: MatchOut | None
    available: bool = Field(description="The viewer can play it")
    added_at: datetime


class ItemPage(BaseModel):
    items: list[ItemOut]
    next_cursor: str | None


class ItemsAdd(BaseModel):
    track_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=1000)]
    position: Annotated[
        int | None, Field(ge=0, description="Insert before this position; the end when absent")
    ] = None


class ItemsRemove(BaseModel):
    item_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=1000)]


class ItemMove(BaseModel):
    item_ids: Annotated[
        list[uuid.UUID],
        Field(min_length=1, max_length=1000, description="Moved together, in their current order"),
    ]
    position: Annotated[int, Field(ge=0, description="Their first item's position afterwards")]


class MergeIn(BaseModel):
    source_id: uuid.UUID
    skip_duplicates: bool = True


class DuplicateIn(BaseModel):
    name: Name | None = None

    _name = field_validator("name")(_clean_name)


class ChangeOut(BaseModel):
    """What an item operation did, and the playlist after it."""

    changed: int
    playlist: PlaylistOut


SortOrder = Literal["updated", "name", "created"]


# --- import ----------------------------------------------------------------------------------
class MatchedTrackOut(BaseModel):
    """A library track as the import preview names it (GET /tracks/{id} has the rest)."""

    id: uuid.UUID
    title: str
    artists: list[str]
    album: str | None
    duration: float | None


class CandidateOut(BaseModel):
    track: MatchedTrackOut
    score: float
    reason: str


class PreviewRowOut(BaseModel):
    index: int
    entry: EntryOut
    bucket: Literal["matched", "review", "unmatched"]
    score: float
    rule: str = Field(description="What decided: path, isrc, mbid, album_position, fuzzy, decision")
    reason: str
    track: MatchedTrackOut | None = Field(description="The matched track")
    candidates: list[CandidateOut] = Field(description="For review: up to three")


class PreviewCounts(BaseModel):
    matched: int
    review: int
    unmatched: int


class PreviewPlaylistOut(BaseModel):
    name: str | None
    description: str | None
    format: str
    counts: PreviewCounts
    rows: list[PreviewRowOut]


class ImportPreviewOut(BaseModel):
    playlists: list[PreviewPlaylistOut]


class ImportChoice(BaseModel):
    playlist: Annotated[int, Field(ge=0)] = 0
    row: Annotated[int, Field(ge=0)]
    track_id: uuid.UUID | Literal["external"]


class ImportedOut(BaseModel):
    playlists: list[PlaylistOut]


class ExportIn(BaseModel):
    format: Literal["m3u", "m3u8", "pls", "xspf", "jspf", "wpl", "asx", "csv", "json"] = "m3u8"
    paths: Literal["absolute", "relative"] = Field(
        "absolute", description="Scanned files' paths: absolute, or inside their library root"
    )


class ExportStarted(BaseModel):
    job_id: uuid.UUID = Field(description="Follow it; its result holds `url` and `filename`")


# --- smart playlists ---------------------------------------------------------------------
class SmartPreviewIn(BaseModel):
    rules: Group
    sort: SmartSort = SmartSort()
    limit: Limit | None = None
    count: Annotated[int, Field(ge=1, le=200, description="How many tracks to show")] = 50


class SmartPreviewOut(BaseModel):
    items: list[TrackOut] = Field(description="The first `count` tracks the rules select")
    total: int = Field(description="How many tracks the rules select (the limit applied)")
    duration: float = Field(description="Their seconds")

"""In and out models for /api/v1/migrations and /api/v1/sync-pairs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

Status = Literal[
    "queued", "reading", "matching", "review", "writing", "waiting", "done", "failed", "cancelled"
]


Slug = Annotated[str, Field(min_length=2, max_length=32, pattern=r"^[a-z0-9]+$")]


class ServiceSideIn(BaseModel):
    kind: Literal["service"]
    service: Slug = Field(description="The service's slug (`spotify`)")

    def as_json(self) -> dict[str, Any]:
        return {"kind": "service", "service": self.service}


class LibrarySideIn(BaseModel):
    kind: Literal["library"]

    def as_json(self) -> dict[str, Any]:
        return {"kind": "library"}


class FileSideIn(BaseModel):
    """A target only: the playlists written as files to download (every track, as the
    source gave it; nothing is matched)."""

    kind: Literal["file"]
    format: Literal["m3u8", "pls", "xspf", "jspf", "csv", "json"] = "xspf"

    def as_json(self) -> dict[str, Any]:
        return {"kind": "file", "format": self.format}


SideIn = Annotated[ServiceSideIn | LibrarySideIn, Field(discriminator="kind")]
TargetIn = Annotated[ServiceSideIn | LibrarySideIn | FileSideIn, Field(discriminator="kind")]
PlaylistId = Annotated[str, Field(min_length=1, max_length=255)]


class PolicyIn(BaseModel):
    strict_versions: bool = Field(
        True, description="A live, remix, instrumental... matches only the same kind of version."
    )


class MigrationIn(BaseModel):
    source: SideIn
    target: TargetIn
    playlists: (
        Annotated[list[PlaylistId], Field(min_length=1, max_length=200)] | Literal["all", "liked"]
    ) = Field(description="Source playlist ids, `all`, or `liked` (the liked or saved tracks).")
    dry_run: bool = Field(False, description="Match and report; write nothing until applied.")
    policy: PolicyIn = Field(default_factory=PolicyIn)


class Counts(BaseModel):
    tracks: int = 0
    looked_up: int = 0
    matched: int = 0
    review: int = 0
    unmatched: int = 0
    skipped: int = 0
    written: int = 0


class MigrationPlaylistOut(BaseModel):
    id: uuid.UUID
    source_id: str
    name: str
    target_id: str | None
    target_url: str | None
    tracks: int


class MigrationOut(BaseModel):
    id: uuid.UUID
    source: dict[str, Any]
    target: dict[str, Any]
    selection: dict[str, Any]
    dry_run: bool
    policy: dict[str, Any]
    status: Status
    counts: Counts
    job_id: uuid.UUID | None
    playlists: list[MigrationPlaylistOut]
    resume_at: datetime | None = Field(description="A waiting migration goes on then.")
    estimate: dict[str, Any] | None
    error: str | None
    sync_pair_id: uuid.UUID | None
    created_at: datetime
    finished_at: datetime | None


class MigrationSummary(BaseModel):
    id: uuid.UUID
    source: dict[str, Any]
    target: dict[str, Any]
    status: Status
    counts: Counts
    dry_run: bool
    sync_pair_id: uuid.UUID | None
    created_at: datetime
    finished_at: datetime | None


class MigrationPage(BaseModel):
    items: list[MigrationSummary]
    next_cursor: str | None


class CandidateOut(BaseModel):
    id: str
    score: float
    reason: str
    track: dict[str, Any] | None = None


class MigrationTrackOut(BaseModel):
    id: uuid.UUID
    playlist_id: uuid.UUID
    position: int
    entry: dict[str, Any]
    bucket: Literal["matched", "review", "unmatched"] | None
    score: float | None
    rule: str | None
    reason: str | None
    candidates: list[CandidateOut]
    target_track_id: str | None
    decided_by: Literal["engine", "user", "skipped"] | None
    written: bool
    error: str | None


class MigrationTrackPage(BaseModel):
    items: list[MigrationTrackOut]
    next_cursor: str | None


class ChooseIn(BaseModel):
    choice: str = Field(min_length=1, max_length=255, description="A candidate's target id")


class SkipIn(BaseModel):
    skip: Literal[True] = Field(description="Leave this track out")


DecisionIn = ChooseIn | SkipIn


class SyncPairIn(BaseModel):
    source: SideIn
    source_playlist_id: PlaylistId
    target: SideIn
    target_playlist_id: PlaylistId | None = Field(
        None, description="An existing playlist; none: created by the first run"
    )
    mode: Literal["one_way", "two_way"] = "one_way"
    removals: bool = Field(
        False, description="One way: remove from the target what the source lost"
    )
    interval_minutes: int = Field(360, ge=15, le=7 * 24 * 60)


class SyncPairPatch(BaseModel):
    mode: Literal["one_way", "two_way"] | None = None
    removals: bool | None = None
    interval_minutes: int | None = Field(None, ge=15, le=7 * 24 * 60)
    enabled: bool | None = None


class SyncPairOut(BaseModel):
    id: uuid.UUID
    name: str
    source: dict[str, Any]
    target: dict[str, Any]
    mode: Literal["one_way", "two_way"]
    removals: bool
    interval_minutes: int
    enabled: bool
    next_run_at: datetime
    last_run_at: datetime | None
    last_result: dict[str, Any] | None
    created_at: datetime


class SyncPairList(BaseModel):
    items: list[SyncPairOut]

"""MusicBrainz WS/2 JSON (`fmt=json`) to Tonearm's types.

A recording's `length` is in milliseconds and may be null or absent; its artists are the
`artist-credit` list (each with a `joinphrase`); an ISRC look-up and a search list
recordings without `isrcs` (a recording look-up with `inc=isrcs` has them, as strings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tonearm.providers.base import ServiceTrack

WEB = "https://musicbrainz.org"


@dataclass(frozen=True, slots=True)
class Release:
    id: str
    title: str
    status: str | None = None
    date: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Recording:
    """A recording with everything a look-up gave: every ISRC, every release (at most 25 per
    look-up), the artists' MBIDs."""

    id: str  # the recording MBID
    title: str
    artists: tuple[str, ...] = ()
    artist_ids: tuple[str, ...] = ()
    length: float | None = None  # seconds
    isrcs: tuple[str, ...] = ()
    releases: tuple[Release, ...] = ()
    disambiguation: str | None = None
    first_release_date: str | None = None
    score: int | None = None  # search results only

    @property
    def url(self) -> str:
        return f"{WEB}/recording/{self.id}"

    def track(self) -> ServiceTrack:
        return ServiceTrack(
            id=self.id,
            title=self.title,
            artists=self.artists,
            album=self.releases[0].title if self.releases else None,
            duration=self.length,
            isrc=self.isrcs[0] if self.isrcs else None,
            url=self.url,
        )


def _str(value: Any) -> str | None:
    return str(value) if isinstance(value, str) and value else None


def release(obj: dict[str, Any]) -> Release:
    return Release(
        id=str(obj.get("id") or ""),
        title=str(obj.get("title") or ""),
        status=_str(obj.get("status")),
        date=_str(obj.get("date")),
        country=_str(obj.get("country")),
    )


def recording(obj: dict[str, Any]) -> Recording | None:
    if not isinstance(obj, dict) or not obj.get("id"):
        return None
    credits = [c for c in obj.get("artist-credit") or [] if isinstance(c, dict)]
    length = obj.get("length")
    score = obj.get("score")
    return Recording(
        id=str(obj["id"]),
        title=str(obj.get("title") or ""),
        artists=tuple(str(c["name"]) for c in credits if c.get("name")),
        artist_ids=tuple(
            str(c["artist"]["id"])
            for c in credits
            if isinstance(c.get("artist"), dict) and c["artist"].get("id")
        ),
        length=length / 1000 if isinstance(length, int | float) and length > 0 else None,
        isrcs=tuple(str(i) for i in obj.get("isrcs") or [] if isinstance(i, str)),
        releases=tuple(release(r) for r in obj.get("releases") or [] if isinstance(r, dict)),
        disambiguation=_str(obj.get("disambiguation")),
        first_release_date=_str(obj.get("first-release-date")),
        score=int(score) if isinstance(score, int | float) else None,
    )


def recordings(body: Any) -> list[Recording]:
    items = body.get("recordings") if isinstance(body, dict) else None
    return [r for obj in items or [] if (r := recording(obj)) is not None]

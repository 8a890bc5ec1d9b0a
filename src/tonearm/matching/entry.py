"""An entry: one track as someone else describes it (a playlist file's line, a service's item).

Shared by the playlist formats (which read and write entries) and the matching engine (which
finds the library track an entry means). Every field is optional except that an entry says
something: a title, a location or an identifier. Values are kept as the source gave them
(trimmed; no case folding): normalising is the matching engine's job, and an entry that stays
external is shown and written back as it came.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Entry:
    title: str | None = None
    artists: tuple[str, ...] = ()  # as credited, in order; one string may still hold "A & B"
    album: str | None = None
    album_artist: str | None = None
    duration: float | None = None  # seconds; None when unknown (M3U's -1)
    track_number: int | None = None
    disc_number: int | None = None
    isrc: str | None = None
    mb_recording_id: str | None = None  # MusicBrainz recording id
    # Identifiers on services: {"spotify": "4uLU6hMCjMI75M1A2tKUQC", "deezer": "3135556"}.
    provider_ids: Mapping[str, str] = field(default_factory=dict)
    # Where the file says the audio is: a path (any OS's form), a file:// URI or an http(s) URL.
    location: str | None = None
    image: str | None = None  # cover art URL, when the file names one

    def is_empty(self) -> bool:
        return not (
            self.title or self.location or self.isrc or self.mb_recording_id or self.provider_ids
        )

    def to_json(self) -> dict[str, Any]:
        """The entry as stored (an external playlist item) and as Tonearm JSON writes it:
        only the fields it has."""
        out: dict[str, Any] = {}
        for name in Entry.__slots__:
            value = getattr(self, name)
            if value is None or value == () or value == {}:
                continue
            out[name] = (
                list(value)
                if name == "artists"
                else dict(value)
                if name == "provider_ids"
                else value
            )
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Entry:
        """The inverse of `to_json`; unknown keys are ignored, wrong types refused."""
        kwargs: dict[str, Any] = {}
        for name in cls.__slots__:
            if name not in data or data[name] is None:
                continue
            value = data[name]
            if name == "artists":
                if not isinstance(value, list | tuple) or not all(
                    isinstance(a, str) for a in value
                ):
                    raise ValueError("artists must be a list of strings")
                value = tuple(value)
            elif name == "provider_ids":
                if not isinstance(value, Mapping) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in value.items()
                ):
                    raise ValueError("provider_ids must map strings to strings")
                value = dict(value)
            elif name == "duration":
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError("duration must be a number")
                value = float(value)
            elif name in ("track_number", "disc_number"):
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"{name} must be an integer")
            elif not isinstance(value, str):
                raise ValueError(f"{name} must be a string")
            kwargs[name] = value
        return cls(**kwargs)

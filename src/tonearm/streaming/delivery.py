"""What to send, as the streaming service decides it; `respond.py` turns it into HTTP.

Keeping the decision free of HTTP lets a second API face (Subsonic's `stream` and
`download`) reuse it with its own adapter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from tonearm.kit.errors import TonearmError


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file on this machine (a scanned track's original), served with Range."""

    path: Path
    cache_control: str = "private"


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An object in storage, served by this server with Range and ETag. `missing` is the
    domain error to raise when the object is gone."""

    key: str
    content_type: str | None = None
    cache_control: str = "private, max-age=3600"
    missing: type[TonearmError] | None = None


@dataclass(frozen=True, slots=True)
class Redirect:
    """Send the client elsewhere (a presigned URL straight to the bucket)."""

    url: str


@dataclass(frozen=True, slots=True)
class Text:
    """A small generated body (an HLS playlist rewritten to presigned segment URLs)."""

    body: str
    media_type: str


@dataclass(frozen=True, slots=True)
class Live:
    """A live transcode. Its slot is already held (429 came before this was returned); the
    chunks must be consumed or closed."""

    chunks: AsyncIterator[bytes]
    media_type: str


Delivery = LocalFile | StoredFile | Redirect | Text | Live

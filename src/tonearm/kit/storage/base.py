"""What every storage back end promises: the protocol, the object record, key rules and errors."""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import quote

from tonearm.kit.errors import BadRequest, NotFound, PayloadTooLarge, ServiceUnavailable
from tonearm.kit.storage.signing import UrlSigner

#: Size of the chunks `Storage.open` yields.
CHUNK_SIZE = 64 * 1024
#: How much a back end reads per blocking call before slicing it into chunks.
READ_BATCH = 512 * 1024
#: S3 multipart part size; bodies smaller than one part go up in a single request.
PART_SIZE = 8 * 1024 * 1024
MAX_KEY_BYTES = 1024
#: Segments starting with this are reserved for the back ends' own bookkeeping files.
RESERVED_SEGMENT_PREFIX = ".tonearm"

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class StorageNotFound(NotFound):
    code, title = "object_not_found", "Stored object not found"


class InvalidKey(BadRequest):
    code, title = "invalid_storage_key", "Invalid storage key"


class TooLarge(PayloadTooLarge):
    title = "Upload too large"


class StorageUnavailable(ServiceUnavailable):
    code, title = "storage_unavailable", "Storage is not reachable"


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    size: int
    content_type: str | None = None
    etag: str | None = None  # quoted, ready for an ETag header
    sha256: str | None = None  # hex, when the back end knows it
    modified: datetime | None = None


Body = AsyncIterable[bytes] | bytes


@runtime_checkable
class Storage(Protocol):
    """One async interface over local disk and S3-compatible buckets.

    Keys are relative, '/'-separated paths (see `validate_key`). Two calling styles matter:
    `open` is a coroutine (await it: a missing key or an unsatisfiable range raises *before*
    any byte is produced, so an endpoint can still answer 404/416) that returns an iterator you
    must exhaust or `aclose()`; `list` is an async generator (`async for k in s.list(p)`).

    `presigned_downloads`: True when `signed_url` points at the back end itself (S3), so a
    server hands clients those URLs (redirects, rewritten playlists) instead of relaying the
    bytes; False when the server serves the files it signs (local disk, through `url_signer`).
    """

    presigned_downloads: bool
    #: Verifies the signed URLs this server serves itself; None when the back end signs its own.
    url_signer: UrlSigner | None

    async def put(
        self,
        key: str,
        data: Body,
        *,
        content_type: str | None = None,
        max_bytes: int | None = None,
    ) -> StoredObject:
        """Stream `data` into `key`; all or nothing. Raises TooLarge past `max_bytes`."""
        ...

    async def stat(self, key: str) -> StoredObject | None: ...

    async def open(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Bytes `start`..`end` (inclusive, like HTTP ranges; `end` is clamped to the size) in
        chunks of CHUNK_SIZE. Raises StorageNotFound, or RangeNotSatisfiable when a range was
        asked for (start > 0 or end given) and `start` is at or past the end of the object."""
        ...

    async def delete(self, key: str) -> None:
        """Idempotent: deleting a missing key is not an error."""
        ...

    async def delete_prefix(self, prefix: str) -> int:
        """Delete every key starting with `prefix` (a plain string prefix, not only folders);
        returns how many. An empty prefix is refused."""
        ...

    async def exists(self, key: str) -> bool: ...

    def list(self, prefix: str = "") -> AsyncIterator[str]:
        """Keys starting with `prefix`, in lexicographic order."""
        ...

    async def signed_url(
        self,
        key: str,
        *,
        expires_in: int = 3600,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> str:
        """A URL a browser can GET without other credentials until it expires. `filename` makes
        it a download (Content-Disposition: attachment); `content_type` overrides the type."""
        ...

    async def local_path(self, key: str) -> Path | None:
        """The file on disk for the local back end (raises StorageNotFound when missing);
        None for back ends without one. See `local_copy` for a helper that works for both."""
        ...

    async def check(self) -> bool:
        """Health probe: True when the back end answers and is usable."""
        ...

    async def sweep_partial(self, older_than: timedelta) -> int:
        """Remove what interrupted writes left (a crash mid-`put`): local temp files, S3
        multipart uploads never completed, unmodified for `older_than`. Returns how many."""
        ...


def validate_key(key: str) -> str:
    """Return `key` when it is a safe object key, else raise InvalidKey.

    Rules: 1..1024 UTF-8 bytes; relative; '/'-separated segments that are neither empty, '.'
    nor '..'; no backslash, NUL or other control characters; no segment starting with
    '.tonearm' (reserved for bookkeeping files).
    """
    if not isinstance(key, str) or not key:
        raise InvalidKey("Storage keys must be non-empty strings")
    _check_chars(key)
    if key.startswith("/"):
        raise InvalidKey("Storage keys must be relative")
    for segment in key.split("/"):
        _check_segment(segment)
    return key


def validate_prefix(prefix: str, *, allow_empty: bool = True) -> str:
    """Like `validate_key` for a listing prefix: may be empty, may end with '/', and its last
    segment may be partial ('tracks/ab' matches 'tracks/abc/1')."""
    if not isinstance(prefix, str):
        raise InvalidKey("Storage prefixes must be strings")
    if not prefix:
        if allow_empty:
            return prefix
        raise InvalidKey("An empty prefix would match every object")
    _check_chars(prefix)
    if prefix.startswith("/"):
        raise InvalidKey("Storage prefixes must be relative")
    *folders, _last = prefix.split("/")
    for segment in folders:
        _check_segment(segment)
    return prefix


def _check_chars(value: str) -> None:
    if len(value.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise InvalidKey(f"Storage keys are limited to {MAX_KEY_BYTES} bytes")
    if "\\" in value:
        raise InvalidKey("Storage keys must not contain backslashes")
    if _CONTROL.search(value):
        raise InvalidKey("Storage keys must not contain control characters")


def _check_segment(segment: str) -> None:
    if segment in ("", ".", ".."):
        raise InvalidKey("Storage keys must not contain empty, '.' or '..' segments")
    if segment.startswith(RESERVED_SEGMENT_PREFIX):
        raise InvalidKey(f"Key segments starting with {RESERVED_SEGMENT_PREFIX!r} are reserved")


def check_range_args(start: int, end: int | None) -> None:
    if start < 0 or (end is not None and end < start):
        raise ValueError(f"invalid byte range {start}-{end}")


async def iter_body(data: Body, batch: int = 1024 * 1024) -> AsyncIterator[bytes]:
    """Yield the body as chunks; a bytes body is sliced so callers see bounded pieces."""
    if isinstance(data, bytes | bytearray | memoryview):
        view = memoryview(data)
        for i in range(0, len(view), batch):
            yield bytes(view[i : i + batch])
        return
    async for chunk in data:
        if chunk:
            yield bytes(chunk)


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """RFC 6266 header value with an ASCII fallback and the UTF-8 `filename*` form."""
    fallback = "".join(
        c if 0x20 <= ord(c) < 0x7F and c not in '"\\' else "_" for c in filename
    ).strip()
    value = f'{disposition}; filename="{fallback or "download"}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value

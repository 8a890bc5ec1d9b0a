"""Object storage: one async interface over local disk and S3-compatible buckets.

`create_storage(settings)` picks the back end: S3 when `TONEARM_S3__BUCKET` is set, otherwise
files under `<data_dir>/media`. See `base.Storage` for the contract.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from tonearm.kit.storage.base import (
    CHUNK_SIZE,
    PART_SIZE,
    InvalidKey,
    Storage,
    StorageNotFound,
    StorageUnavailable,
    StoredObject,
    TooLarge,
    validate_key,
    validate_prefix,
)
from tonearm.kit.storage.local import LocalStorage
from tonearm.kit.storage.ranges import RangeNotSatisfiable, parse_range
from tonearm.kit.storage.signing import (
    InvalidSignature,
    UrlExpired,
    UrlSigner,
    sign_local_url,
    verify_local_signature,
)

if TYPE_CHECKING:
    from tonearm.config import Settings
    from tonearm.kit.storage.s3 import S3Storage

__all__ = [
    "CHUNK_SIZE",
    "PART_SIZE",
    "InvalidKey",
    "InvalidSignature",
    "LocalStorage",
    "RangeNotSatisfiable",
    "S3Storage",
    "Storage",
    "StorageNotFound",
    "StorageUnavailable",
    "StoredObject",
    "TooLarge",
    "UrlExpired",
    "UrlSigner",
    "create_storage",
    "local_copy",
    "parse_range",
    "sign_local_url",
    "validate_key",
    "validate_prefix",
    "verify_local_signature",
]


def __getattr__(name: str) -> Any:
    # boto3 costs ~25 MB of memory: load it only when S3 is in use.
    if name == "S3Storage":
        from tonearm.kit.storage.s3 import S3Storage

        return S3Storage
    raise AttributeError(name)


def create_storage(settings: Settings) -> Storage:
    if settings.s3.bucket:
        from tonearm.kit.storage.s3 import S3Storage

        return S3Storage.from_settings(settings)
    return LocalStorage(
        settings.data_dir / "media",
        secret=settings.resolved_secret_key(),
        base_url="",  # same-origin paths: the SPA and API share the origin
    )


@contextlib.asynccontextmanager
async def local_copy(storage: Storage, key: str) -> AsyncIterator[Path]:
    """A file path holding the object, for libraries that need one (PyAV). The local back end
    hands out its own file; others download to a temp file removed on exit."""
    path = await storage.local_path(key)
    if path is not None:
        yield path
        return
    fd, name = tempfile.mkstemp(suffix=PurePosixPath(key).suffix, prefix="tonearm-")
    try:
        with os.fdopen(fd, "wb") as out:
            async for chunk in await storage.open(key):
                await asyncio.to_thread(out.write, chunk)
        yield Path(name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)

"""Local-disk back end: objects are plain files under one root folder.

Writes go to a temp file in the target folder and are moved into place with `os.replace`, so a
reader sees the old object or the new one, never half of one. The content type and SHA-256 of
each object are kept in a small JSON sidecar under `<root>/.tonearm-meta/`; a sidecar that no
longer matches its file (size or mtime changed behind our back) is ignored.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import hashlib
import json
import mimetypes
import os
import stat
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from io import BufferedWriter
from pathlib import Path
from typing import Any, BinaryIO

from tonearm.kit.storage.base import (
    READ_BATCH,
    RESERVED_SEGMENT_PREFIX,
    Body,
    InvalidKey,
    StorageNotFound,
    StoredObject,
    TooLarge,
    check_range_args,
    iter_body,
    validate_key,
    validate_prefix,
)
from tonearm.kit.storage.ranges import RangeNotSatisfiable
from tonearm.kit.storage.signing import UrlSigner

META_DIR = f"{RESERVED_SEGMENT_PREFIX}-meta"
TMP_PREFIX = f"{RESERVED_SEGMENT_PREFIX}-tmp-"
_WRITE_BATCH = 1024 * 1024


class LocalStorage:
    presigned_downloads = False

    def __init__(self, root: Path, *, secret: str, base_url: str = "") -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()
        self._signer = UrlSigner(secret, base_url)
        self.url_signer: UrlSigner | None = self._signer

    # --- paths ---------------------------------------------------------------------------
    def _path(self, key: str) -> Path:
        validate_key(key)
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise InvalidKey("Storage key escapes the storage root")
        return path

    def _meta_path(self, key: str) -> Path:
        return self.root / META_DIR / f"{key}.json"

    # --- writing -------------------------------------------------------------------------
    async def put(
        self,
        key: str,
        data: Body,
        *,
        content_type: str | None = None,
        max_bytes: int | None = None,
    ) -> StoredObject:
        path = self._path(key)
        if isinstance(data, bytes) and max_bytes is not None and len(data) > max_bytes:
            raise TooLarge(f"The body exceeds {max_bytes} bytes")
        fh, tmp = await asyncio.to_thread(_make_temp, path.parent, self.root)
        digest = hashlib.sha256()
        size = 0
        try:
            buf = bytearray()
            async for chunk in iter_body(data):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise TooLarge(f"The body exceeds {max_bytes} bytes")
                buf += chunk
                if len(buf) >= _WRITE_BATCH:
                    await asyncio.to_thread(_write, fh, digest, buf)
                    buf = bytearray()
            if buf:
                await asyncio.to_thread(_write, fh, digest, buf)
            st = await asyncio.to_thread(_commit, fh, tmp, path)
        except BaseException:
            await asyncio.to_thread(_discard, fh, tmp, self.root)
            raise
        sha = digest.hexdigest()
        meta = {
            "content_type": content_type,
            "sha256": sha,
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
        }
        await asyncio.to_thread(_write_meta, self._meta_path(key), meta, self.root)
        return StoredObject(
            key=key,
            size=size,
            content_type=content_type or _guess_type(key),
            etag=f'"{sha}"',
            sha256=sha,
            modified=datetime.fromtimestamp(st.st_mtime, UTC),
        )

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(_delete, path, self._meta_path(key), self.root)

    async def delete_prefix(self, prefix: str) -> int:
        validate_prefix(prefix, allow_empty=False)
        count = 0
        for key in await asyncio.to_thread(self._collect, prefix):
            await self.delete(key)
            count += 1
        return count

    # --- reading -------------------------------------------------------------------------
    async def stat(self, key: str) -> StoredObject | None:
        path = self._path(key)
        return await asyncio.to_thread(self._stat, key, path)

    def _stat(self, key: str, path: Path) -> StoredObject | None:
        try:
            st = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not path.is_file():
            return None
        meta = _read_meta(self._meta_path(key))
        if meta.get("size") != st.st_size or meta.get("mtime_ns") != st.st_mtime_ns:
            meta = {}
        sha = meta.get("sha256")
        return StoredObject(
            key=key,
            size=st.st_size,
            content_type=meta.get("content_type") or _guess_type(key),
            etag=f'"{sha}"' if sha else f'"{st.st_mtime_ns:x}-{st.st_size:x}"',
            sha256=sha,
            modified=datetime.fromtimestamp(st.st_mtime, UTC),
        )

    async def exists(self, key: str) -> bool:
        return await self.stat(key) is not None

    async def open(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        check_range_args(start, end)
        path = self._path(key)
        try:
            fh, size = await asyncio.to_thread(_open_read, path)
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise StorageNotFound(f"No object at {key!r}") from None
        if (start > 0 or end is not None) and start >= size:
            fh.close()
            raise RangeNotSatisfiable(size)
        stop = size if end is None else min(end + 1, size)
        return _read_range(fh, start, stop)

    async def list(self, prefix: str = "") -> AsyncIterator[str]:
        validate_prefix(prefix)
        for key in await asyncio.to_thread(self._collect, prefix):
            yield key

    def _collect(self, prefix: str) -> builtins.list[str]:
        folder = self.root / prefix.rpartition("/")[0]
        keys: list[str] = []
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith(RESERVED_SEGMENT_PREFIX)]
            rel = Path(dirpath).relative_to(self.root).as_posix()
            for name in filenames:
                if name.startswith(RESERVED_SEGMENT_PREFIX):
                    continue
                key = name if rel == "." else f"{rel}/{name}"
                if key.startswith(prefix):
                    keys.append(key)
        keys.sort()
        return keys

    # --- other ---------------------------------------------------------------------------
    async def signed_url(
        self,
        key: str,
        *,
        expires_in: int = 3600,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> str:
        validate_key(key)
        expires_at = int(time.time()) + expires_in
        return self._signer.sign(key, expires_at, filename, content_type)

    async def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        if not await asyncio.to_thread(path.is_file):
            raise StorageNotFound(f"No object at {key!r}")
        return path

    async def sweep_partial(self, older_than: timedelta) -> int:
        cutoff = time.time() - older_than.total_seconds()
        return await asyncio.to_thread(self._sweep_partial, cutoff)

    def _sweep_partial(self, cutoff: float) -> int:
        count = 0
        for dirpath, _dirnames, filenames in os.walk(self.root):
            for name in filenames:
                if not name.startswith(TMP_PREFIX):
                    continue
                path = Path(dirpath) / name
                try:
                    if path.stat().st_mtime < cutoff:
                        path.unlink()
                        count += 1
                except FileNotFoundError:
                    pass  # its put finished (or another sweep took it) meanwhile
        return count

    async def check(self) -> bool:
        def probe() -> bool:
            self.root.mkdir(parents=True, exist_ok=True)
            return os.access(self.root, os.W_OK | os.X_OK)

        try:
            return await asyncio.to_thread(probe)
        except OSError:
            return False


# --- blocking helpers (run in threads) ------------------------------------------------------


def _guess_type(key: str) -> str | None:
    return mimetypes.guess_type(key, strict=False)[0]


def _makedirs(folder: Path, root: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InvalidKey("A parent of this key is already an object") from None
    if not folder.resolve().is_relative_to(root):
        raise InvalidKey("Storage key escapes the storage root")


def _make_temp(folder: Path, root: Path) -> tuple[BufferedWriter, Path]:
    # A concurrent delete may prune the folder between mkdir and mkstemp: try again.
    for attempt in range(5):
        _makedirs(folder, root)
        try:
            fd, name = tempfile.mkstemp(dir=folder, prefix=TMP_PREFIX, suffix=".part")
        except FileNotFoundError:
            if attempt == 4:
                raise
            continue
        return os.fdopen(fd, "wb"), Path(name)
    raise AssertionError("unreachable")


def _write(fh: BinaryIO, digest: Any, buf: bytes | bytearray) -> None:
    fh.write(buf)
    digest.update(buf)


def _commit(fh: BinaryIO, tmp: Path, path: Path) -> os.stat_result:
    fh.flush()
    os.fsync(fh.fileno())
    fh.close()
    try:
        os.replace(tmp, path)
    except IsADirectoryError:
        raise InvalidKey("This key is a folder of other objects") from None
    return path.stat()


def _discard(fh: BinaryIO, tmp: Path, root: Path) -> None:
    with contextlib.suppress(OSError):
        fh.close()
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    _prune(tmp.parent, root)


def _write_meta(meta_path: Path, meta: dict[str, Any], root: Path) -> None:
    for attempt in range(5):
        try:
            meta_path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=meta_path.parent, prefix=TMP_PREFIX, suffix=".json")
        except FileNotFoundError:
            if attempt == 4:
                raise
            continue
        with os.fdopen(fd, "w") as out:
            json.dump(meta, out)
        os.replace(name, meta_path)
        return


def _read_meta(meta_path: Path) -> dict[str, Any]:
    try:
        data = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _delete(path: Path, meta_path: Path, root: Path) -> None:
    if path.is_dir():  # a folder is not an object: nothing to delete
        return
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        path.unlink()
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        meta_path.unlink()
    _prune(path.parent, root)
    _prune(meta_path.parent, root / META_DIR)


def _prune(folder: Path, root: Path) -> None:
    """Remove now-empty folders from `folder` up to (not including) `root`."""
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:  # not empty, already gone, or busy: stop here
            return
        folder = folder.parent


def _open_read(path: Path) -> tuple[BinaryIO, int]:
    fh = open(path, "rb")  # noqa: SIM115 - closed by _read_range
    try:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise IsADirectoryError(str(path))
    except BaseException:
        fh.close()
        raise
    return fh, st.st_size


def _read_block(fh: BinaryIO, pos: int, n: int) -> bytes:
    fh.seek(pos)
    return fh.read(n)


async def _read_range(fh: BinaryIO, start: int, stop: int) -> AsyncIterator[bytes]:
    try:
        pos = start
        while pos < stop:
            block = await asyncio.to_thread(_read_block, fh, pos, min(READ_BATCH, stop - pos))
            if not block:  # truncated underneath us
                break
            # One send per block: fewer, larger writes are what make ranged serving fast.
            yield block
            pos += len(block)
    finally:
        fh.close()

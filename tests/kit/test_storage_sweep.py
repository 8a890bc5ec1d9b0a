"""Sweeping what interrupted writes left: local temp parts and S3 multipart uploads never
completed go once older than the grace; finished objects and fresh writes stay."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from tests.kit.test_storage import moto_endpoint, storage  # noqa: F401 (fixtures)
from tonearm.kit.paths import sweep_stale
from tonearm.kit.storage import Storage
from tonearm.kit.storage.local import TMP_PREFIX, LocalStorage
from tonearm.kit.storage.s3 import S3Storage

HOUR = timedelta(hours=1)


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


async def _interrupted_write(storage: Storage) -> str:  # noqa: F811
    """What a kill -9 inside `put` leaves, made the way `put` makes it."""
    if isinstance(storage, LocalStorage):
        folder = storage.root / "tracks" / "a"
        folder.mkdir(parents=True, exist_ok=True)
        part = folder / f"{TMP_PREFIX}crash.part"
        part.write_bytes(b"half a file")
        return str(part)
    assert isinstance(storage, S3Storage)
    created = storage.client.create_multipart_upload(
        Bucket=storage.bucket, Key=storage.prefix + "tracks/a/original.flac"
    )
    return str(created["UploadId"])


async def _left(storage: Storage, what: str) -> bool:  # noqa: F811
    if isinstance(storage, LocalStorage):
        return Path(what).exists()
    assert isinstance(storage, S3Storage)
    page = storage.client.list_multipart_uploads(Bucket=storage.bucket, Prefix=storage.prefix)
    return any(u["UploadId"] == what for u in page.get("Uploads", []))


async def test_an_interrupted_write_is_swept_after_the_grace_only(
    storage: Storage,  # noqa: F811
) -> None:
    await storage.put("tracks/a/kept.flac", b"a whole file")
    what = await _interrupted_write(storage)
    if isinstance(storage, LocalStorage):
        assert await storage.sweep_partial(HOUR) == 0  # younger than the grace: in progress?
        assert await _left(storage, what)
        _age(Path(what), 2 * 3600)
    # (moto dates every multipart upload 2010-11-10, so on S3 it is old at once.)
    assert await storage.sweep_partial(HOUR) == 1
    assert not await _left(storage, what)
    assert await storage.exists("tracks/a/kept.flac")


def test_stale_temp_files_and_empty_scratch_folders_go_fresh_ones_stay(tmp_path: Path) -> None:
    old_part = tmp_path / "uploads" / "upload-old.part"
    new_part = tmp_path / "uploads" / "upload-new.part"
    scratch = tmp_path / "process" / "tonearm-process-x"
    scratch.mkdir(parents=True)
    old_part.parent.mkdir(parents=True)
    (scratch / "seg0.ts").write_bytes(b"x")
    old_part.write_bytes(b"x")
    new_part.write_bytes(b"x")
    for path in (old_part, scratch / "seg0.ts", scratch):
        _age(path, 7200)
    assert sweep_stale(tmp_path, 3600) == 2
    assert new_part.exists() and not old_part.exists() and not scratch.exists()
    assert (tmp_path / "uploads").is_dir()  # the folder a live upload writes into stays

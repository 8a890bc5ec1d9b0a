"""S3-compatible back end (AWS S3, MinIO, R2, B2, Ceph ...).

boto3 runs in worker threads (`asyncio.to_thread`) rather than through aioboto3: boto3 is
already a dependency with complete type stubs, its clients are thread-safe, and aiobotocore pins
exact botocore versions, which keeps breaking installs next to a plain boto3. Each call is one
short blocking request; bodies are streamed part by part, so threads are never held long.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import hashlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import boto3
import structlog
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tonearm.kit.storage.base import (
    CHUNK_SIZE,
    PART_SIZE,
    READ_BATCH,
    Body,
    StorageNotFound,
    StorageUnavailable,
    StoredObject,
    TooLarge,
    check_range_args,
    content_disposition,
    iter_body,
    validate_key,
    validate_prefix,
)
from tonearm.kit.storage.ranges import RangeNotSatisfiable
from tonearm.kit.storage.signing import UrlSigner

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef


log = structlog.get_logger(__name__)
T = TypeVar("T")
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


def make_client(
    *,
    endpoint_url: str | None = None,
    region: str | None = None,
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
) -> S3Client:
    config = Config(
        signature_version="s3v4",
        # Path-style works on every S3-compatible server; AWS itself prefers virtual hosts.
        s3={"addressing_style": "path" if endpoint_url else "auto"},
        retries={"mode": "standard", "max_attempts": 4},
        max_pool_connections=32,
        # Newer boto3 adds CRC checksums to every upload; several S3-compatible servers reject
        # them. Only send checksums where the API requires them.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    session = boto3.session.Session()
    return session.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=region,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        config=config,
    )


class S3Storage:
    # Downloads go straight to the bucket through presigned URLs (see streaming).
    presigned_downloads = True
    url_signer: UrlSigner | None = None

    def __init__(
        self,
        client: S3Client,
        bucket: str,
        *,
        prefix: str = "",
        part_size: int = PART_SIZE,
    ) -> None:
        if part_size < 5 * 1024 * 1024:
            raise ValueError("S3 parts must be at least 5 MiB")
        self.client = client
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.part_size = part_size

    def _full(self, key: str) -> str:
        return self.prefix + validate_key(key)

    async def _call(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        """Run one boto3 call in a thread and translate its errors into domain errors."""
        try:
            return await asyncio.to_thread(fn, **kwargs)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in _NOT_FOUND:
                raise StorageNotFound(f"No object at {kwargs.get('Key')!r}") from exc
            if code == "InvalidRange":
                raise RangeNotSatisfiable() from exc
            raise StorageUnavailable(f"S3 error {code}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(str(exc)) from exc

    # --- writing -------------------------------------------------------------------------
    async def put(
        self,
        key: str,
        data: Body,
        *,
        content_type: str | None = None,
        max_bytes: int | None = None,
    ) -> StoredObject:
        full = self._full(key)
        if isinstance(data, bytes) and max_bytes is not None and len(data) > max_bytes:
            raise TooLarge(f"The body exceeds {max_bytes} bytes")
        extra: dict[str, Any] = {"ContentType": content_type} if content_type else {}
        digest = hashlib.sha256()
        size = 0
        buf = bytearray()
        upload_id: str | None = None
        parts: list[CompletedPartTypeDef] = []
        try:
            async for chunk in iter_body(data):
                size += len(chunk)
                if max_bytes is not None and size > max_bytes:
                    raise TooLarge(f"The body exceeds {max_bytes} bytes")
                buf += chunk
                while len(buf) >= self.part_size:
                    if upload_id is None:
                        created = await self._call(
                            self.client.create_multipart_upload,
                            Bucket=self.bucket,
                            Key=full,
                            **extra,
                        )
                        upload_id = created["UploadId"]
                    with memoryview(buf) as view:
                        part = bytes(view[: self.part_size])
                    del buf[: self.part_size]
                    parts.append(
                        await self._upload_part(full, upload_id, len(parts) + 1, part, digest)
                    )
            if upload_id is None:
                body = bytes(buf)
                await asyncio.to_thread(digest.update, body)
                sha = digest.hexdigest()
                put = await self._call(
                    self.client.put_object,
                    Bucket=self.bucket,
                    Key=full,
                    Body=body,
                    Metadata={"sha256": sha},
                    **extra,
                )
                etag = put.get("ETag")
            else:
                if buf:
                    parts.append(
                        await self._upload_part(full, upload_id, len(parts) + 1, bytes(buf), digest)
                    )
                buf = bytearray()
                sha = digest.hexdigest()
                done = await self._call(
                    self.client.complete_multipart_upload,
                    Bucket=self.bucket,
                    Key=full,
                    UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                )
                etag = done.get("ETag")
        except BaseException:
            if upload_id is not None:
                await self._abort(full, upload_id)
            raise
        return StoredObject(
            key=key,
            size=size,
            content_type=content_type,
            etag=etag,
            sha256=sha,
        )

    async def _upload_part(
        self, full: str, upload_id: str, number: int, part: bytes, digest: Any
    ) -> CompletedPartTypeDef:
        await asyncio.to_thread(digest.update, part)
        resp = await self._call(
            self.client.upload_part,
            Bucket=self.bucket,
            Key=full,
            UploadId=upload_id,
            PartNumber=number,
            Body=part,
        )
        return {"ETag": resp["ETag"], "PartNumber": number}

    async def sweep_partial(self, older_than: timedelta) -> int:
        cutoff = datetime.now(UTC) - older_than
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix}
        count = 0
        while True:
            page = await self._call(self.client.list_multipart_uploads, **kwargs)
            for upload in page.get("Uploads", []):
                if upload["Initiated"] < cutoff:
                    await self._abort(upload["Key"], upload["UploadId"])
                    count += 1
            if not page.get("IsTruncated"):
                return count
            kwargs["KeyMarker"] = page["NextKeyMarker"]
            kwargs["UploadIdMarker"] = page["NextUploadIdMarker"]

    async def _abort(self, full: str, upload_id: str) -> None:
        try:
            await asyncio.to_thread(
                self.client.abort_multipart_upload,
                Bucket=self.bucket,
                Key=full,
                UploadId=upload_id,
            )
        except Exception:  # the original error matters more; a bucket lifecycle rule cleans up
            log.warning("s3_abort_failed", key=full, upload_id=upload_id, exc_info=True)

    async def delete(self, key: str) -> None:
        await self._call(self.client.delete_object, Bucket=self.bucket, Key=self._full(key))

    async def delete_prefix(self, prefix: str) -> int:
        validate_prefix(prefix, allow_empty=False)
        count = 0
        batch: builtins.list[str] = []
        async for key in self.list(prefix):
            batch.append(self.prefix + key)
            if len(batch) == 1000:
                count += await self._delete_batch(batch)
                batch = []
        if batch:
            count += await self._delete_batch(batch)
        return count

    async def _delete_batch(self, keys: builtins.list[str]) -> int:
        resp = await self._call(
            self.client.delete_objects,
            Bucket=self.bucket,
            Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True},
        )
        if errors := resp.get("Errors"):
            raise StorageUnavailable(f"S3 refused to delete {len(errors)} objects")
        return len(keys)

    # --- reading -------------------------------------------------------------------------
    async def stat(self, key: str) -> StoredObject | None:
        try:
            head = await self._call(
                self.client.head_object, Bucket=self.bucket, Key=self._full(key)
            )
        except StorageNotFound:
            return None
        return StoredObject(
            key=key,
            size=head["ContentLength"],
            content_type=head.get("ContentType"),
            etag=head.get("ETag"),
            sha256=head.get("Metadata", {}).get("sha256"),
            modified=head.get("LastModified"),
        )

    async def exists(self, key: str) -> bool:
        return await self.stat(key) is not None

    async def open(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        check_range_args(start, end)
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": self._full(key)}
        if start > 0 or end is not None:
            kwargs["Range"] = f"bytes={start}-{'' if end is None else end}"
        resp = await self._call(self.client.get_object, **kwargs)
        return _stream(resp["Body"])

    async def list(self, prefix: str = "") -> AsyncIterator[str]:
        validate_prefix(prefix)
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": self.prefix + prefix}
        while True:
            page = await self._call(self.client.list_objects_v2, **kwargs)
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :]
            if not page.get("IsTruncated"):
                return
            kwargs["ContinuationToken"] = page["NextContinuationToken"]

    # --- other ---------------------------------------------------------------------------
    async def signed_url(
        self,
        key: str,
        *,
        expires_in: int = 3600,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> str:
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self._full(key)}
        if filename is not None:
            params["ResponseContentDisposition"] = content_disposition(filename)
        if content_type is not None:
            params["ResponseContentType"] = content_type
        # Presigning is a local computation (no request), but credential lookup may touch disk.
        return await asyncio.to_thread(
            self.client.generate_presigned_url,
            "get_object",
            Params=params,
            ExpiresIn=expires_in,
        )

    async def local_path(self, key: str) -> Path | None:
        validate_key(key)
        return None

    async def check(self) -> bool:
        try:
            await self._call(self.client.head_bucket, Bucket=self.bucket)
        except Exception:
            log.warning("s3_check_failed", bucket=self.bucket, exc_info=True)
            return False
        return True


async def _stream(body: Any) -> AsyncIterator[bytes]:
    try:
        while True:
            try:
                block = await asyncio.to_thread(body.read, READ_BATCH)
            except (BotoCoreError, OSError) as exc:
                raise StorageUnavailable(f"Reading from S3 failed: {exc}") from exc
            if not block:
                return
            for i in range(0, len(block), CHUNK_SIZE):
                yield block[i : i + CHUNK_SIZE]
    finally:
        with contextlib.suppress(Exception):
            body.close()

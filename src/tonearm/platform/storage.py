"""The storage back end this deployment's settings describe."""

from __future__ import annotations

from pydantic import SecretStr

from tonearm.config import Settings
from tonearm.kit.storage import LocalStorage, Storage


def storage_from_settings(settings: Settings) -> Storage:
    """S3 when a bucket is set (boto3 loads only then), else files under `<data_dir>/media`."""
    if settings.s3.bucket:
        from tonearm.kit.storage.s3 import S3Storage, make_client

        client = make_client(
            endpoint_url=settings.s3.endpoint_url,
            region=settings.s3.region,
            access_key_id=secret(settings.s3.access_key_id),
            secret_access_key=secret(settings.s3.secret_access_key),
        )
        return S3Storage(client, settings.s3.bucket, prefix=settings.s3.prefix)
    return LocalStorage(
        settings.data_dir / "media",
        secret=settings.resolved_secret_key(),
        base_url="",  # same-origin paths: the SPA and API share the origin
    )


def secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None

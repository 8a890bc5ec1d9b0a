"""`GET /api/v1/files/{key}`: the target of the local back end's signed URLs.

Needs the app state (set in the app lifespan) and the problem+json error handlers.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from tonearm.kit.errors import responses
from tonearm.kit.storage.base import Storage, StorageNotFound
from tonearm.kit.storage.ranges import RangeNotSatisfiable
from tonearm.kit.storage.serve import serve_object
from tonearm.kit.storage.signing import InvalidSignature, UrlExpired
from tonearm.platform.deps import get_state

router = APIRouter(tags=["files"])

_PATH = "/api/v1/files/{key:path}"


async def _get_file(
    request: Request,
    key: str,
    expires: str | None,
    sig: str | None,
    filename: str | None,
    content_type: str | None,
) -> Response:
    storage: Storage = get_state(request).storage
    signer = storage.url_signer
    if signer is None:  # this storage hands out its own URLs (S3 presigned)
        raise StorageNotFound("This server does not serve stored files directly")
    signer.verify(key, expires, sig, filename, content_type)
    return await serve_object(request, storage, key, filename=filename, content_type=content_type)


@router.get(
    _PATH,
    operation_id="files-get",
    summary="Download a stored file through a signed URL",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "The file"},
        206: {"description": "The requested byte range"},
        304: {"description": "Not modified (`If-None-Match` matched the ETag)"},
        **responses(InvalidSignature, UrlExpired, StorageNotFound, RangeNotSatisfiable),
    },
)
async def get_file(
    request: Request,
    key: str,
    expires: str | None = Query(None, description="Expiry, unix seconds"),
    sig: str | None = Query(None, description="HMAC-SHA256 signature"),
    filename: str | None = Query(None, description="Download name (signed)"),
    content_type: str | None = Query(None, description="Content type override (signed)"),
) -> Response:
    return await _get_file(request, key, expires, sig, filename, content_type)


@router.head(_PATH, operation_id="files-head", include_in_schema=False)
async def head_file(
    request: Request,
    key: str,
    expires: str | None = None,
    sig: str | None = None,
    filename: str | None = None,
    content_type: str | None = None,
) -> Response:
    return await _get_file(request, key, expires, sig, filename, content_type)

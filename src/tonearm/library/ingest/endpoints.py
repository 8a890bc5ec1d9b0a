"""POST /api/v1/library/uploads: one or many audio files, all ingested or none."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from tonearm.kit.errors import responses
from tonearm.kit.multipart import MalformedMultipart, PartTooLarge, receive_multipart
from tonearm.library import errors
from tonearm.library.deps import Ingest
from tonearm.library.schemas import UploadResult
from tonearm.media.errors import CorruptAudio, NotAudio, TagsTooLarge
from tonearm.models.library import Visibility
from tonearm.platform.auth import CurrentUser
from tonearm.platform.deps import State

router = APIRouter(prefix="/api/v1/library", tags=["library"])


UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                        },
                        "visibility": {"type": "string", "enum": ["private", "unlisted", "public"]},
                    },
                }
            }
        },
    }
}


@router.post(
    "/uploads",
    status_code=status.HTTP_201_CREATED,
    operation_id="library-upload",
    openapi_extra=UPLOAD_BODY,
    responses=responses(
        NotAudio,
        CorruptAudio,
        TagsTooLarge,
        PartTooLarge,
        MalformedMultipart,
        errors.NoFiles,
        errors.PublicNeedsArtist,
    ),
)
async def upload(
    request: Request, svc: Ingest, state: State, principal: CurrentUser
) -> UploadResult:
    """Upload one or many audio files (field `files`). All are ingested or none is."""
    received = await receive_multipart(
        request.headers.get("content-type"),
        request.stream(),
        state.settings.data_dir / "tmp" / "uploads",
        max_file_bytes=state.settings.upload_max_bytes,
    )
    try:
        parts = [p for p in received.files if p.field in ("files", "file")]
        if not parts:
            raise errors.NoFiles()
        try:
            visibility = Visibility(received.fields.get("visibility", "private"))
        except ValueError as exc:
            raise MalformedMultipart("visibility must be private, unlisted or public") from exc
        return await svc.upload(principal.id, principal.role, parts, visibility)
    finally:
        received.cleanup()

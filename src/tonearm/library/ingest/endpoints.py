"""POST /api/v1/library/uploads: one or many audio files, all ingested or none."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from tonearm.accounts.deps import CurrentUser
from tonearm.kit.deps import DbSession, State
from tonearm.kit.errors import responses
from tonearm.kit.multipart import MalformedMultipart, PartTooLarge, receive_multipart
from tonearm.library import errors
from tonearm.library.catalog.views import track_out
from tonearm.library.ingest.upload import upload_files
from tonearm.library.schemas import UploadedTrack, UploadResult
from tonearm.media.errors import CorruptAudio, NotAudio
from tonearm.models.library import Visibility

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
        PartTooLarge,
        MalformedMultipart,
        errors.NoFiles,
        errors.PublicNeedsArtist,
    ),
)
async def upload(
    request: Request, session: DbSession, state: State, principal: CurrentUser
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
        raw_vis = received.fields.get("visibility", "private")
        try:
            visibility = Visibility(raw_vis)
        except ValueError as exc:
            raise MalformedMultipart("visibility must be private, unlisted or public") from exc
        if visibility is Visibility.public and principal.role.value not in ("artist", "admin"):
            raise errors.PublicNeedsArtist()
        done = await upload_files(session, state.storage, principal.id, parts, visibility)
        await session.flush()
        return UploadResult(
            items=[
                UploadedTrack(
                    track=track_out(i.track, principal.id), job_id=i.job_id, duplicate=i.duplicate
                )
                for i in done
            ]
        )
    finally:
        received.cleanup()

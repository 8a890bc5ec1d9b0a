"""Routes: stream grants, token-guarded HLS files, progressive audio, waveforms. Thin: the
service decides what to send, `respond` sends it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tonearm.kit.errors import responses
from tonearm.library import TrackNotFound
from tonearm.platform.auth import CurrentUser, OptionalUser, viewer_id
from tonearm.platform.deps import State
from tonearm.streaming import errors
from tonearm.streaming.deps import Streaming
from tonearm.streaming.respond import respond
from tonearm.streaming.service import AudioFormat

router = APIRouter(prefix="/api/v1", tags=["streaming"])


class StreamGrantOut(BaseModel):
    hls_url: str | None = Field(
        description="The HLS master playlist; null until the renditions are made (play "
        "`audio_url` meanwhile)"
    )
    token: str
    audio_url: str  # progressive: add `&format=` (aac, mp3, opus, flac, original)
    expires_at: datetime


class WaveformOut(BaseModel):
    buckets: int
    peaks: list[tuple[float, float]]


AUDIO_CONTENT: dict[str, Any] = {
    "content": {
        "audio/mpeg": {},
        "audio/aac": {},
        "audio/ogg": {},
        "audio/flac": {},
        "audio/wav": {},
        "audio/mp4": {},
    },
    "description": "The audio (206 with Content-Range for a Range request)",
}
HLS_CONTENT: dict[str, Any] = {
    "content": {"application/vnd.apple.mpegurl": {}, "video/mp2t": {}},
    "description": "A playlist or an MPEG-TS segment (302 to a presigned URL on S3)",
}
# What a Range or If-None-Match request may get instead of the whole file.
PARTIAL: dict[int | str, dict[str, Any]] = {
    206: {"description": "The requested byte range (`Range`)"},
    304: {"description": "Not modified (`If-None-Match` matched the ETag)"},
    416: {"description": "Range not satisfiable (`range_not_satisfiable`)"},
}


@router.post(
    "/tracks/{track_id}/stream",
    operation_id="streaming-grant",
    responses=responses(TrackNotFound, errors.NotStreamable),
)
async def grant_stream(
    track_id: uuid.UUID, principal: CurrentUser, svc: Streaming
) -> StreamGrantOut:
    grant = await svc.grant(principal, track_id)
    return StreamGrantOut(
        hls_url=f"/api/v1/stream/{grant.token}/master.m3u8" if grant.hls else None,
        token=grant.token,
        audio_url=f"/api/v1/tracks/{track_id}/audio?token={grant.token}",
        expires_at=grant.expires_at,
    )


@router.head("/stream/{token}/{path:path}", include_in_schema=False)
@router.get(
    "/stream/{token}/{path:path}",
    operation_id="streaming-hls",
    response_class=Response,
    responses={
        200: HLS_CONTENT,
        302: {"description": "A segment in an S3 bucket: its presigned URL"},
        **PARTIAL,
        **responses(
            errors.StreamTokenInvalid,
            errors.StreamTokenExpired,
            errors.StreamSessionEnded,
            errors.StreamFileNotFound,
        ),
    },
)
async def hls_file(
    token: str, path: str, request: Request, svc: Streaming, state: State
) -> Response:
    """A playlist or segment of the track the token names."""
    return await respond(request, state.storage, await svc.hls(token, path))


@router.head("/tracks/{track_id}/audio", include_in_schema=False)
@router.get(
    "/tracks/{track_id}/audio",
    operation_id="streaming-audio",
    response_class=Response,
    responses={
        200: AUDIO_CONTENT,
        **PARTIAL,
        **responses(
            TrackNotFound,
            errors.TranscodeBusy,
            errors.SourceMissing,
            errors.StreamTokenInvalid,
            errors.StreamTokenExpired,
            errors.StreamForbidden,
        ),
    },
)
async def audio(
    track_id: uuid.UUID,
    request: Request,
    principal: OptionalUser,
    svc: Streaming,
    state: State,
    format: AudioFormat = "original",
    bitrate: Annotated[int, Query(ge=32, le=320)] = 192,
    token: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response:
    """The track's audio with HTTP Range: the original file or a transcode (cached)."""
    delivery = await svc.audio(viewer_id(principal), track_id, format, bitrate, token)
    return await respond(request, state.storage, delivery)


@router.get(
    "/tracks/{track_id}/waveform",
    operation_id="streaming-waveform",
    response_class=Response,
    responses={
        **responses(TrackNotFound, errors.WaveformNotReady),
        200: {"model": WaveformOut, "description": "Min/max peaks per bucket"},
        304: PARTIAL[304],
    },
)
async def waveform(
    track_id: uuid.UUID, request: Request, principal: OptionalUser, svc: Streaming, state: State
) -> Response:
    delivery = await svc.waveform(viewer_id(principal), track_id)
    return await respond(request, state.storage, delivery)

"""Routes: stream grants, token-guarded HLS files, progressive audio, waveforms."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from tonearm.accounts.deps import CurrentUser, OptionalUser
from tonearm.kit.deps import DbSession, State
from tonearm.kit.errors import responses
from tonearm.kit.storage import Storage
from tonearm.kit.storage.serve import SAFE_HEADERS, serve_object
from tonearm.library.errors import TrackNotFound
from tonearm.streaming import errors
from tonearm.streaming.live import live_transcode
from tonearm.streaming.service import MIME, StreamingService, store_in_cache

router = APIRouter(prefix="/api/v1", tags=["streaming"])

STREAM_TTL = timedelta(hours=6)
PLAYLIST_TYPE = "application/vnd.apple.mpegurl"


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


def streaming_service(session: DbSession, state: State) -> StreamingService:
    return StreamingService(session, state.storage, state.signer)


Streaming = Annotated[StreamingService, Depends(streaming_service)]


@router.post(
    "/tracks/{track_id}/stream",
    operation_id="streaming-grant",
    responses=responses(TrackNotFound, errors.NotStreamable),
)
async def grant_stream(
    track_id: uuid.UUID, principal: CurrentUser, svc: Streaming
) -> StreamGrantOut:
    token, expires, hls = await svc.grant(principal.id, track_id, STREAM_TTL)
    return StreamGrantOut(
        hls_url=f"/api/v1/stream/{token}/master.m3u8" if hls else None,
        token=token,
        audio_url=f"/api/v1/tracks/{track_id}/audio?token={token}",
        expires_at=expires,
    )


@router.head("/stream/{token}/{path:path}", include_in_schema=False)
@router.get(
    "/stream/{token}/{path:path}",
    operation_id="streaming-hls",
    response_class=Response,
    responses={
        200: HLS_CONTENT,
        **responses(
            errors.StreamTokenInvalid, errors.StreamTokenExpired, errors.StreamFileNotFound
        ),
    },
)
async def hls_file(
    token: str, path: str, request: Request, svc: Streaming, state: State
) -> Response:
    """A playlist or segment of the track the token names."""
    _track, key = await svc.hls_object(token, path)
    storage = state.storage
    if getattr(storage, "presigned_downloads", False):
        if path.endswith(".m3u8"):
            return await _presigned_playlist(storage, key, path)
        return RedirectResponse(await storage.signed_url(key, expires_in=3600), status_code=302)
    content_type = PLAYLIST_TYPE if path.endswith(".m3u8") else None
    try:
        resp = await serve_object(
            request, storage, key, content_type=content_type, cache_control="private, max-age=300"
        )
    except Exception as exc:
        if getattr(exc, "status", None) == 404:
            raise errors.StreamFileNotFound() from exc
        raise
    return resp


async def _presigned_playlist(storage: Storage, key: str, path: str) -> Response:
    """With S3, media playlists point each segment at a presigned URL."""
    chunks = [c async for c in await storage.open(key)]
    text = b"".join(chunks).decode()
    if path == "master.m3u8":
        return Response(text, media_type=PLAYLIST_TYPE, headers=SAFE_HEADERS)
    prefix = key.rsplit("/", 1)[0] + "/"
    lines = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            line = await storage.signed_url(prefix + line, expires_in=6 * 3600)
        elif line.startswith("#EXT-X-MAP:URI="):
            name = line.split('"')[1]
            line = f'#EXT-X-MAP:URI="{await storage.signed_url(prefix + name, expires_in=21600)}"'
        lines.append(line)
    return Response("\n".join(lines) + "\n", media_type=PLAYLIST_TYPE, headers=SAFE_HEADERS)


@router.head("/tracks/{track_id}/audio", include_in_schema=False)
@router.get(
    "/tracks/{track_id}/audio",
    operation_id="streaming-audio",
    response_class=Response,
    responses={
        200: AUDIO_CONTENT,
        **responses(TrackNotFound, errors.TranscodeBusy, errors.SourceMissing),
    },
)
async def audio(
    track_id: uuid.UUID,
    request: Request,
    principal: OptionalUser,
    svc: Streaming,
    state: State,
    format: Literal["original", "mp3", "aac", "opus", "flac"] = "original",
    bitrate: Annotated[int, Query(ge=32, le=320)] = 192,
    token: Annotated[str | None, Query(max_length=2048)] = None,
) -> Response:
    """The track's audio with HTTP Range: the original file or a transcode (cached)."""
    viewer = principal.id if principal else None
    if token is not None:
        viewer = await svc.viewer_from_token(token, track_id)
    track = await svc.track(viewer, track_id)
    scanned = await svc.scanned_path(track) if track.storage_key is None else None
    if format == "original":
        if scanned is not None:
            return FileResponse(scanned, headers={**SAFE_HEADERS, "Cache-Control": "private"})
        assert track.storage_key is not None
        return await serve_object(request, state.storage, track.storage_key)
    if format == "flac":
        bitrate = 0
    entry = await svc.cached(track.id, format, bitrate)
    if entry is not None:
        return await serve_object(
            request, state.storage, entry.storage_key, content_type=MIME[format]
        )
    if viewer is None:
        viewer = uuid.UUID(int=0)  # guests share one per-user slot budget
    settings = state.settings
    tid, db, storage = track.id, state.db, state.storage

    async def on_complete(path: Path) -> None:
        await store_in_cache(
            db,
            storage,
            tid,
            format,
            bitrate,
            path,
            settings.transcode_cache_bytes,
        )

    body = live_transcode(
        svc.source(track, scanned),
        format,
        bitrate or 192,
        slots=state.transcode_slots,
        user=viewer,
        on_complete=on_complete,
        tmp_dir=settings.data_dir / "tmp" / "transcodes",
    )
    # Take the slot (and fail with 429) before the response starts.
    first = await anext(body)

    async def stream() -> object:
        yield first
        async for chunk in body:
            yield chunk

    return StreamingResponse(
        stream(),  # type: ignore[arg-type]
        media_type=MIME[format],
        headers={**SAFE_HEADERS, "Cache-Control": "private, no-store", "Accept-Ranges": "none"},
    )


@router.get(
    "/tracks/{track_id}/waveform",
    operation_id="streaming-waveform",
    response_class=Response,
    responses={
        **responses(TrackNotFound, errors.WaveformNotReady),
        200: {"model": WaveformOut, "description": "Min/max peaks per bucket"},
    },
)
async def waveform(
    track_id: uuid.UUID, request: Request, principal: OptionalUser, svc: Streaming, state: State
) -> Response:
    track = await svc.track(principal.id if principal else None, track_id)
    if track.waveform_key is None:
        raise errors.WaveformNotReady()
    return await serve_object(
        request, state.storage, track.waveform_key, content_type="application/json"
    )

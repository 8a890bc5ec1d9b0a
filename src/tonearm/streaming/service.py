"""Stream grants, and what to send for an HLS file, a track's audio or its waveform.

The service decides (a local file, a stored object, a presigned redirect, a rewritten
playlist, a live transcode) and returns a `Delivery`; it never builds an HTTP response.
Tracks, their visibility and their files come from the library's face."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import Database
from tonearm.kit.errors import Forbidden, Unauthorized
from tonearm.kit.security import TokenSigner
from tonearm.kit.storage import Storage, local_copy
from tonearm.library import Library, TrackNotFound
from tonearm.models.library import Track
from tonearm.platform.principal import Authenticator, Principal
from tonearm.streaming import cache, tokens
from tonearm.streaming.delivery import Delivery, Live, LocalFile, Redirect, StoredFile, Text
from tonearm.streaming.errors import (
    NotStreamable,
    SourceMissing,
    StreamFileNotFound,
    StreamForbidden,
    StreamSessionEnded,
    WaveformNotReady,
)
from tonearm.streaming.live import TranscodeSlots, live_transcode

HLS_PATH = re.compile(
    r"^(master\.m3u8|[a-z0-9_]{1,16}/(index\.m3u8|seg_\d{1,6}\.(ts|m4s)|init\.mp4))$"
)
PLAYLIST_TYPE = "application/vnd.apple.mpegurl"
STREAM_TTL = timedelta(hours=6)
GUEST = uuid.UUID(int=0)  # guests share one per-user live-transcode budget

AudioFormat = Literal["original", "mp3", "aac", "opus", "flac"]


@dataclass(frozen=True, slots=True)
class StreamConfig:
    cache_bytes: int
    tmp_dir: Path


@dataclass(frozen=True, slots=True)
class Grant:
    token: str
    expires_at: datetime
    hls: bool  # False: the token serves the progressive audio only, for now


class StreamingService:
    def __init__(
        self,
        session: AsyncSession,
        storage: Storage,
        signer: TokenSigner,
        *,
        db: Database,
        slots: TranscodeSlots,
        config: StreamConfig,
        authenticator: Authenticator,
    ) -> None:
        self.s = session
        self.authenticator = authenticator
        self.storage = storage
        self.signer = signer
        self.db = db
        self.slots = slots
        self.config = config
        self.library = Library(session, storage)

    async def grant(
        self, principal: Principal, track_id: uuid.UUID, ttl: timedelta = STREAM_TTL
    ) -> Grant:
        track = await self.library.visible_track(principal.id, track_id, full=False)
        if not track.status.playable:
            raise NotStreamable()
        token, expires = tokens.issue(
            self.signer, principal.id, track.id, ttl, session_id=principal.session_id
        )
        return Grant(token, expires, track.hls_key is not None)

    async def _read(self, token: str) -> tokens.StreamGrant:
        """The grant a stream token carries, while the session that asked for it lives."""
        grant = tokens.read(self.signer, token)
        try:
            await self.authenticator.session(grant.user_id, grant.session_id)
        except (Unauthorized, Forbidden) as exc:  # logged out, revoked, account disabled
            raise StreamSessionEnded() from exc
        return grant

    # --- HLS ----------------------------------------------------------------------------------
    async def hls(self, token: str, path: str) -> Delivery:
        """A playlist or segment of the track the token names (401/403/404 otherwise)."""
        grant = await self._read(token)
        if not HLS_PATH.match(path):
            raise StreamFileNotFound()
        try:
            track = await self.library.visible_track(grant.user_id, grant.track_id, full=False)
        except TrackNotFound:
            raise StreamFileNotFound() from None
        if track.hls_key is None:
            raise StreamFileNotFound()
        key = f"{track.hls_key}{path}"
        playlist = path.endswith(".m3u8")
        if self.storage.presigned_downloads:
            if playlist:
                return Text(await self._presigned_playlist(key, path), PLAYLIST_TYPE)
            return Redirect(await self.storage.signed_url(key, expires_in=3600))
        return StoredFile(
            key,
            content_type=PLAYLIST_TYPE if playlist else None,
            cache_control="private, max-age=300",
            missing=StreamFileNotFound,
        )

    async def _presigned_playlist(self, key: str, path: str) -> str:
        """With presigned storage, media playlists point each segment at a presigned URL."""
        text = b"".join([c async for c in await self.storage.open(key)]).decode()
        if path == "master.m3u8":
            return text
        prefix = key.rsplit("/", 1)[0] + "/"
        lines = []
        for line in text.splitlines():
            if line and not line.startswith("#"):
                line = await self.storage.signed_url(prefix + line, expires_in=6 * 3600)
            elif line.startswith("#EXT-X-MAP:URI="):
                name = line.split('"')[1]
                url = await self.storage.signed_url(prefix + name, expires_in=6 * 3600)
                line = f'#EXT-X-MAP:URI="{url}"'
            lines.append(line)
        return "\n".join(lines) + "\n"

    # --- progressive audio --------------------------------------------------------------------
    async def audio(
        self,
        viewer: uuid.UUID | None,
        track_id: uuid.UUID,
        fmt: AudioFormat,
        bitrate: int,
        token: str | None = None,
    ) -> Delivery:
        """The original file, a cached transcode, or a live one (its slot taken: 429
        `transcode_busy` is raised here, before anything is sent)."""
        if token is not None:
            grant = await self._read(token)
            if grant.track_id != track_id:
                raise StreamForbidden()
            viewer = grant.user_id
        track = await self.library.visible_track(viewer, track_id, full=False)
        scanned = await self.library.scanned_file(track)
        if fmt == "original":
            if scanned is not None:
                return LocalFile(scanned)
            assert track.storage_key is not None
            return StoredFile(track.storage_key)
        if fmt == "flac":
            bitrate = 0
        entry = await cache.cached(self.s, track.id, fmt, bitrate)
        if entry is not None:
            return StoredFile(entry.storage_key, content_type=cache.MIME[fmt])
        return await self._live(track, scanned, fmt, bitrate, viewer or GUEST)

    async def _live(
        self, track: Track, scanned: Path | None, fmt: str, bitrate: int, user: uuid.UUID
    ) -> Live:
        db, storage, cap, tid = self.db, self.storage, self.config.cache_bytes, track.id

        async def on_complete(path: Path) -> None:
            await cache.store_in_cache(db, storage, tid, fmt, bitrate, path, cap)

        body = live_transcode(
            self._source(track, scanned),
            fmt,
            bitrate or 192,
            slots=self.slots,
            user=user,
            on_complete=on_complete,
            tmp_dir=self.config.tmp_dir,
        )
        first = await anext(body)  # takes the slot, or raises TranscodeBusy

        async def chunks() -> AsyncGenerator[bytes]:
            try:
                yield first
                async for chunk in body:
                    yield chunk
            finally:
                await body.aclose()

        return Live(chunks(), cache.MIME[fmt])

    def _source(
        self, track: Track, scanned: Path | None
    ) -> contextlib.AbstractAsyncContextManager[Path]:
        if scanned is not None:

            @contextlib.asynccontextmanager
            async def direct() -> AsyncIterator[Path]:
                yield scanned

            return direct()
        if track.storage_key is None:
            raise SourceMissing()
        return local_copy(self.storage, track.storage_key)

    # --- waveform -----------------------------------------------------------------------------
    async def waveform(self, viewer: uuid.UUID | None, track_id: uuid.UUID) -> StoredFile:
        track = await self.library.visible_track(viewer, track_id, full=False)
        if track.waveform_key is None:
            raise WaveformNotReady()
        return StoredFile(track.waveform_key, content_type="application/json")

"""Stream grants, HLS resolution and progressive audio (original or transcoded, cached)."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import Database, utcnow
from tonearm.kit.security import TokenSigner
from tonearm.kit.storage import Storage, local_copy
from tonearm.library.catalog.repository import LibraryRepository
from tonearm.library.errors import TrackNotFound
from tonearm.models.library import LibraryRoot, Track, TranscodeCacheEntry
from tonearm.streaming import tokens
from tonearm.streaming.errors import (
    NotStreamable,
    SourceMissing,
    StreamFileNotFound,
    StreamForbidden,
)

HLS_PATH = re.compile(
    r"^(master\.m3u8|[a-z0-9_]{1,16}/(index\.m3u8|seg_\d{1,6}\.(ts|m4s)|init\.mp4))$"
)
EXTENSIONS = {"mp3": "mp3", "aac": "aac", "opus": "opus", "flac": "flac"}
MIME = {
    "mp3": "audio/mpeg",
    "aac": "audio/aac",
    "opus": "audio/ogg",
    "flac": "audio/flac",
}


class StreamingService:
    def __init__(self, session: AsyncSession, storage: Storage, signer: TokenSigner) -> None:
        self.s = session
        self.storage = storage
        self.signer = signer
        self.repo = LibraryRepository(session)

    async def grant(
        self, viewer: uuid.UUID, track_id: uuid.UUID, ttl: timedelta
    ) -> tuple[str, datetime, bool]:
        """A stream token for the track, its expiry, and whether HLS is there (else the
        token serves the progressive audio only)."""
        track = await self.repo.track_for(track_id, viewer, full=False)
        if track is None:
            raise TrackNotFound()
        if not track.status.playable:
            raise NotStreamable()
        token, expires = tokens.issue(self.signer, viewer, track.id, ttl)
        return token, expires, track.hls_key is not None

    async def hls_object(self, token: str, path: str) -> tuple[Track, str]:
        """The track and storage key a token's HLS request names (401/403/404 otherwise)."""
        grant = tokens.read(self.signer, token)
        if not HLS_PATH.match(path):
            raise StreamFileNotFound()
        track = await self.repo.track_for(grant.track_id, grant.user_id, full=False)
        if track is None or track.hls_key is None:
            raise StreamFileNotFound()
        return track, f"{track.hls_key}{path}"

    async def viewer_from_token(self, token: str, track_id: uuid.UUID) -> uuid.UUID:
        grant = tokens.read(self.signer, token)
        if grant.track_id != track_id:
            raise StreamForbidden()
        return grant.user_id

    async def track(self, viewer: uuid.UUID | None, track_id: uuid.UUID) -> Track:
        track = await self.repo.track_for(track_id, viewer, full=False)
        if track is None:
            raise TrackNotFound()
        return track

    async def scanned_path(self, track: Track) -> Path:
        root = await self.s.get(LibraryRoot, track.root_id) if track.root_id else None
        if root is None or track.path is None:
            raise SourceMissing()
        base = Path(root.path).resolve()
        path = (base / track.path).resolve()
        if not path.is_relative_to(base) or not path.is_file():
            raise SourceMissing()
        return path

    def source(
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

    async def cached(
        self, track_id: uuid.UUID, fmt: str, bitrate: int
    ) -> TranscodeCacheEntry | None:
        entry = await self.s.get(TranscodeCacheEntry, (track_id, fmt, bitrate))
        if entry is not None:
            entry.last_used_at = utcnow()
        return entry


def cache_key(track_id: uuid.UUID, fmt: str, bitrate: int) -> str:
    return f"transcodes/{track_id}/{fmt}_{bitrate}.{EXTENSIONS[fmt]}"


async def store_in_cache(
    db: Database,
    storage: Storage,
    track_id: uuid.UUID,
    fmt: str,
    bitrate: int,
    path: Path,
    cap_bytes: int,
) -> None:
    """Keep a finished transcode, then evict least-recently-used entries past the cap."""
    key = cache_key(track_id, fmt, bitrate)
    stored = await storage.put(key, path.read_bytes(), content_type=MIME[fmt])
    evict: list[str] = []
    async with db.session() as s:
        if await s.get(Track, track_id) is None:
            evict.append(key)
        else:
            existing = await s.get(TranscodeCacheEntry, (track_id, fmt, bitrate))
            if existing is None:
                s.add(
                    TranscodeCacheEntry(
                        track_id=track_id,
                        format=fmt,
                        bitrate=bitrate,
                        storage_key=key,
                        size=stored.size,
                    )
                )
            else:
                existing.size, existing.last_used_at = stored.size, utcnow()
            await s.flush()
            total = int(
                await s.scalar(select(func.coalesce(func.sum(TranscodeCacheEntry.size), 0))) or 0
            )
            if total > cap_bytes:
                rows = (
                    await s.execute(
                        select(TranscodeCacheEntry).order_by(TranscodeCacheEntry.last_used_at)
                    )
                ).scalars()
                for row in rows:
                    if total <= cap_bytes:
                        break
                    total -= row.size
                    evict.append(row.storage_key)
                    await s.execute(
                        delete(TranscodeCacheEntry).where(
                            TranscodeCacheEntry.track_id == row.track_id,
                            TranscodeCacheEntry.format == row.format,
                            TranscodeCacheEntry.bitrate == row.bitrate,
                        )
                    )
    for k in evict:
        await storage.delete(k)

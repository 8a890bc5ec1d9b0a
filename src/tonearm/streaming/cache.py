"""The progressive transcode cache: finished transcodes in storage plus a `transcode_cache`
row each, evicted least-recently-used past a size cap."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import Database, insert_or_ignore, utcnow
from tonearm.kit.storage import Storage
from tonearm.models.library import Track
from tonearm.models.streaming import TranscodeCacheEntry

EXTENSIONS = {"mp3": "mp3", "aac": "aac", "opus": "opus", "flac": "flac"}
MIME = {
    "mp3": "audio/mpeg",
    "aac": "audio/aac",
    "opus": "audio/ogg",
    "flac": "audio/flac",
}


def cache_key(track_id: uuid.UUID, fmt: str, bitrate: int) -> str:
    return f"transcodes/{track_id}/{fmt}_{bitrate}.{EXTENSIONS[fmt]}"


async def cached(
    s: AsyncSession, track_id: uuid.UUID, fmt: str, bitrate: int
) -> TranscodeCacheEntry | None:
    """The cached transcode, marked as used now."""
    entry = await s.get(TranscodeCacheEntry, (track_id, fmt, bitrate))
    if entry is not None:
        entry.last_used_at = utcnow()
    return entry


async def store_in_cache(
    db: Database,
    storage: Storage,
    track_id: uuid.UUID,
    fmt: str,
    bitrate: int,
    path: Path,
    cap_bytes: int,
) -> None:
    """Keep a finished transcode, then evict least-recently-used entries past the cap. Runs
    after the response, in its own unit of work."""
    key = cache_key(track_id, fmt, bitrate)
    stored = await storage.put(key, path.read_bytes(), content_type=MIME[fmt])
    evict: list[str] = []
    async with db.session() as s:
        if await s.get(Track, track_id) is None:
            evict.append(key)
        else:
            # Race-safe: the same transcode finishing in another request at once lands once.
            values = {
                "track_id": track_id,
                "format": fmt,
                "bitrate": bitrate,
                "storage_key": key,
                "size": stored.size,
            }
            if not await insert_or_ignore(s, TranscodeCacheEntry, values):
                existing = await s.get(TranscodeCacheEntry, (track_id, fmt, bitrate))
                if existing is not None:
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

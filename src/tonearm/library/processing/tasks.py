"""Library jobs: process a track after ingest or a change (HLS ladder, waveform, artwork)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import structlog
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.jobs.context import JobContext
from tonearm.jobs.errors import PermanentJobError
from tonearm.jobs.registry import job
from tonearm.kit.db import insert_or_ignore, utcnow
from tonearm.kit.storage import Storage, local_copy
from tonearm.library.catalog.files import file_in_root
from tonearm.library.catalog.repository import LibraryRepository, track_art_prefix
from tonearm.library.catalog.service import LibraryService
from tonearm.library.errors import TrackFileMissing
from tonearm.library.processing.render import Rendered, render, walk_files
from tonearm.media import COVER_SIZES
from tonearm.models.library import LibraryRoot, Track, TrackAlias, TrackStatus

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
}

log = structlog.get_logger("tonearm.library.processing")


@contextlib.asynccontextmanager
async def track_source(
    storage: Storage, track: Track, root: LibraryRoot | None
) -> AsyncIterator[tuple[Path, Path | None]]:
    """(audio file path, folder for cover art) for an uploaded or a scanned track."""
    if track.storage_key:
        async with local_copy(storage, track.storage_key) as path:
            yield path, None
        return
    try:
        path = file_in_root(track, root)
    except TrackFileMissing as exc:
        raise PermanentJobError(exc.detail or exc.title) from exc
    yield path, path.parent


async def _upload_tree(storage: Storage, folder: Path, prefix: str) -> None:
    for file in await asyncio.to_thread(walk_files, folder):
        rel = file.relative_to(folder).as_posix()
        data = await asyncio.to_thread(file.read_bytes)
        await storage.put(
            f"{prefix}{rel}",
            data,
            content_type=CONTENT_TYPES.get(file.suffix, "application/octet-stream"),
        )


async def _delete_art(storage: Storage, prefix: str) -> None:
    # File by file: an unversioned prefix from before is a prefix of the versioned ones.
    for size in COVER_SIZES:
        await storage.delete(f"{prefix}{size}.jpg")


async def fold_same_audio(
    s: AsyncSession, storage: Storage, track: Track, digest: str
) -> uuid.UUID | None:
    """The same audio (by the audio-packet digest) is one track per owner, however it came
    in: if an earlier track of the owner has it, this track is folded into that one (its file's
    content hash becomes an alias of it, so scans and uploads find it there) and removed.
    Returns the track kept, or None."""
    earlier = or_(
        Track.created_at < track.created_at,
        and_(Track.created_at == track.created_at, Track.id < track.id),
    )
    kept = await s.scalar(
        select(Track.id)
        .where(
            Track.owner_id == track.owner_id,
            Track.audio_digest == digest,
            Track.id != track.id,
            earlier,
        )
        .order_by(Track.created_at, Track.id)
        .limit(1)
    )
    if kept is None or await s.get(Track, track.id) is None:
        return None
    await insert_or_ignore(
        s,
        TrackAlias,
        {"owner_id": track.owner_id, "content_hash": track.content_hash, "track_id": kept},
    )
    await LibraryService(s, storage).delete_track(track.owner_id, track.id)
    log.info("track_folded", track_id=str(track.id), into=str(kept))
    return kept


@job("library.process_track", retries=3, cpu=True)
async def process_track(ctx: JobContext, track_id: uuid.UUID) -> dict[str, object]:
    """HLS ladder, waveform and artwork for a track. When the audio is what the current
    renditions were made from (a re-tagged file, a new folder cover) only the artwork is
    made again. Artwork goes under a prefix named by its content, so a changed cover gets
    new URLs (browsers cache a cover URL for a day) and its album follows it."""
    state = ctx.env.state
    storage: Storage = state.storage
    async with ctx.session() as s:
        track = await s.get(Track, track_id)
        if track is None:
            return {"skipped": "track deleted"}
        root = await s.get(LibraryRoot, track.root_id) if track.root_id else None
        s.expunge(track)
        if root is not None:
            s.expunge(root)
    rendered_from = track.audio_digest if track.hls_key and track.waveform_key else None
    await ctx.progress(0.05, "reading audio")
    # Under data/tmp, where the temp sweep finds what a crash mid-job leaves.
    scratch_root = state.settings.data_dir / "tmp" / "process"
    scratch_root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="tonearm-process-", dir=scratch_root))
    try:
        try:
            async with track_source(storage, track, root) as (src, art_dir):
                await ctx.progress(0.1, "packaging HLS and waveform")
                rendered: Rendered = await ctx.run_cpu(
                    render,
                    str(src),
                    str(scratch),
                    str(art_dir) if art_dir else None,
                    rendered_from,
                )
        except PermanentJobError as exc:
            async with ctx.session() as s:
                row = await s.get(Track, track_id)
                if row is not None:
                    row.status = (
                        TrackStatus.missing if "missing" in str(exc) else TrackStatus.failed
                    )
                    row.error = str(exc)
            raise
        async with ctx.session() as s:
            kept = await fold_same_audio(s, storage, track, rendered.digest)
        if kept is not None:
            await ctx.progress(1.0, "same audio as a track already in the library")
            return {"duplicate_of": str(kept)}
        await ctx.progress(0.8, "storing renditions")
        hls_prefix, waveform_key = track.hls_key, track.waveform_key
        if rendered.hls_dir is not None and rendered.waveform is not None:
            hls_prefix = f"hls/{track_id}/"
            await storage.delete_prefix(hls_prefix)  # idempotent re-runs start clean
            await _upload_tree(storage, rendered.hls_dir, hls_prefix)
            waveform_key = f"waveforms/{track_id}.json"
            await storage.put(
                waveform_key, rendered.waveform.read_bytes(), content_type="application/json"
            )
        art_prefix = None
        if rendered.artwork:
            largest = rendered.artwork[max(rendered.artwork)].read_bytes()
            version = hashlib.sha256(largest).hexdigest()[:16]
            art_prefix = f"{track_art_prefix(track_id)}{version}/"
            if art_prefix != track.artwork_key:
                for size, path in rendered.artwork.items():
                    await storage.put(
                        f"{art_prefix}{size}.jpg", path.read_bytes(), content_type="image/jpeg"
                    )
    finally:
        await asyncio.to_thread(shutil.rmtree, scratch, True)

    async with ctx.session() as s:
        row = await s.get(Track, track_id)
        if row is None:  # deleted meanwhile: leave nothing behind
            await storage.delete_prefix(f"hls/{track_id}/")
            await storage.delete(f"waveforms/{track_id}.json")
            await storage.delete_prefix(track_art_prefix(track_id))
            return {"skipped": "track deleted"}
        old_art = row.artwork_key
        row.hls_key = hls_prefix
        row.waveform_key = waveform_key
        row.audio_digest = rendered.digest
        row.artwork_key = art_prefix
        row.status = TrackStatus.ready
        row.error = None
        row.updated_at = utcnow()
        if row.album_id:
            await LibraryRepository(s).album_art_moved(row.album_id, old_art, art_prefix, row.id)
    if old_art and old_art != art_prefix:
        await _delete_art(storage, old_art)  # only once no row points at it
    await ctx.progress(1.0, "ready")
    return {
        "hls": hls_prefix,
        "renditions_kept": rendered.hls_dir is None,
        "artwork": bool(art_prefix),
    }

"""Uploads: probe by content, read tags, dedupe by content hash, store, catalog, enqueue the
processing job. A bad file fails the whole request and leaves no row and no stored file."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.jobs.service import enqueue
from tonearm.kit.db import insert_or_ignore, utcnow
from tonearm.kit.filehash import quick_hash_path
from tonearm.kit.multipart import FilePart
from tonearm.kit.storage import Storage
from tonearm.kit.text import strip_controls
from tonearm.library.catalog.builder import Catalog
from tonearm.library.catalog.metadata import TrackMetadata, apply_metadata
from tonearm.library.catalog.repository import LibraryRepository
from tonearm.media.tags import TrackTags, parse_path, read_tags
from tonearm.models.library import Track, TrackArtist, TrackStatus, Visibility

if TYPE_CHECKING:
    from tonearm.media.audio import AudioInfo

log = structlog.get_logger(__name__)


@dataclass
class Ingested:
    track: Track
    job_id: uuid.UUID | None
    duplicate: bool
    notes: list[str] = field(default_factory=list)  # tag values dropped (media.tag_limits)


@cache
def _shared_fields() -> tuple[str, ...]:
    return tuple(
        sorted({f.name for f in fields(TrackMetadata)} & {f.name for f in fields(TrackTags)})
    )


def metadata_from_tags(tags: TrackTags, fallback_title: str) -> TrackMetadata:
    """The tag fields the catalog keeps (same names on both sides)."""
    values = {name: getattr(tags, name) for name in _shared_fields()}
    values["title"] = tags.title or fallback_title
    values["artists"] = list(tags.artists)
    values["genres"] = list(tags.genres)
    return TrackMetadata(**values)


def apply_audio_facts(track: Track, info: AudioInfo) -> None:
    track.duration = round(info.duration, 3)
    track.codec = info.format_name
    track.container = info.container
    track.bitrate = info.bitrate or None
    track.sample_rate = info.sample_rate or None
    track.channels = info.channels or None
    track.bits_per_sample = info.bits_per_sample


def _inspect(path: Path, original_name: str) -> tuple[AudioInfo, TrackTags]:
    from tonearm.media.audio import probe  # PyAV loads on first use

    info = probe(path)
    tags = read_tags(path)
    # The temp file's own name means nothing: guesses from the path come from the uploaded
    # file name instead (and never from folders, which an upload does not have).
    guessed = parse_path(Path(original_name).name or "Untitled")
    for name in tags.from_path:
        default: list[str] | None = [] if name == "artists" else None
        setattr(tags, name, guessed.get(name, default))
    tags.from_path = [n for n in guessed if n in tags.from_path]
    return info, tags


class Ingest:
    def __init__(self, session: AsyncSession, storage: Storage) -> None:
        self.s = session
        self.storage = storage
        self.repo = LibraryRepository(session)
        self.catalog = Catalog(session)
        self.stored: list[str] = []  # keys written by this unit of work (to undo on failure)
        self.hashes: dict[Path, str] = {}  # part path -> quick content hash

    async def inspect_all(self, parts: list[FilePart]) -> list[tuple[AudioInfo, TrackTags]]:
        """Probe every file first: one bad file rejects the request before anything is kept."""
        out = []
        for part in parts:
            out.append(await asyncio.to_thread(_inspect, part.path, part.filename))
            # The hash the folder scan names files by, so a file both uploaded and scanned is
            # one track (kit/filehash.py).
            self.hashes[part.path] = await asyncio.to_thread(quick_hash_path, part.path)
        return out

    async def known(self, owner: uuid.UUID, part: FilePart) -> Track | None:
        """The owner's track of this file: by the quick hash, or by the whole-file sha256
        that uploads were named by before."""
        return await self.repo.track_by_hash(owner, self.hashes[part.path], part.sha256)

    async def add(
        self,
        owner: uuid.UUID,
        part: FilePart,
        info: AudioInfo,
        tags: TrackTags,
        visibility: Visibility = Visibility.private,
    ) -> Ingested:
        existing = await self.known(owner, part)
        if existing is not None:
            return Ingested(existing, None, True)
        if tags.notes:
            log.info("upload_tags_dropped", name=part.filename, notes=tags.notes)
        track_id = uuid.uuid4()
        key = f"tracks/{owner}/{track_id}/original{info.extension}"
        with open(part.path, "rb") as fh:  # noqa: ASYNC230 (chunks are read in a thread below)
            stored = await self.storage.put(key, _read_chunks(fh), content_type=info.mime)
        self.stored.append(key)
        now = utcnow()
        track = Track(
            id=track_id,
            owner_id=owner,
            visibility=visibility,
            status=TrackStatus.processing,
            content_hash=self.hashes[part.path],
            size=stored.size,
            storage_key=key,
            original_name=strip_controls(part.filename)[:1024],
            created_at=now,
            updated_at=now,
        )
        apply_audio_facts(track, info)
        await apply_metadata(
            track, metadata_from_tags(tags, Path(part.filename).stem or "Untitled"), self.catalog
        )
        # Found or created by owner and content hash, race-safe: the same file in another
        # request at once may have gone in since the look-up above (then that one is ours).
        if not await insert_or_ignore(self.s, Track, _columns(track)):
            self.stored.remove(key)
            await self.storage.delete(key)
            existing = await self.known(owner, part)
            assert existing is not None
            return Ingested(existing, None, True)
        credits = [
            {"track_id": track_id, "artist_id": c.artist_id, "position": c.position, "role": c.role}
            for c in track.credits
        ]
        if credits:
            await self.s.execute(insert(TrackArtist), credits)
        row = await self.repo.owned_track(track_id, owner)  # loaded for presenting
        assert row is not None
        job = await enqueue(self.s, "library.process_track", owner_id=owner, track_id=track_id)
        return Ingested(row, job.id, False, list(tags.notes))

    async def undo(self) -> None:
        for key in self.stored:
            try:
                await self.storage.delete(key)
            except Exception:
                log.exception("undo_delete_failed", key=key)
        self.stored.clear()


def _columns(track: Track) -> dict[str, object]:
    """The columns set on a track not yet in the session (the rest take their defaults)."""
    values = {c.key: getattr(track, c.key) for c in Track.__table__.columns}
    return {k: v for k, v in values.items() if v is not None}


async def _read_chunks(fh: object, size: int = 1024 * 1024):  # type: ignore[no-untyped-def]
    while True:
        chunk = await asyncio.to_thread(fh.read, size)  # type: ignore[attr-defined]
        if not chunk:
            return
        yield chunk


async def upload_files(
    session: AsyncSession,
    storage: Storage,
    owner: uuid.UUID,
    parts: list[FilePart],
    visibility: Visibility,
) -> list[Ingested]:
    """Ingest every part or none: files stored so far are removed if the unit of work rolls
    back (a later bad file, or a failed commit)."""
    from tonearm.kit.db import after_rollback

    ingest = Ingest(session, storage)
    after_rollback(session, ingest.undo)
    inspected = await ingest.inspect_all(parts)
    # The catalog entries the new files name, made first and in the one order every writer
    # takes them (builder.Catalog.prepare): concurrent uploads and scans never deadlock.
    await ingest.catalog.prepare(
        [
            metadata_from_tags(tags, Path(part.filename).stem or "Untitled")
            for part, (_, tags) in zip(parts, inspected, strict=True)
            if await ingest.known(owner, part) is None
        ]
    )
    out = []
    for part, (info, tags) in zip(parts, inspected, strict=True):
        out.append(await ingest.add(owner, part, info, tags, visibility))
    return out

"""Writing a scan's results: one batch of read files per transaction.

A batch is classified against what the database knows (see `tonearm.library.scan.scanner`): known
path => updated; the hash of one of the owner's tracks under this root whose file is gone =>
moved; the hash of any other of the owner's tracks => duplicate (skipped); else added. New
rows go in with one bulk INSERT (tracks, then credits), changed ones with one bulk UPDATE by
primary key, credits replaced; metadata as the shared `apply_metadata` gives it
(`scan.values`).
"""

from __future__ import annotations

import itertools
import posixpath
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, cast

import structlog
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.jobs.service import enqueue
from tonearm.kit.db import Database, utcnow
from tonearm.library.catalog.builder import Catalog
from tonearm.library.catalog.metadata import TrackMetadata
from tonearm.library.ingest.upload import metadata_from_tags
from tonearm.library.scan.batch_catalog import BatchCatalog
from tonearm.library.scan.files import FileResult, folder_of, mtime_seconds
from tonearm.library.scan.values import Memo, track_values
from tonearm.models.library import Track, TrackAlias, TrackArtist, TrackStatus, Visibility

log = structlog.get_logger("tonearm.library.scan")

IN_CHUNK = 500  # ids or paths per IN (...) list

# New rows go in as Core INSERTs on the tables, one executemany per batch: every row names
# the same columns (`BatchWriter._rows`, values as the columns take them; the attribute names
# are the column names), so nothing of the ORM's bulk INSERT is needed (it sorted rows into
# groups by the keys they have and ran its own bookkeeping per row, a tenth of the writer's
# time). Column defaults apply as with the ORM.
_INSERT_TRACKS = insert(cast(Table, Track.__table__))
_INSERT_CREDITS = insert(cast(Table, TrackArtist.__table__))


@dataclass
class ScanOptions:
    full: bool = False
    process: bool = True
    workers: int = 0  # 0: the CPU count
    pool: Literal["process", "thread"] = "process"
    batch_size: int = 500
    chunk_size: int = 40  # files per pool task


@dataclass
class ScanReport:
    root: str = ""
    files: int = 0  # audio files found
    folders: int = 0
    unchanged_folders: int = 0
    read: int = 0  # files whose tags were read
    added: int = 0
    updated: int = 0
    moved: int = 0
    missing: int = 0
    restored: int = 0  # back from missing, unchanged
    skipped: int = 0  # mutagen could not parse them
    duplicates: int = 0  # same content as another of the owner's tracks
    errors: int = 0  # could not be read at all
    links_skipped: int = 0
    jobs: int = 0  # processing jobs enqueued
    artwork_refreshed: int = 0  # unchanged tracks processed again for a new folder cover
    regrouped: int = 0  # tracks moved to their folder's album (scan/albums.py)
    elapsed: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Known:
    """A track of this root as the scan needs it."""

    id: uuid.UUID
    path: str
    size: int
    file_mtime: float | None
    status: TrackStatus
    hls_key: str | None


def same_mtime(stored: float | None, mtime_ns: int) -> bool:
    return stored is not None and abs(stored - mtime_seconds(mtime_ns)) < 1e-6


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _stem(rel: str) -> str:
    return posixpath.splitext(posixpath.basename(rel))[0]


class BatchWriter:
    """Writes batches for one scan of one root, and remembers what it learnt on the way."""

    def __init__(
        self,
        db: Database,
        root_id: uuid.UUID,
        owner_id: uuid.UUID,
        visibility: Visibility,
        opts: ScanOptions,
        report: ScanReport,
    ) -> None:
        self.db = db
        self.root_id = root_id
        self.owner_id = owner_id
        self.visibility = visibility
        self.opts = opts
        self.report = report
        self.by_path: dict[str, Known] = {}  # this root's tracks by relative path
        self.gone: dict[uuid.UUID, Known] = {}  # tracks whose files are not on disk
        self.claimed: set[uuid.UUID] = set()  # gone tracks found again elsewhere (moved)
        self.failed_folders: set[str] = set()  # folders with a file that could not be read
        self.memo = Memo()  # names normalised once per scan

    def status_after(self, hls_key: str | None, content_changed: bool) -> TrackStatus:
        if self.opts.process and (content_changed or hls_key is None):
            return TrackStatus.processing
        return TrackStatus.ready

    async def restore(self, tracks: list[Known]) -> None:
        async with self.db.session() as s:
            rows = []
            for t in tracks:
                rows.append(
                    {
                        "id": t.id,
                        "status": self.status_after(t.hls_key, False),
                        "error": None,
                        "updated_at": utcnow(),
                    }
                )
            await s.execute(update(Track), rows)
            for t in tracks:
                if t.hls_key is None and self.opts.process:
                    await self.enqueue(s, t.id)
        self.report.restored += len(tracks)

    async def enqueue(self, s: AsyncSession, track_id: uuid.UUID) -> None:
        await enqueue(s, "library.process_track", owner_id=self.owner_id, track_id=track_id)
        self.report.jobs += 1

    # --- reading in the pool while writing batches -------------------------------------------
    async def write(self, results: list[FileResult]) -> None:
        self.report.read += len(results)
        usable: list[FileResult] = []
        for r in results:
            if r.error is not None:
                self.report.errors += 1
                self.failed_folders.add(folder_of(r.rel))
                log.warning("scan_file_error", path=r.rel, error=r.error)
            elif r.tags is None:
                self.report.skipped += 1
                log.info("scan_file_skipped", path=r.rel, reason="not readable by mutagen")
            else:
                usable.append(r)
        if not usable:
            return
        async with self.db.session() as s:
            owned: dict[str, tuple[uuid.UUID, uuid.UUID | None]] = {}
            hashes = sorted({r.content_hash for r in usable})
            for part in chunks(hashes, IN_CHUNK):
                rows = await s.execute(
                    select(Track.content_hash, Track.id, Track.root_id).where(
                        Track.owner_id == self.owner_id, Track.content_hash.in_(part)
                    )
                )
                for content_hash, track_id, root_id in rows:
                    owned[content_hash] = (track_id, root_id)
                # Files folded into a track by their audio (TrackAlias) are that track's.
                aliased = await s.execute(
                    select(TrackAlias.content_hash, Track.id, Track.root_id)
                    .join(Track, Track.id == TrackAlias.track_id)
                    .where(TrackAlias.owner_id == self.owner_id, TrackAlias.content_hash.in_(part))
                )
                for content_hash, track_id, root_id in aliased:
                    owned.setdefault(content_hash, (track_id, root_id))

            adds: list[FileResult] = []
            changes: list[tuple[FileResult, Known, bool]] = []  # (file, track, moved)
            seen: set[str] = set()
            for r in usable:
                known = self.by_path.get(r.rel)
                other = owned.get(r.content_hash)
                if known is not None:
                    if (other is not None and other[0] != known.id) or r.content_hash in seen:
                        self._duplicate(r, other[0] if other else None)
                    else:
                        changes.append((r, known, False))
                elif other is None and r.content_hash not in seen:
                    adds.append(r)
                elif other is not None and other[0] in self.gone and other[0] not in self.claimed:
                    self.claimed.add(other[0])
                    changes.append((r, self.gone[other[0]], True))
                else:
                    self._duplicate(r, other[0] if other else None)
                seen.add(r.content_hash)
            metas = {
                r.rel: metadata_from_tags(r.tags, _stem(r.rel) or "Untitled")
                for r in itertools.chain(adds, (c[0] for c in changes))
                if r.tags is not None
            }
            # One catalog per unit of work (it memoises artists and albums), told up front
            # which of the batch's names are new. Look-ups need not flush what the batch
            # created so far (the memo has it): one bulk flush per batch instead.
            catalog = BatchCatalog(s)
            with s.no_autoflush:
                await catalog.prefetch(metas.values())
                await self._insert(s, catalog, adds, metas)
                await self._update(s, catalog, changes, metas)

    def _duplicate(self, r: FileResult, of: uuid.UUID | None) -> None:
        self.report.duplicates += 1
        log.info("scan_file_duplicate", path=r.rel, track_id=str(of) if of else None)

    async def _rows(
        self, catalog: Catalog, r: FileResult, meta: TrackMetadata, track_id: uuid.UUID
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The column values and credits for the file `r`: what the shared apply_metadata
        gives a track (so scans, uploads and edits agree), as plain values (scan/values.py)."""
        assert r.tags is not None
        row, credits = await track_values(meta, catalog, self.memo)
        tags = r.tags
        row.update(
            id=track_id,
            duration=round(tags.duration or 0.0, 3),
            codec=r.codec,
            container=r.container,
            bitrate=tags.bitrate,
            sample_rate=tags.sample_rate,
            channels=tags.channels,
            bits_per_sample=tags.bits_per_sample,
            content_hash=r.content_hash,
            size=r.size,
            path=r.rel,
            file_mtime=mtime_seconds(r.mtime_ns),
            original_name=posixpath.basename(r.rel)[:1024],
        )
        return row, [
            {"track_id": track_id, "artist_id": artist_id, "position": position, "role": role}
            for artist_id, position, role in credits
        ]

    async def _insert(
        self,
        s: AsyncSession,
        catalog: BatchCatalog,
        adds: list[FileResult],
        metas: dict[str, TrackMetadata],
    ) -> None:
        if not adds:
            return
        now = utcnow()
        status = TrackStatus.processing if self.opts.process else TrackStatus.ready
        rows: list[dict[str, Any]] = []
        credits: list[dict[str, Any]] = []
        for r in adds:
            row, cs = await self._rows(catalog, r, metas[r.rel], uuid.uuid4())
            row.update(
                owner_id=self.owner_id,
                visibility=self.visibility,
                status=status,
                root_id=self.root_id,
                created_at=now,
                updated_at=now,
            )
            rows.append(row)
            credits.extend(cs)
        await self._settle(s, catalog, rows, credits)  # new artists and albums first
        await s.execute(_INSERT_TRACKS, rows)
        if credits:
            await s.execute(_INSERT_CREDITS, credits)
        self.report.added += len(rows)
        for row in rows:
            self.by_path[row["path"]] = Known(
                row["id"], row["path"], row["size"], row["file_mtime"], status, None
            )
            if self.opts.process:
                await self.enqueue(s, row["id"])

    async def _update(
        self,
        s: AsyncSession,
        catalog: BatchCatalog,
        changes: list[tuple[FileResult, Known, bool]],
        metas: dict[str, TrackMetadata],
    ) -> None:
        if not changes:
            return
        now = utcnow()
        rows: list[dict[str, Any]] = []
        credits: list[dict[str, Any]] = []
        to_process: list[uuid.UUID] = []
        for r, known, moved in changes:
            row, cs = await self._rows(catalog, r, metas[r.rel], known.id)
            content_changed = not moved
            status = self.status_after(known.hls_key, content_changed)
            row.update(status=status, error=None, updated_at=now)
            rows.append(row)
            credits.extend(cs)
            if status is TrackStatus.processing:
                to_process.append(known.id)
            if moved:
                self.report.moved += 1
                self.by_path.pop(known.path, None)
                log.info("scan_file_moved", track_id=str(known.id), old=known.path, new=r.rel)
            else:
                self.report.updated += 1
            self.by_path[r.rel] = Known(
                known.id, r.rel, r.size, row["file_mtime"], status, known.hls_key
            )
        await self._settle(s, catalog, rows, credits)
        await s.execute(update(Track), rows)
        ids = [row["id"] for row in rows]
        for part in chunks(ids, IN_CHUNK):
            await s.execute(delete(TrackArtist).where(TrackArtist.track_id.in_(part)))
        if credits:
            await s.execute(_INSERT_CREDITS, credits)
        for track_id in to_process:
            await self.enqueue(s, track_id)

    @staticmethod
    async def _settle(
        s: AsyncSession,
        catalog: BatchCatalog,
        rows: list[dict[str, Any]],
        credits: list[dict[str, Any]],
    ) -> None:
        """Write the batch's new artists and albums (race-safe: see BatchCatalog.settle) and
        point the rows at the ones a concurrent upload or scan wrote first."""
        moved = await catalog.settle()
        await s.flush()  # what existing rows gained (a year, a MusicBrainz id)
        if not moved:
            return
        for row in rows:
            for column in ("album_id", "album_artist_id"):
                row[column] = moved.get(row[column], row[column])
        for credit in credits:
            credit["artist_id"] = moved.get(credit["artist_id"], credit["artist_id"])

    # --- the end -----------------------------------------------------------------------------

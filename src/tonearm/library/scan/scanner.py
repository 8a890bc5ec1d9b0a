"""The folder scanner (after Navidrome's): index a library root in place, incrementally.

One run:

1. Walk the root (never following links, see `scan_files`) and fingerprint every folder.
   A folder whose fingerprint matches its `scan_folders` row is skipped: no tag is read.
   `full` ignores the fingerprints (and re-reads every file).
2. In the changed folders, a file whose path is known with the same size and mtime is left
   alone (only brought back from `missing`); every other file is read in a pool of
   `scan_workers` processes (one per core; niced, so they take what the writer and the
   server leave), in chunks:
   mutagen's tags and stream info (no PyAV probe: that belongs to the processing job) plus
   the quick content hash.
3. Results are written in batches (`batch_size` files per transaction) while the pool keeps
   reading: the known path => updated (same id, plays and loves kept); a new path whose hash
   belongs to one of the owner's tracks under this root whose file is gone => moved (the
   path changes, nothing else is lost); the hash of a track whose file still exists (or of
   an upload) => a duplicate, skipped (tracks are unique per owner and content); else added.
   Files mutagen cannot parse are skipped.
   In a changed folder whose images changed (`scan_folders.covers`) the unchanged tracks
   are processed again for their artwork; processing keeps HLS and waveform when the audio
   packets are what they were made from, as it does for a re-tagged file.
4. Tracks whose files are gone and were not found elsewhere => status `missing` (never
   deleted: plays, loves and playlists keep them). Fingerprints are stored for every changed
   folder whose files could all be read, so a failure is retried by the next scan.

Files stay where they are: a scanned track has `root_id` + `path` (relative, POSIX) and no
`storage_key`. With `process` on, new and changed tracks get a `library.process_track` job
(HLS, waveform, artwork) and stay `processing` until it ran; with it off they are `ready`
at once (the original file streams) and keep any renditions they had.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal

import structlog
from sqlalchemy import delete, insert, select, update

from tonearm.config import default_scan_workers
from tonearm.jobs.context import JobContext
from tonearm.jobs.registry import job
from tonearm.kit.db import Database, utcnow
from tonearm.kit.procpool import _start_method
from tonearm.library.scan.albums import group_folders
from tonearm.library.scan.files import (
    ROOT_FOLDER,
    FileResult,
    Folder,
    WalkStats,
    file_rel,
    folder_of,
    read_files,
    reader_init,
    walk,
)
from tonearm.library.scan.hooks import run_after_scan
from tonearm.library.scan.write import (
    IN_CHUNK,
    BatchWriter,
    Known,
    ScanOptions,
    ScanReport,
    chunks,
    same_mtime,
)
from tonearm.library.search.index import merge_index
from tonearm.models.library import LibraryRoot, ScanFolder, Track, TrackStatus

# Changed tracks after which a scan merges the search index (`merge_index`): below it, the
# segments it left cost less than merging a large index would.
MERGE_AFTER = 1000

log = structlog.get_logger(__name__)

Progress = Callable[[str, int, int], Awaitable[None]]  # (phase "walk"|"read", done, total)


class RootMissing(Exception):
    """The root folder is not there (an unmounted disk must not mark every track missing)."""


class Scanner:
    def __init__(
        self,
        db: Database,
        root_id: uuid.UUID,
        options: ScanOptions | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.db = db
        self.root_id = root_id
        self.opts = options or ScanOptions()
        self.progress = progress
        self.report = ScanReport()

    async def _report_progress(self, phase: str, done: int, total: int) -> None:
        if self.progress is not None:
            await self.progress(phase, done, total)

    # --- the run ---------------------------------------------------------------------------
    async def run(self) -> ScanReport:
        started = time.perf_counter()
        async with self.db.session() as s:
            root = await s.get(LibraryRoot, self.root_id)
            if root is None:
                raise LookupError(f"library root {self.root_id} not found")
            self.writer = BatchWriter(
                self.db, self.root_id, root.owner_id, root.visibility, self.opts, self.report
            )
            folder_rows = (
                await s.execute(
                    select(ScanFolder.path, ScanFolder.fingerprint, ScanFolder.covers).where(
                        ScanFolder.root_id == self.root_id
                    )
                )
            ).all()
            known = {path: fp for path, fp, _ in folder_rows}
            covers = {path: c for path, _, c in folder_rows if c is not None}
        base = Path(root.path)
        self.report.root = str(base)
        if not base.is_dir():
            raise RootMissing(f"{base} is not a folder (not mounted?)")

        stats = WalkStats()
        folders = await self._walk(base, stats)
        if ROOT_FOLDER in stats.unreadable:
            raise RootMissing(f"{base} cannot be listed")
        self.report.folders, self.report.files = len(folders), stats.files
        self.report.links_skipped = stats.links_skipped

        walked = {f.rel for f in folders}
        changed = [f for f in folders if self.opts.full or known.get(f.rel) != f.fingerprint]
        changed_rels = {f.rel for f in changed}
        new_covers = {f.rel for f in changed if f.rel in covers and covers[f.rel] != f.covers}
        vanished = [p for p in known if p not in walked]
        self.report.unchanged_folders = len(folders) - len(changed)
        if changed or vanished:
            to_read, restore, recover = await self._plan(
                folders, changed, walked - changed_rels, stats, new_covers
            )
            if restore:
                await self.writer.restore(restore)
            await self._read_and_write(base, to_read)
            await self._recover_artwork(recover)
            await self._group_albums(changed)
        await self._finish(changed, vanished)
        r = self.report
        if r.added + r.updated + r.moved + r.missing >= MERGE_AFTER:
            await merge_index(self.db.engine)
        self.report.elapsed = round(time.perf_counter() - started, 3)
        log.info("scan_finished", **self.report.as_dict())
        return self.report

    async def _walk(self, base: Path, stats: WalkStats) -> list[Folder]:
        folders: list[Folder] = []
        it = walk(base, stats)
        while True:
            chunk = await asyncio.to_thread(lambda: list(itertools.islice(it, 500)))
            if not chunk:
                return folders
            folders.extend(chunk)
            await self._report_progress("walk", stats.files, 0)

    async def _plan(
        self,
        folders: list[Folder],
        changed: list[Folder],
        unchanged: set[str],
        stats: WalkStats,
        new_covers: set[str],
    ) -> tuple[list[str], list[Known], list[Known]]:
        """Which files to read, which known tracks are back, and which unchanged tracks sit
        beside a cover that changed. Fills by_path and gone."""
        async with self.db.session() as s:
            rows = await s.execute(
                select(
                    Track.id,
                    Track.path,
                    Track.size,
                    Track.file_mtime,
                    Track.status,
                    Track.hls_key,
                ).where(Track.root_id == self.root_id)
            )
            for tid, path, size, mtime, status, hls_key in rows:
                if path is not None:
                    self.writer.by_path[path] = Known(tid, path, size, mtime, status, hls_key)
        on_disk = {file_rel(f.rel, name) for f in folders for name, _, _ in f.audio}
        unreadable = tuple(f"{p}/" for p in stats.unreadable)
        for t in self.writer.by_path.values():
            if t.path in on_disk or folder_of(t.path) in unchanged:
                continue
            if unreadable and (
                t.path.startswith(unreadable) or folder_of(t.path) in stats.unreadable
            ):
                continue  # cannot tell: leave it as it is
            self.writer.gone[t.id] = t
        to_read: list[str] = []
        restore: list[Known] = []
        recover: list[Known] = []
        for folder in changed:
            for name, size, mtime_ns in folder.audio:
                rel = file_rel(folder.rel, name)
                found = self.writer.by_path.get(rel)
                if (
                    found is None
                    or self.opts.full
                    or found.size != size
                    or not same_mtime(found.file_mtime, mtime_ns)
                ):
                    to_read.append(rel)
                elif found.status is TrackStatus.missing:
                    restore.append(found)
                elif folder.rel in new_covers:
                    recover.append(found)
        return to_read, restore, recover

    async def _recover_artwork(self, tracks: list[Known]) -> None:
        """Tracks whose files did not change but whose folder cover did: processing them
        again makes the artwork anew (their HLS and waveform are kept: same audio)."""
        if not tracks or not self.opts.process:
            return
        async with self.db.session() as s:
            for t in tracks:
                await self.writer.enqueue(s, t.id)
        self.report.artwork_refreshed += len(tracks)

    def _executor(self) -> Executor:
        workers = self.opts.workers or default_scan_workers()
        if self.opts.pool == "thread":
            return ThreadPoolExecutor(workers, thread_name_prefix="scan")
        import multiprocessing

        ctx = multiprocessing.get_context(_start_method())
        return ProcessPoolExecutor(
            workers, mp_context=ctx, initializer=reader_init, initargs=(os.getpid(),)
        )

    async def _read_and_write(self, base: Path, to_read: list[str]) -> None:
        total = len(to_read)
        await self._report_progress("read", 0, total)
        if not to_read:
            return
        to_read.sort()  # folder by folder: chunks stay within few folders
        chunks = [
            to_read[i : i + self.opts.chunk_size] for i in range(0, total, self.opts.chunk_size)
        ]
        workers = self.opts.workers or default_scan_workers()
        # Enough in flight that the pool keeps reading while a batch is written.
        window = max(workers * 3, 2 * self.opts.batch_size // self.opts.chunk_size + workers)
        queue: asyncio.Queue[list[FileResult] | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        executor = self._executor()

        async def produce() -> None:
            pending: set[asyncio.Future[list[FileResult]]] = set()
            todo = iter(chunks)
            try:
                while True:
                    while len(pending) < window:
                        chunk = next(todo, None)
                        if chunk is None:
                            break
                        pending.add(loop.run_in_executor(executor, read_files, str(base), chunk))
                    if not pending:
                        break
                    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    for fut in done:
                        queue.put_nowait(fut.result())
            finally:
                for fut in pending:
                    if fut.done() and not fut.cancelled():
                        fut.exception()  # retrieved: the first failure is what propagates
                    else:
                        fut.cancel()
                queue.put_nowait(None)

        producer = asyncio.create_task(produce())
        processed = 0
        batch: list[FileResult] = []
        try:
            while True:
                results = await queue.get()
                if results is None:
                    break
                batch.extend(results)
                if len(batch) >= self.opts.batch_size:
                    await self.writer.write(batch)
                    processed += len(batch)
                    batch = []
                    await self._report_progress("read", processed, total)
            await producer  # re-raises a pool failure
            if batch:
                await self.writer.write(batch)
                processed += len(batch)
                await self._report_progress("read", processed, total)
        finally:
            if not producer.done():
                producer.cancel()
            executor.shutdown(wait=False, cancel_futures=True)

    # --- writing one batch -------------------------------------------------------------------
    async def _group_albums(self, changed: list[Folder]) -> None:
        """One album per folder and album title (scan/albums.py), over the changed folders."""
        paths = [file_rel(f.rel, name) for f in changed for name, _, _ in f.audio]
        async with self.db.session() as s:
            self.report.regrouped = await group_folders(
                s, self.root_id, paths, len(self.writer.by_path)
            )

    async def _finish(self, changed: list[Folder], vanished: list[str]) -> None:
        now = utcnow()
        async with self.db.session() as s:
            missing = [
                t.id
                for t in self.writer.gone.values()
                if t.id not in self.writer.claimed and t.status is not TrackStatus.missing
            ]
            for part in chunks(missing, IN_CHUNK):
                await s.execute(
                    update(Track)
                    .where(Track.id.in_(part))
                    .values(status=TrackStatus.missing, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
            self.report.missing = len(missing)
            done = [f for f in changed if f.rel not in self.writer.failed_folders]
            stale = [f.rel for f in done] + vanished
            for part in chunks(stale, IN_CHUNK):
                await s.execute(
                    delete(ScanFolder)
                    .where(ScanFolder.root_id == self.root_id, ScanFolder.path.in_(part))
                    .execution_options(synchronize_session=False)
                )
            if done:
                await s.execute(
                    insert(ScanFolder),
                    [
                        {
                            "root_id": self.root_id,
                            "path": f.rel,
                            "fingerprint": f.fingerprint,
                            "covers": f.covers,
                            "scanned_at": now,
                        }
                        for f in done
                    ],
                )
            await s.execute(
                update(LibraryRoot)
                .where(LibraryRoot.id == self.root_id)
                .values(last_scan_at=now)
                .execution_options(synchronize_session=False)
            )


# --- the job -------------------------------------------------------------------------------


@job("library.scan")
async def scan_library(
    ctx: JobContext, root_id: uuid.UUID, full: bool = False, process: bool = True
) -> dict[str, Any]:
    """Scan a library root (see the module docstring); progress: files read of those to read."""
    settings = ctx.env.state.settings if ctx.env.state is not None else None
    workers = settings.scan_workers if settings is not None else 0
    # Celery's prefork children cannot start processes of their own: read in threads there.
    pool: Literal["process", "thread"] = "thread" if ctx.env.pool.mode == "thread" else "process"

    async def progress(phase: str, done: int, total: int) -> None:
        if phase == "walk":
            await ctx.progress(0.02, f"found {done} files")
        else:
            await ctx.progress(0.05 + 0.9 * done / max(total, 1), f"read {done} of {total} files")

    options = ScanOptions(full=full, process=process, workers=workers, pool=pool)
    report = await Scanner(ctx.env.db, root_id, options, progress).run()
    r = report
    out = report.as_dict()
    await ctx.progress(0.96, "reading playlists and other files")
    out.update(await run_after_scan(ctx.env.state, root_id))
    await ctx.progress(
        1.0, f"added {r.added}, updated {r.updated}, moved {r.moved}, missing {r.missing}"
    )
    return out

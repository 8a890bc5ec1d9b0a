"""Playlist files found in a library root (as Navidrome does): after each scan of the root,
every M3U, M3U8, PLS, XSPF, JSPF, WPL and ASX file under it becomes a playlist of the root's
owner, matched against their library with the file's folder as the base of its relative
paths, and every Navidrome `.nsp` file a smart playlist. A file seen before is read again only
when its bytes changed (a SHA-256 fingerprint); its playlist's items (or rules) are then
replaced, and its name kept if the owner renamed it. A file that no longer parses is reported
and its playlist left as it was. Playlists whose file is gone stay (the owner may have edited
them), no longer linked to a file.

Bounded: at most MAX_FILES files, each at most `formats.MAX_BYTES`; hidden folders and
symbolic links are skipped, so nothing outside the root is read.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path, PurePosixPath
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import utcnow
from tonearm.kit.text import fold
from tonearm.library import Library, ScannedRoot
from tonearm.models.library import Visibility
from tonearm.models.playlists import Playlist, PlaylistKind
from tonearm.platform.state import AppState
from tonearm.playlists.catalog import library_catalog
from tonearm.playlists.errors import InvalidSmartRules
from tonearm.playlists.formats import MAX_BYTES, PlaylistUnreadable
from tonearm.playlists.importing import ImportService
from tonearm.playlists.nsp import read_nsp

log = structlog.get_logger(__name__)

EXTENSIONS = {".m3u", ".m3u8", ".pls", ".xspf", ".jspf", ".wpl", ".asx", ".nsp"}
MAX_FILES = 2_000


def find_playlist_files(root: Path) -> list[Path]:
    found: list[Path] = []
    stack = [root]
    while stack and len(found) < MAX_FILES:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.is_symlink():
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif Path(entry.name).suffix.lower() in EXTENSIONS and entry.is_file():
                found.append(Path(entry.path))
    return found[:MAX_FILES]


async def import_root_playlists(state: AppState, root: ScannedRoot) -> dict[str, Any]:
    """The after-scan hook; the scan report shows its counts under "playlists"."""
    base = Path(root.path)
    files = find_playlist_files(base)
    counts = {"added": 0, "updated": 0, "unchanged": 0, "failed": 0}
    if not files:
        return counts
    async with state.db.session() as s:
        importer = ImportService(s, state.storage)
        existing = {
            p.source_path: p
            for p in (
                await s.scalars(select(Playlist).where(Playlist.source_root_id == root.root_id))
            )
        }
        catalog = None
        for path in files:
            rel = str(PurePosixPath(*path.relative_to(base).parts))
            try:
                if path.stat().st_size > MAX_BYTES:
                    raise PlaylistUnreadable("larger than the import limit")
                data = path.read_bytes()
            except (OSError, PlaylistUnreadable) as exc:
                log.warning("playlist_file_unreadable", path=rel, error=str(exc))
                counts["failed"] += 1
                continue
            fingerprint = hashlib.sha256(data).hexdigest()
            playlist = existing.pop(rel, None)
            if playlist is not None and playlist.source_fingerprint == fingerprint:
                counts["unchanged"] += 1
                continue
            if path.suffix.lower() == ".nsp":
                if await _smart_file(s, root, rel, path, data, playlist):
                    counts["added" if playlist is None else "updated"] += 1
                else:
                    counts["failed"] += 1
                continue
            if catalog is None:
                catalog = await library_catalog(Library(s, state.storage), root.owner_id)
            try:
                previews = await importer.preview(
                    root.owner_id, data, path.name, catalog=catalog, base=str(path.parent)
                )
            except PlaylistUnreadable as exc:
                log.warning("playlist_file_unreadable", path=rel, error=exc.detail)
                counts["failed"] += 1
                continue
            preview = previews[0]  # a playlist file holds one playlist (CSV is not scanned)
            if playlist is None:
                playlist = _scanned(root, rel, preview.name or path.stem, preview.description)
                s.add(playlist)
                await s.flush()
                counts["added"] += 1
            else:
                counts["updated"] += 1
            playlist.source_fingerprint = fingerprint
            await importer.write_items(playlist, preview.rows)
        for gone in existing.values():  # the file was deleted: the playlist stays, unlinked
            gone.source_root_id = None
            gone.source_path = None
            gone.source_fingerprint = None
        await s.commit()
    return counts


def _scanned(
    root: ScannedRoot,
    rel: str,
    title: str,
    description: str | None,
    kind: PlaylistKind = PlaylistKind.static,
) -> Playlist:
    """A new private playlist of the root's owner, linked to its file."""
    name = title.strip()[:200] or PurePosixPath(rel).stem[:200] or "Playlist"
    return Playlist(
        owner_id=root.owner_id,
        name=name,
        name_key=fold(name)[:200],
        description=(description or "")[:4000],
        visibility=Visibility.private,
        kind=kind,
        source_root_id=root.root_id,
        source_path=rel,
    )


async def _smart_file(
    s: AsyncSession,
    root: ScannedRoot,
    rel: str,
    path: Path,
    data: bytes,
    playlist: Playlist | None,
) -> bool:
    """A Navidrome smart playlist file as the owner's smart playlist (created or its rules
    replaced); False when it cannot be read."""
    try:
        nsp = read_nsp(data)
    except (InvalidSmartRules, PlaylistUnreadable) as exc:
        log.warning("smart_playlist_file_unreadable", path=rel, error=exc.detail)
        return False
    if playlist is None:
        playlist = _scanned(root, rel, nsp.name or path.stem, nsp.comment, PlaylistKind.smart)
        s.add(playlist)
    playlist.rules = nsp.definition.to_json()
    playlist.source_fingerprint = hashlib.sha256(data).hexdigest()
    playlist.updated_at = utcnow()
    await s.flush()
    return True

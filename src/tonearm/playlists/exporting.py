"""Playlist files out: a playlist's items as entries (a library track as the exporter may see
it; an external entry as it came), written in any format (`formats.write`) by the
`playlists.export` job, stored, and handed back as a signed download URL on the job.

Locations: a scanned track's file, absolute (`paths="absolute"`) or inside its library root
(`"relative"`, for a file kept at the root); an upload has no path, so its original file
name stands in (a re-import finds it by that name). A smart playlist writes the tracks its
rules select for the exporter when the job runs.
"""

from __future__ import annotations

import re
import secrets
import uuid
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.jobs.service import enqueue
from tonearm.kit.storage import Storage
from tonearm.library import Library, MatchableTrack
from tonearm.matching import Entry
from tonearm.models.jobs import Job
from tonearm.models.playlists import Playlist, PlaylistKind
from tonearm.playlists.formats import Format, ParsedPlaylist, write
from tonearm.playlists.repository import PlaylistRepository
from tonearm.playlists.schemas import MAX_ITEMS
from tonearm.playlists.service import PlaylistService
from tonearm.playlists.smart import definition

Paths = Literal["absolute", "relative"]
EXTENSIONS = {Format.json: "tonearm.json"}
CONTENT_TYPES = {
    Format.m3u: "audio/x-mpegurl",
    Format.m3u8: "application/vnd.apple.mpegurl",
    Format.pls: "audio/x-scpls",
    Format.xspf: "application/xspf+xml",
    Format.jspf: "application/json",
    Format.wpl: "application/vnd.ms-wpl",
    Format.asx: "video/x-ms-asf",
    Format.csv: "text/csv",
    Format.json: "application/json",
}
DOWNLOAD_SECONDS = 24 * 3600


async def start_export(
    s: AsyncSession,
    storage: Storage,
    viewer: uuid.UUID,
    playlist_id: uuid.UUID,
    fmt: Format,
    paths: Paths,
) -> Job:
    """Queue the export of a playlist the viewer may open; it runs after the commit."""
    playlist = await PlaylistService(s, storage).get(viewer, playlist_id)
    return await enqueue(
        s,
        "playlists.export",
        owner_id=viewer,
        playlist_id=playlist.id,
        format=fmt.value,
        paths=paths,
    )


async def playlist_entries(
    s: AsyncSession, storage: Storage, viewer: uuid.UUID, playlist: Playlist, paths: Paths
) -> list[Entry]:
    if playlist.kind is PlaylistKind.smart:  # what its rules select for the exporter, now
        return await smart_entries(s, storage, viewer, playlist, paths)
    items = await PlaylistRepository(s).items(playlist.id)
    ids = [i.track_id for i in items if i.track_id is not None]
    tracks = {t.id: t for t in await Library(s, storage).matchable(viewer, ids)} if ids else {}
    out = []
    for item in items:
        t = tracks.get(item.track_id) if item.track_id else None
        if t is not None:
            out.append(_track_entry(t, paths))
        elif item.entry:  # external, or a track the viewer may not open: what the file said
            out.append(Entry.from_json(item.entry))
    return out


async def smart_entries(
    s: AsyncSession, storage: Storage, viewer: uuid.UUID, playlist: Playlist, paths: Paths
) -> list[Entry]:
    library = Library(s, storage)
    ids = await library.smart_track_ids(
        viewer, definition(playlist).selection(), count=MAX_ITEMS, seed=secrets.randbelow(2**40)
    )
    tracks = {t.id: t for t in await library.matchable(viewer, ids)} if ids else {}
    return [_track_entry(tracks[i], paths) for i in ids if i in tracks]


def _track_entry(t: MatchableTrack, paths: Paths) -> Entry:
    where = (t.relative_path if paths == "relative" else t.path) or t.original_name
    return Entry(**track_fields(t), location=where)


def track_fields(t: MatchableTrack) -> dict[str, Any]:
    """What a library track says about itself, as an entry or a catalog track has it."""
    return {
        "title": t.title,
        "artists": t.artists,
        "album": t.album,
        "album_artist": t.album_artist,
        "duration": t.duration or None,
        "track_number": t.track_number,
        "disc_number": t.disc_number,
        "isrc": t.isrc,
        "mb_recording_id": t.mb_recording_id,
    }


def file_name(name: str, fmt: Format) -> str:
    stem = re.sub(r"[^\w .()-]+", "_", name).strip(" ._")[:100] or "playlist"
    return f"{stem}.{EXTENSIONS.get(fmt, fmt.value)}"


async def export_file(
    s: AsyncSession,
    storage: Storage,
    viewer: uuid.UUID,
    playlist: Playlist,
    fmt: Format,
    paths: Paths,
    key_prefix: str,
) -> dict[str, object]:
    entries = await playlist_entries(s, storage, viewer, playlist, paths)
    return await store_file(
        storage, playlist.name, playlist.description or None, entries, fmt, key_prefix
    )


async def store_file(
    storage: Storage,
    title: str,
    description: str | None,
    entries: list[Entry],
    fmt: Format,
    key_prefix: str,
) -> dict[str, object]:
    """The entries written as a playlist file in storage, with a signed download URL (a day)."""
    data = write(ParsedPlaylist(title, description, entries, fmt), fmt, paths="absolute")
    name = file_name(title, fmt)
    key = f"{key_prefix}{uuid.uuid4().hex}/{name}"
    await storage.put(key, data, content_type=CONTENT_TYPES[fmt])
    url = await storage.signed_url(
        key, expires_in=DOWNLOAD_SECONDS, filename=name, content_type=CONTENT_TYPES[fmt]
    )
    return {
        "url": url,
        "filename": name,
        "format": fmt.value,
        "entries": len(entries),
        "bytes": len(data),
    }

"""The playlists domain's jobs."""

from __future__ import annotations

import uuid
from typing import Any

from tonearm.jobs.context import JobContext
from tonearm.jobs.errors import PermanentJobError
from tonearm.jobs.registry import job
from tonearm.playlists.errors import PlaylistNotFound
from tonearm.playlists.exporting import Paths, export_file
from tonearm.playlists.formats import Format
from tonearm.playlists.service import PlaylistService

EXPORT_PREFIX = "exports/playlists/"


@job("playlists.export", retries=2)
async def export_playlist(
    ctx: JobContext, playlist_id: uuid.UUID, format: str, paths: str = "absolute"
) -> dict[str, Any]:
    """Write the playlist as its owner-or-viewer (the job's owner) sees it now; the result
    carries a signed download URL (a day)."""
    storage = ctx.env.state.storage
    owner = ctx.owner_id
    if owner is None:
        raise PermanentJobError("an export needs the user it is for")
    async with ctx.session() as s:
        try:
            playlist = await PlaylistService(s, storage).get(owner, playlist_id)
        except PlaylistNotFound as exc:  # deleted, or no longer shared with them
            raise PermanentJobError("the playlist is gone") from exc
        await ctx.progress(0.2, "writing")
        where: Paths = "relative" if paths == "relative" else "absolute"
        return await export_file(s, storage, owner, playlist, Format(format), where, EXPORT_PREFIX)

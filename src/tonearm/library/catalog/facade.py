"""The library as other domains, and the second API face, see it: tracks a viewer may open,
presented the one way (`TrackOut`: loved, artwork, visibility), the file behind a scanned
track (never outside its root), look-ups for matching, and the annotations (loves, plays).

Exported as `tonearm.library.Library`. Built per unit of work: `Library(session, storage)`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.pagination import PageParams
from tonearm.kit.storage import Storage
from tonearm.library.catalog import views
from tonearm.library.catalog.annotations import Annotations
from tonearm.library.catalog.files import file_in_root
from tonearm.library.catalog.matchable import MatchableTrack, matchable_tracks
from tonearm.library.catalog.present import Presenter, artwork_map
from tonearm.library.catalog.repository import LibraryRepository
from tonearm.library.catalog.smart import Selection, in_order, smart_ids, smart_totals
from tonearm.library.errors import TrackNotFound
from tonearm.library.schemas import Artwork, TrackOut
from tonearm.models.library import Track


class Library:
    def __init__(self, session: AsyncSession, storage: Storage) -> None:
        self.s = session
        self.repo = LibraryRepository(session)
        self.present = Presenter(session, storage)
        self.annotations = Annotations(session)

    # --- tracks a viewer may open -----------------------------------------------------------
    async def visible_track(
        self, viewer: uuid.UUID | None, track_id: uuid.UUID, *, full: bool = True
    ) -> Track:
        """The track if the viewer may open it (their own, public or unlisted), else
        TrackNotFound. `full=False` loads the row alone (streaming needs no credits)."""
        track = await self.repo.track_for(track_id, viewer, full=full)
        if track is None:
            raise TrackNotFound()
        return track

    async def visible_tracks(
        self, viewer: uuid.UUID | None, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, Track]:
        """Those of `ids` the viewer may open, by id, loaded for presenting."""
        return {t.id: t for t in await self.repo.tracks_where(viewer, Track.id.in_(set(ids)))}

    async def tracks_out(self, tracks: Sequence[Track], viewer: uuid.UUID | None) -> list[TrackOut]:
        return await self.present.tracks(tracks, viewer)

    async def track_out(self, track: Track, viewer: uuid.UUID | None) -> TrackOut:
        return await self.present.track(track, viewer)

    async def cover_keys(
        self, tracks: Sequence[Track], viewer: uuid.UUID | None
    ) -> list[str | None]:
        """Each track's cover as the viewer may see it: the storage prefix of its sizes
        (`{key}{size}.jpg`), for pictures made from covers (a playlist's mosaic)."""
        covers = await self.present.covers(tracks, viewer)
        return [views.art_key(t, covers) for t in tracks]

    async def artwork(self, keys: Sequence[str | None]) -> dict[str, Artwork]:
        """Signed URLs of covers stored under `keys` (prefixes of their sizes)."""
        return await artwork_map(self.present.storage, keys)

    async def matchable(
        self, viewer: uuid.UUID, ids: Sequence[uuid.UUID] | None = None
    ) -> list[MatchableTrack]:
        """Every track the viewer may list (or those of `ids`), as plain values: for a
        matching catalog, and for playlist files written out."""
        return await matchable_tracks(self.s, viewer, ids)

    # --- smart selections (rules evaluated for the viewer) -----------------------------------
    async def smart_tracks(
        self,
        viewer: uuid.UUID | None,
        selection: Selection,
        *,
        offset: int = 0,
        count: int | None = None,
        seed: int = 0,
    ) -> list[TrackOut]:
        """The tracks a selection picks among those the viewer may list (play counts, last
        played and loves the viewer's own), in its order, from `offset`."""
        ids = await self.smart_track_ids(viewer, selection, offset=offset, count=count, seed=seed)
        rows = await self.repo.tracks_where(viewer, Track.id.in_(ids)) if ids else []
        return await self.present.tracks(in_order(rows, ids), viewer)

    async def smart_track_ids(
        self,
        viewer: uuid.UUID | None,
        selection: Selection,
        *,
        offset: int = 0,
        count: int | None = None,
        seed: int = 0,
    ) -> list[uuid.UUID]:
        return await smart_ids(self.s, viewer, selection, offset=offset, count=count, seed=seed)

    async def smart_totals(
        self, viewer: uuid.UUID | None, selection: Selection, seed: int = 0
    ) -> tuple[int, float]:
        """How many tracks the selection holds for the viewer, and their seconds."""
        return await smart_totals(self.s, viewer, selection, seed)

    # --- the file behind a track -------------------------------------------------------------
    async def scanned_file(self, track: Track) -> Path | None:
        """A scanned track's file, resolved inside its library root; None for an upload (its
        bytes are in storage at `track.storage_key`). TrackFileMissing when the root or the
        file is gone, or the path now leads outside the root (a link changed)."""
        if track.storage_key is not None:
            return None
        root = await self.repo.root(track.root_id) if track.root_id else None
        return file_in_root(track, root)

    # --- look-ups for matching (visible to the viewer) ---------------------------------------
    async def by_isrc(self, viewer: uuid.UUID | None, isrcs: Sequence[str]) -> list[Track]:
        keys = {i.strip().upper() for i in isrcs if i and i.strip()}
        return await self.repo.tracks_where(viewer, Track.isrc.in_(keys)) if keys else []

    async def by_recording_mbid(
        self, viewer: uuid.UUID | None, mbids: Sequence[str]
    ) -> list[Track]:
        keys = {m.strip().lower() for m in mbids if m and m.strip()}
        return await self.repo.tracks_where(viewer, Track.mb_recording_id.in_(keys)) if keys else []

    async def by_title_key(self, viewer: uuid.UUID | None, keys: Sequence[str]) -> list[Track]:
        """Tracks whose folded title (`kit.text.fold`) is one of `keys`."""
        wanted = {k for k in keys if k}
        return await self.repo.tracks_where(viewer, Track.title_key.in_(wanted)) if wanted else []

    async def by_path(
        self, viewer: uuid.UUID | None, root_id: uuid.UUID, paths: Sequence[str]
    ) -> list[Track]:
        """Scanned tracks of a root by their path relative to it."""
        wanted = {p for p in paths if p}
        if not wanted:
            return []
        return await self.repo.tracks_where(
            viewer, Track.root_id == root_id, Track.path.in_(wanted)
        )

    # --- annotations: loves and play counts --------------------------------------------------
    async def love(self, user: uuid.UUID, track_id: uuid.UUID) -> None:
        await self.visible_track(user, track_id, full=False)
        await self.annotations.love(user, track_id)

    async def unlove(self, user: uuid.UUID, track_id: uuid.UUID) -> None:
        await self.annotations.unlove(user, track_id)

    async def loved_tracks(
        self, user: uuid.UUID, params: PageParams
    ) -> tuple[list[tuple[datetime, TrackOut]], str | None]:
        rows, nxt = await self.annotations.loved_tracks(user, params)
        outs = await self.present.tracks([t for _, t in rows], user, {t.id for _, t in rows})
        return [(when, out) for (when, _), out in zip(rows, outs, strict=True)], nxt

    async def count_play(self, track_id: uuid.UUID) -> None:
        await self.annotations.count_play(track_id)

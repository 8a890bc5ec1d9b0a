"""Browse, edit and delete library items. No FastAPI, no commit."""

from __future__ import annotations

import uuid
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import after_commit, utcnow
from tonearm.kit.pagination import PageParams
from tonearm.kit.storage import Storage
from tonearm.library import errors
from tonearm.library.catalog import views
from tonearm.library.catalog.builder import Catalog
from tonearm.library.catalog.metadata import apply_metadata, metadata_of
from tonearm.library.catalog.present import Presenter
from tonearm.library.catalog.repository import LibraryRepository, track_art_prefix
from tonearm.library.schemas import (
    AlbumDetail,
    AlbumOut,
    ArtistDetail,
    ArtistOut,
    GenreOut,
    SearchResults,
    TrackDetail,
    TrackOut,
    TrackPatch,
)
from tonearm.library.search import searcher
from tonearm.models.accounts import Role
from tonearm.models.library import Track, Visibility
from tonearm.platform.principal import can_publish


class LibraryService:
    def __init__(self, session: AsyncSession, storage: Storage) -> None:
        self.s = session
        self.repo = LibraryRepository(session)
        self.storage = storage
        self.present = Presenter(session, storage)

    # --- tracks --------------------------------------------------------------------------
    async def list_tracks(
        self, viewer: uuid.UUID | None, params: PageParams, **filters: object
    ) -> tuple[list[TrackOut], str | None]:
        rows, nxt = await self.repo.list_tracks(viewer, params, **filters)  # type: ignore[arg-type]
        return await self.present.tracks(rows, viewer), nxt

    async def random_tracks(
        self, viewer: uuid.UUID | None, limit: int, **filters: object
    ) -> list[TrackOut]:
        rows = await self.repo.random_tracks(viewer, limit, **filters)  # type: ignore[arg-type]
        return await self.present.tracks(rows, viewer)

    async def genres(self, viewer: uuid.UUID | None) -> list[GenreOut]:
        return [
            GenreOut(name=name, track_count=tracks, album_count=albums)
            for name, tracks, albums in await self.repo.genres(viewer)
        ]

    async def get_track(self, viewer: uuid.UUID | None, track_id: uuid.UUID) -> TrackDetail:
        track = await self.repo.track_for(track_id, viewer)
        if track is None:
            raise errors.TrackNotFound()
        return await self.present.detail(track, viewer)

    async def _owned(self, owner: uuid.UUID, track_id: uuid.UUID) -> Track:
        track = await self.repo.owned_track(track_id, owner)
        if track is None:
            # Someone else's visible track is still "not yours to change"; hidden ones do not
            # exist as far as this caller knows.
            if await self.repo.track_for(track_id, owner) is not None:
                raise errors.NotTrackOwner()
            raise errors.TrackNotFound()
        return track

    async def patch_track(
        self, owner: uuid.UUID, role: Role, track_id: uuid.UUID, patch: TrackPatch
    ) -> TrackDetail:
        track = await self._owned(owner, track_id)
        changes = patch.model_dump(exclude_unset=True)
        if changes.get("visibility") == "public" and not can_publish(role):
            raise errors.PublicNeedsArtist()
        meta = metadata_of(track)
        same_name = {
            "title", "album", "album_artist", "track_number", "disc_number", "year", "genres",
            "isrc", "explicit", "lyrics",
        }  # fmt: skip
        updates = {k: v for k, v in changes.items() if k in same_name}
        if "artists" in changes and changes["artists"] is not None:
            updates["artists"] = changes["artists"]
            updates["featured"] = []
        if "year" in changes:
            updates["date"] = str(changes["year"]) if changes["year"] is not None else None
        if "title" in changes and changes["title"] is None:
            updates.pop("title")
        meta, catalog = replace(meta, **updates), Catalog(self.s)
        await catalog.prepare([meta])  # in the one order every writer takes (builder.py)
        await apply_metadata(track, meta, catalog)
        if changes.get("visibility"):
            track.visibility = Visibility(changes["visibility"])
        track.updated_at = utcnow()
        await self.s.flush()
        return await self.get_track(owner, track.id)

    async def delete_track(self, owner: uuid.UUID, track_id: uuid.UUID) -> None:
        track = await self._owned(owner, track_id)
        keys = [k for k in (track.storage_key,) if k]
        prefixes = [p for p in (track.hls_key, track.waveform_key) if p]
        prefixes += [track_art_prefix(track.id), f"transcodes/{track.id}/"]
        if track.album_id and track.artwork_key:
            # Its album may show this track's cover: point it at another one first.
            await self.repo.album_art_moved(track.album_id, track.artwork_key, None, track.id)
        await self.s.delete(track)
        storage = self.storage

        async def remove_files() -> None:
            for key in keys:
                await storage.delete(key)
            for prefix in prefixes:
                if prefix.endswith("/"):
                    await storage.delete_prefix(prefix)
                else:
                    await storage.delete(prefix)

        # Files go only once the rows are gone for good.
        after_commit(self.s, remove_files)

    # --- albums and artists --------------------------------------------------------------
    async def list_albums(
        self, viewer: uuid.UUID | None, params: PageParams, **filters: object
    ) -> tuple[list[AlbumOut], str | None]:
        rows, nxt = await self.repo.list_albums(viewer, params, **filters)  # type: ignore[arg-type]
        return await self.present.albums(rows, viewer), nxt

    async def get_album(self, viewer: uuid.UUID | None, album_id: uuid.UUID) -> AlbumDetail:
        found = await self.repo.album_for(album_id, viewer)
        if found is None:
            raise errors.AlbumNotFound()
        album, count, duration = found
        tracks = await self.repo.album_tracks(album_id, viewer)
        (base,) = await self.present.albums([(album, count, duration)], viewer)
        return AlbumDetail(**base.model_dump(), tracks=await self.present.tracks(tracks, viewer))

    async def list_artists(
        self, viewer: uuid.UUID | None, params: PageParams, descending: bool = False
    ) -> tuple[list[ArtistOut], str | None]:
        rows, nxt = await self.repo.list_artists(viewer, params, descending=descending)
        return [views.artist_out(a, t, n) for a, t, n in rows], nxt

    async def get_artist(self, viewer: uuid.UUID | None, artist_id: uuid.UUID) -> ArtistDetail:
        found = await self.repo.artist_for(artist_id, viewer)
        if found is None:
            raise errors.ArtistNotFound()
        artist, tracks, albums = found
        album_rows, _ = await self.repo.list_albums(
            viewer, PageParams(limit=200), sort="year", artist_id=artist_id
        )
        top, _ = await self.repo.list_tracks(
            viewer, PageParams(limit=10), sort="plays", artist_id=artist_id
        )
        return ArtistDetail(
            **views.artist_out(artist, tracks, albums).model_dump(),
            albums=await self.present.albums(album_rows, viewer),
            top_tracks=await self.present.tracks(top, viewer),
        )

    # --- search --------------------------------------------------------------------------
    async def search(self, viewer: uuid.UUID | None, q: str, limit: int) -> SearchResults:
        found = await searcher.search(self.s, viewer, q, limit)
        tracks, albums = await self.present.found(found, viewer)
        return SearchResults(
            query=q,
            tracks=tracks,
            albums=albums,
            artists=[
                views.artist_out(a, int(a.track_count), int(a.album_count)) for a in found.artists
            ],
        )

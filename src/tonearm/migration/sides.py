"""The two ends of a migration: where the playlists come from and where they go.

A `Side` is a streaming service acting as the user (through its client), or the user's
Tonearm library (its playlists and, as a target, its tracks as the matching catalog). An
uploaded playlist file is a source whose entries were stored when the migration was made.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tonearm import providers
from tonearm.matching import Catalog, Entry
from tonearm.migration.catalog import LookupStore, ServiceCatalog
from tonearm.playlists import PlaylistsFacade

LIKED = "liked"


@dataclass(frozen=True, slots=True)
class SourcePlaylist:
    id: str
    name: str
    description: str | None = None
    snapshot: str | None = None
    track_count: int | None = None


@dataclass(frozen=True, slots=True)
class Written:
    id: str
    url: str | None = None


class Side(Protocol):
    name: str
    add_batch: int

    async def playlists(self) -> list[SourcePlaylist]: ...

    async def playlist(self, playlist_id: str) -> SourcePlaylist: ...

    async def entries(self, playlist_id: str) -> list[Entry]: ...

    def catalog(self, store: LookupStore) -> Catalog: ...

    async def create(self, name: str, description: str | None) -> Written: ...

    async def append(self, playlist_id: str, track_ids: Sequence[str]) -> None: ...

    async def contents(self, playlist_id: str) -> list[str]: ...

    async def remove(self, playlist_id: str, track_ids: Sequence[str]) -> None: ...


def entry_of(t: providers.ServiceTrack, slug: str) -> Entry:
    return Entry(
        title=t.title,
        artists=t.artists,
        album=t.album,
        duration=t.duration,
        track_number=t.track_number,
        disc_number=t.disc_number,
        isrc=t.isrc,
        provider_ids={slug: t.id},
        location=t.url,
    )


class ServiceSide:
    def __init__(self, slug: str, client: Any) -> None:
        self.slug = slug
        self.service = providers.get(slug)
        self.name = self.service.name
        self.client = client
        self.add_batch = int(getattr(client, "add_batch", 50))

    def _need(self, capability: providers.Capability) -> None:
        if capability not in self.service.capabilities:
            raise providers.ProviderUnsupported(f"{self.name} cannot do this ({capability})")

    async def playlists(self) -> list[SourcePlaylist]:
        self._need("playlists_read")
        return [
            SourcePlaylist(p.id, p.name, p.description, p.snapshot, p.track_count)
            async for p in self.client.playlists()
        ]

    async def playlist(self, playlist_id: str) -> SourcePlaylist:
        if playlist_id == LIKED:
            self._need("liked_read")
            return SourcePlaylist(LIKED, f"Liked on {self.name}")
        self._need("playlists_read")
        p = await self.client.playlist(playlist_id)
        return SourcePlaylist(p.id, p.name, p.description, p.snapshot, p.track_count)

    async def entries(self, playlist_id: str) -> list[Entry]:
        if playlist_id == LIKED:
            self._need("liked_read")
            return [entry_of(t, self.slug) async for t in self.client.liked_tracks()]
        self._need("playlists_read")
        return [entry_of(t, self.slug) async for t in self.client.playlist_tracks(playlist_id)]

    def catalog(self, store: LookupStore) -> Catalog:
        return ServiceCatalog(self.client, self.service.capabilities, store)

    async def create(self, name: str, description: str | None) -> Written:
        self._need("playlists_write")
        p = await self.client.create_playlist(name, description=description, public=False)
        return Written(p.id, p.url)

    async def append(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        await self.client.add_tracks(playlist_id, list(track_ids))

    async def contents(self, playlist_id: str) -> list[str]:
        return [t.id async for t in self.client.playlist_tracks(playlist_id)]

    async def remove(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        await self.client.remove_tracks(playlist_id, list(track_ids))


class LibrarySide:
    name = "Tonearm"
    add_batch = 500

    def __init__(self, facade: PlaylistsFacade, owner: uuid.UUID, base_url: str) -> None:
        self.facade = facade
        self.owner = owner
        self.base_url = base_url.rstrip("/")
        self._catalog: Catalog | None = None

    @staticmethod
    def _id(playlist_id: str) -> uuid.UUID:
        try:
            return uuid.UUID(playlist_id)
        except ValueError:
            raise providers.ProviderNotFound(f"No Tonearm playlist {playlist_id!r}") from None

    async def playlists(self) -> list[SourcePlaylist]:
        return [
            SourcePlaylist(str(p.id), p.name, p.description or None, None, p.item_count)
            for p in await self.facade.owned(self.owner)
        ]

    async def playlist(self, playlist_id: str) -> SourcePlaylist:
        p = await self.facade.get(self.owner, self._id(playlist_id))
        return SourcePlaylist(str(p.id), p.name, p.description or None, None, p.item_count)

    async def entries(self, playlist_id: str) -> list[Entry]:
        return await self.facade.entries(self.owner, self._id(playlist_id))

    def catalog(self, store: LookupStore) -> Catalog:
        assert self._catalog is not None, "load() the library first"
        return self._catalog

    async def load(self) -> None:
        self._catalog = await self.facade.catalog(self.owner)

    async def create(self, name: str, description: str | None) -> Written:
        p = await self.facade.create(self.owner, name, description)
        return Written(str(p.id), f"{self.base_url}/playlists/{p.id}")

    async def append(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        await self.facade.append(self.owner, self._id(playlist_id), track_ids)

    async def contents(self, playlist_id: str) -> list[str]:
        return await self.facade.track_ids(self.owner, self._id(playlist_id))

    async def remove(self, playlist_id: str, track_ids: Sequence[str]) -> None:
        await self.facade.remove_tracks(self.owner, self._id(playlist_id), track_ids)

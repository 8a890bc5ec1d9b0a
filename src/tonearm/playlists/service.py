"""Playlists: create, read, edit, delete, list; and their items: add at a position, remove,
move, remove duplicates, shuffle, merge another playlist in, duplicate.

Only the owner changes a playlist; others may open an unlisted one by id and see public ones
listed; another's private playlist is "not found" to everyone else, never "forbidden" (that
would tell it exists). Items that are library tracks show only to viewers who may open the
track. Positions stay dense (0..n-1) after every change. Flushes, never commits.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import utcnow
from tonearm.kit.pagination import InvalidCursor, PageParams, decode_cursor, encode_cursor
from tonearm.kit.storage import Storage
from tonearm.kit.text import fold
from tonearm.library import Library, TrackNotFound, TrackOut
from tonearm.models.library import Visibility
from tonearm.models.playlists import Playlist, PlaylistItem, PlaylistKind
from tonearm.playlists.errors import (
    NotPlaylistOwner,
    NotSmartPlaylist,
    PlaylistItemNotFound,
    PlaylistNotFound,
    PlaylistTooLong,
    SmartPlaylistItems,
)
from tonearm.playlists.repository import PlaylistRepository
from tonearm.playlists.schemas import MAX_ITEMS, DuplicateIn, PlaylistIn, PlaylistPatch
from tonearm.playlists.smart import SmartDefinition, SmartSort, definition


@dataclass(frozen=True, slots=True)
class Change:
    changed: int
    playlist: Playlist


def item_identity(item: PlaylistItem) -> object:
    """What makes two items the same song: the library track, else the entry as given."""
    if item.track_id is not None:
        return item.track_id
    entry = item.entry or {}
    return (
        fold(str(entry.get("title") or "")),
        tuple(fold(a) for a in entry.get("artists") or ()),
        entry.get("location"),
    )


class PlaylistService:
    def __init__(self, session: AsyncSession, storage: Storage) -> None:
        self.s = session
        self.storage = storage
        self.repo = PlaylistRepository(session)
        self.library = Library(session, storage)

    # --- playlists --------------------------------------------------------------------------
    async def create(self, owner: uuid.UUID, data: PlaylistIn) -> Playlist:
        playlist = Playlist(
            owner_id=owner,
            name=data.name,
            name_key=fold(data.name)[:200],
            description=data.description,
            visibility=data.visibility,
            kind=data.kind,
        )
        if data.kind is PlaylistKind.smart and data.rules is not None:
            smart = SmartDefinition(
                rules=data.rules, sort=data.sort or SmartSort(), limit=data.limit
            )
            playlist.rules = smart.to_json()
        self.s.add(playlist)
        await self.s.flush()
        return playlist

    async def get(self, viewer: uuid.UUID | None, playlist_id: uuid.UUID) -> Playlist:
        playlist = await self.repo.readable(playlist_id, viewer)
        if playlist is None:
            raise PlaylistNotFound()
        return playlist

    async def owned(self, owner: uuid.UUID, playlist_id: uuid.UUID) -> Playlist:
        """The playlist for a change: NotFound unless the caller may open it, then
        NotPlaylistOwner unless it is theirs."""
        playlist = await self.get(owner, playlist_id)
        if playlist.owner_id != owner:
            raise NotPlaylistOwner()
        return playlist

    async def static_owned(self, owner: uuid.UUID, playlist_id: uuid.UUID) -> Playlist:
        playlist = await self.owned(owner, playlist_id)
        if playlist.kind is PlaylistKind.smart:
            raise SmartPlaylistItems()
        await self.repo.lock(playlist)
        return playlist

    async def page(
        self,
        viewer: uuid.UUID,
        params: PageParams,
        *,
        owner: uuid.UUID | None = None,
        sort: str = "updated",
    ) -> tuple[list[Playlist], str | None]:
        """The viewer's own playlists, or another user's public ones."""
        target = owner or viewer
        return await self.repo.page(params, owner=target, public_only=target != viewer, sort=sort)

    async def update(
        self, owner: uuid.UUID, playlist_id: uuid.UUID, patch: PlaylistPatch
    ) -> Playlist:
        playlist = await self.owned(owner, playlist_id)
        if patch.name is not None:
            playlist.name = patch.name
            playlist.name_key = fold(patch.name)[:200]
        if patch.description is not None:
            playlist.description = patch.description
        if patch.visibility is not None:
            playlist.visibility = patch.visibility
        if patch.changes_rules():
            if playlist.kind is not PlaylistKind.smart:
                raise NotSmartPlaylist("Rules, sort and limit are for smart playlists.")
            old = definition(playlist)
            playlist.rules = SmartDefinition(
                rules=patch.rules or old.rules,
                sort=patch.sort or old.sort,
                limit=None if patch.unlimited else (patch.limit or old.limit),
            ).to_json()
        playlist.updated_at = utcnow()
        await self.s.flush()
        return playlist

    async def delete(self, owner: uuid.UUID, playlist_id: uuid.UUID) -> None:
        playlist = await self.owned(owner, playlist_id)
        cover = playlist.cover_key
        await self.s.delete(playlist)
        await self.s.flush()
        if cover and cover.startswith("playlist-covers/custom/"):  # an uploaded one
            await self.storage.delete_prefix(cover)

    async def duplicate(
        self, viewer: uuid.UUID, playlist_id: uuid.UUID, data: DuplicateIn
    ) -> Playlist:
        """A copy owned by the viewer (private), of a playlist they may open: its items, as
        the viewer may see them (tracks they may not open are left out), or its rules."""
        source = await self.get(viewer, playlist_id)
        copy = Playlist(
            owner_id=viewer,
            name=data.name or f"{source.name} (copy)"[:200],
            description=source.description,
            visibility=Visibility.private,
            kind=source.kind,
            rules=source.rules,
        )
        copy.name_key = fold(copy.name)[:200]
        self.s.add(copy)
        await self.s.flush()
        if source.kind is PlaylistKind.static:
            items = await self._copyable(viewer, source)
            self._append(copy, items, start=0)
            await self.touch(copy)
        return copy

    # --- smart playlists: evaluated when read, for the viewer --------------------------------
    async def smart(
        self, viewer: uuid.UUID | None, playlist_id: uuid.UUID
    ) -> tuple[Playlist, SmartDefinition]:
        playlist = await self.get(viewer, playlist_id)
        if playlist.kind is not PlaylistKind.smart:
            raise NotSmartPlaylist("A static playlist's tracks are read from /items.")
        return playlist, definition(playlist)

    async def smart_tracks(
        self, viewer: uuid.UUID | None, playlist_id: uuid.UUID, params: PageParams
    ) -> tuple[list[TrackOut], str | None]:
        """A page of what the rules select now. The cursor carries the offset and, for a
        random order, its seed, so one read's pages agree."""
        offset, seed = 0, secrets.randbelow(2**40)
        if params.cursor:  # a bad one is a 400 whatever the playlist
            offset, seed = decode_cursor(params.cursor, 2)
            if not all(isinstance(v, int) and 0 <= v < 2**40 for v in (offset, seed)):
                raise InvalidCursor()
        _, smart = await self.smart(viewer, playlist_id)
        rows = await self.library.smart_tracks(
            viewer, smart.selection(), offset=offset, count=params.limit + 1, seed=seed
        )
        nxt = encode_cursor([offset + params.limit, seed]) if len(rows) > params.limit else None
        return rows[: params.limit], nxt

    async def preview(
        self, viewer: uuid.UUID, smart: SmartDefinition, count: int
    ) -> tuple[list[TrackOut], int, float]:
        """The first `count` tracks the rules would select, how many and how long in all."""
        seed = secrets.randbelow(2**40)
        rows = await self.library.smart_tracks(viewer, smart.selection(), count=count, seed=seed)
        total, seconds = await self.library.smart_totals(viewer, smart.selection(), seed)
        return rows, total, seconds

    # --- items ------------------------------------------------------------------------------
    async def items(
        self, viewer: uuid.UUID | None, playlist_id: uuid.UUID, params: PageParams
    ) -> tuple[Playlist, list[PlaylistItem], str | None]:
        playlist = await self.get(viewer, playlist_id)
        if playlist.kind is PlaylistKind.smart:
            raise SmartPlaylistItems("A smart playlist's tracks are read from /tracks.")
        rows, nxt = await self.repo.items_page(playlist.id, params)
        return playlist, rows, nxt

    async def add(
        self,
        owner: uuid.UUID,
        playlist_id: uuid.UUID,
        track_ids: Sequence[uuid.UUID],
        position: int | None = None,
    ) -> Change:
        """Tracks the owner may open, in the order given (repeats allowed), before
        `position` (clamped to the end)."""
        playlist = await self.static_owned(owner, playlist_id)
        found = await self.library.visible_tracks(owner, track_ids)
        missing = [t for t in track_ids if t not in found]
        if missing:
            raise TrackNotFound(f"No track {missing[0]} that you may add.")
        count = await self.repo.count(playlist.id)
        self._check_room(count + len(track_ids))
        at = count if position is None else min(position, count)
        await self.repo.shift(playlist.id, at, len(track_ids))
        for offset, track_id in enumerate(track_ids):
            self.s.add(
                PlaylistItem(playlist_id=playlist.id, position=at + offset, track_id=track_id)
            )
        await self.touch(playlist)
        return Change(len(track_ids), playlist)

    async def remove(
        self, owner: uuid.UUID, playlist_id: uuid.UUID, item_ids: Sequence[uuid.UUID]
    ) -> Change:
        playlist = await self.static_owned(owner, playlist_id)
        removed = await self.repo.delete_items(playlist.id, list(set(item_ids)))
        if removed < len(set(item_ids)):
            raise PlaylistItemNotFound()  # rolled back with the request
        await self._renumber(playlist)
        await self.touch(playlist)
        return Change(removed, playlist)

    async def move(
        self,
        owner: uuid.UUID,
        playlist_id: uuid.UUID,
        item_ids: Sequence[uuid.UUID],
        position: int,
    ) -> Change:
        """Move items (kept in their current order) so the first lands at `position` of the
        playlist as it is afterwards (clamped to the end)."""
        playlist = await self.static_owned(owner, playlist_id)
        items = await self.repo.items(playlist.id)
        wanted = set(item_ids)
        moving = [i for i in items if i.id in wanted]
        if len(moving) != len(wanted):
            raise PlaylistItemNotFound()
        rest = [i for i in items if i.id not in wanted]
        at = min(position, len(rest))
        order = rest[:at] + moving + rest[at:]
        changed = await self._write_order(order)
        await self.touch(playlist)
        return Change(changed, playlist)

    async def remove_duplicates(self, owner: uuid.UUID, playlist_id: uuid.UUID) -> Change:
        """Keep each song's first occurrence (a library track, or an entry as given)."""
        playlist = await self.static_owned(owner, playlist_id)
        seen: set[object] = set()
        drop: list[uuid.UUID] = []
        for item in await self.repo.items(playlist.id):
            key = item_identity(item)
            if key in seen:
                drop.append(item.id)
            seen.add(key)
        if drop:
            await self.repo.delete_items(playlist.id, drop)
            await self._renumber(playlist)
            await self.touch(playlist)
        return Change(len(drop), playlist)

    async def shuffle(
        self, owner: uuid.UUID, playlist_id: uuid.UUID, rng: random.Random | None = None
    ) -> Change:
        """A new order at random, kept (unlike the player's shuffle, which leaves it)."""
        playlist = await self.static_owned(owner, playlist_id)
        items = await self.repo.items(playlist.id)
        order = list(items)
        (rng or random.SystemRandom()).shuffle(order)
        changed = await self._write_order(order)
        await self.touch(playlist)
        return Change(changed, playlist)

    async def merge(
        self,
        owner: uuid.UUID,
        playlist_id: uuid.UUID,
        source_id: uuid.UUID,
        *,
        skip_duplicates: bool = True,
    ) -> Change:
        """Append another playlist's items (one the owner may open; its tracks the owner may
        not open are left out), skipping songs already in this one unless asked not to."""
        playlist = await self.static_owned(owner, playlist_id)
        source = await self.get(owner, source_id)
        if source.kind is PlaylistKind.smart:
            raise SmartPlaylistItems("Merge a static playlist (duplicate a smart one first).")
        incoming = await self._copyable(owner, source)
        current = await self.repo.items(playlist.id)
        if skip_duplicates:
            seen = {item_identity(i) for i in current}
            kept = []
            for item in incoming:
                key = item_identity(item)
                if key not in seen:
                    kept.append(item)
                    seen.add(key)
            incoming = kept
        self._check_room(len(current) + len(incoming))
        self._append(playlist, incoming, start=len(current))
        await self.touch(playlist)
        return Change(len(incoming), playlist)

    # --- helpers ----------------------------------------------------------------------------
    def _check_room(self, total: int) -> None:
        if total > MAX_ITEMS:
            raise PlaylistTooLong(f"A playlist holds at most {MAX_ITEMS} items.")

    async def _copyable(self, viewer: uuid.UUID, source: Playlist) -> list[PlaylistItem]:
        items = await self.repo.items(source.id)
        track_ids = [i.track_id for i in items if i.track_id is not None]
        visible = await self.library.visible_tracks(viewer, track_ids) if track_ids else {}
        return [
            i
            for i in items
            if (i.track_id is None and i.entry)
            or (i.track_id is not None and i.track_id in visible)
        ]

    def _append(self, playlist: Playlist, items: Sequence[PlaylistItem], *, start: int) -> None:
        for offset, item in enumerate(items):
            self.s.add(
                PlaylistItem(
                    playlist_id=playlist.id,
                    position=start + offset,
                    track_id=item.track_id,
                    entry=item.entry,
                    match=item.match,
                )
            )

    async def _write_order(self, order: Sequence[PlaylistItem]) -> int:
        changes = [(item.id, pos) for pos, item in enumerate(order) if item.position != pos]
        await self.repo.set_positions(changes)
        return len(changes)

    async def _renumber(self, playlist: Playlist) -> None:
        await self._write_order(await self.repo.items(playlist.id))

    async def touch(self, playlist: Playlist) -> None:
        await self.s.flush()
        playlist.item_count, playlist.duration = await self.repo.totals(playlist.id)
        playlist.updated_at = utcnow()
        await self.s.flush()

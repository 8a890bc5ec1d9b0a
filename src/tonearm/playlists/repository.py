"""Every playlist query, scoped: a viewer reads their own playlists and others' unlisted (by
id) or public ones; lists name only the owner's, or public ones; items are reached through a
playlist the caller already holds."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from tonearm.kit.pagination import PageParams, keyset, split_page
from tonearm.models.library import Track, Visibility
from tonearm.models.playlists import Playlist, PlaylistItem

SORTS: dict[str, tuple[Any, bool]] = {
    "updated": (Playlist.updated_at, True),
    "created": (Playlist.created_at, True),
    "name": (Playlist.name_key, False),
}


class PlaylistRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def readable(self, playlist_id: uuid.UUID, viewer: uuid.UUID | None) -> Playlist | None:
        """The playlist if the viewer may open it: theirs, or unlisted, or public."""
        shared = (Visibility.unlisted, Visibility.public)
        cond: ColumnElement[bool] = Playlist.visibility.in_(shared)
        if viewer is not None:
            cond = or_(Playlist.owner_id == viewer, cond)
        return await self.s.scalar(select(Playlist).where(Playlist.id == playlist_id, cond))

    async def lock(self, playlist: Playlist) -> None:
        """Serialise changes to one playlist's items (PostgreSQL: a row lock until commit;
        SQLite has one writer at a time anyway)."""
        await self.s.execute(
            select(Playlist.id).where(Playlist.id == playlist.id).with_for_update()
        )

    async def page(
        self, params: PageParams, *, owner: uuid.UUID, public_only: bool, sort: str
    ) -> tuple[list[Playlist], str | None]:
        col, descending = SORTS[sort]
        stmt = select(Playlist).where(Playlist.owner_id == owner)
        if public_only:
            stmt = stmt.where(Playlist.visibility == Visibility.public)
        rows = (
            await self.s.scalars(keyset(stmt, col, Playlist.id, params, descending=descending))
        ).all()
        return split_page(rows, params, lambda p: (getattr(p, col.key), p.id))

    # --- items ------------------------------------------------------------------------------
    async def items_page(
        self, playlist_id: uuid.UUID, params: PageParams
    ) -> tuple[list[PlaylistItem], str | None]:
        stmt = select(PlaylistItem).where(PlaylistItem.playlist_id == playlist_id)
        rows = (
            await self.s.scalars(
                keyset(stmt, PlaylistItem.position, PlaylistItem.id, params, descending=False)
            )
        ).all()
        return split_page(rows, params, lambda i: (i.position, i.id))

    async def items(self, playlist_id: uuid.UUID) -> list[PlaylistItem]:
        rows = await self.s.scalars(
            select(PlaylistItem)
            .where(PlaylistItem.playlist_id == playlist_id)
            .order_by(PlaylistItem.position, PlaylistItem.id)
            .execution_options(populate_existing=True)  # positions moved by bulk UPDATEs
        )
        return list(rows.all())

    async def first_track_ids(self, playlist_id: uuid.UUID, limit: int) -> list[uuid.UUID]:
        rows = await self.s.scalars(
            select(PlaylistItem.track_id)
            .where(PlaylistItem.playlist_id == playlist_id, PlaylistItem.track_id.is_not(None))
            .order_by(PlaylistItem.position)
            .limit(limit)
        )
        return [t for t in rows.all() if t is not None]

    async def count(self, playlist_id: uuid.UUID) -> int:
        n = await self.s.scalar(select(func.count()).where(PlaylistItem.playlist_id == playlist_id))
        return int(n or 0)

    async def shift(self, playlist_id: uuid.UUID, start: int, by: int) -> None:
        """Positions >= start move by `by` (making room for an insert)."""
        await self.s.execute(
            update(PlaylistItem)
            .where(PlaylistItem.playlist_id == playlist_id, PlaylistItem.position >= start)
            .values(position=PlaylistItem.position + by)
            .execution_options(synchronize_session=False)
        )

    async def set_positions(self, changes: Sequence[tuple[uuid.UUID, int]]) -> None:
        if changes:
            await self.s.execute(
                update(PlaylistItem),
                [{"id": item_id, "position": pos} for item_id, pos in changes],
            )

    async def delete_items(self, playlist_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> int:
        result = await self.s.execute(
            delete(PlaylistItem)
            .where(PlaylistItem.playlist_id == playlist_id, PlaylistItem.id.in_(ids))
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def totals(self, playlist_id: uuid.UUID) -> tuple[int, float]:
        """Items, and the seconds of those that are library tracks."""
        n, seconds = (
            await self.s.execute(
                select(func.count(PlaylistItem.id), func.coalesce(func.sum(Track.duration), 0.0))
                .select_from(PlaylistItem)
                .outerjoin(Track, Track.id == PlaylistItem.track_id)
                .where(PlaylistItem.playlist_id == playlist_id)
            )
        ).one()
        return int(n), float(seconds)

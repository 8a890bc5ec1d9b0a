"""A migration's last step: each playlist written to the target in its batch size, every
batch marked in flight before it is sent and reconciled against the target's items if its
answer was lost, so each track is written once; one bad track is tried alone and left out.
A file target instead gets each playlist as a file to download."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm import providers
from tonearm.kit.storage import Storage
from tonearm.matching import Entry
from tonearm.migration.sides import Side
from tonearm.models.migration import Migration, MigrationPlaylist, MigrationTrack
from tonearm.playlists import export_entries

Sessions = Callable[[], AbstractAsyncContextManager[AsyncSession]]

STOPPING = (
    providers.RateLimited,
    providers.QuotaExhausted,
    providers.ProviderUnavailable,
    providers.AuthExpired,
    providers.AuthRevoked,
)


class WriteSteps:
    """The write step of `MigrationFlow` (which provides these)."""

    sessions: Sessions
    storage: Storage
    check: Callable[[], None]

    if TYPE_CHECKING:  # what MigrationFlow provides

        async def side(self, s: AsyncSession, owner: uuid.UUID, where: dict[str, Any]) -> Side: ...

        async def _load(self, s: AsyncSession, migration_id: uuid.UUID) -> Migration: ...

        async def _guard(self, call: Awaitable[Any]) -> Any: ...

        async def _set_status(self, migration_id: uuid.UUID, status: str) -> None: ...

    async def _write(self, migration_id: uuid.UUID) -> None:
        async with self.sessions() as s:
            m = await self._load(s, migration_id)
            m.status = "writing"
            owner, target_where = m.owner_id, dict(m.target)
            playlists = (
                await s.scalars(
                    select(MigrationPlaylist.id)
                    .where(MigrationPlaylist.migration_id == m.id)
                    .order_by(MigrationPlaylist.position)
                )
            ).all()
        for playlist_id in playlists:
            await self._write_playlist(migration_id, playlist_id, owner, target_where)

    async def _write_playlist(
        self,
        migration_id: uuid.UUID,
        playlist_id: uuid.UUID,
        owner: uuid.UUID,
        target_where: dict[str, Any],
    ) -> None:
        async with self.sessions() as s:
            row = await s.get(MigrationPlaylist, playlist_id)
            assert row is not None
            target = await self.side(s, owner, target_where)
            planned = await self._planned(s, playlist_id)
            if not planned and row.target_id is None:
                return  # nothing found: no empty playlist at the target
            if row.target_id is None:
                made = await self._guard(target.create(row.name, row.description))
                row.target_id, row.target_url = made.id, made.url
            elif row.writing or target_where.get("playlist_id"):
                # A batch's answer was lost, or the playlist existed before (a sync pair's):
                # what it holds already counts as written.
                if target_where.get("removals"):
                    await self._remove_extra(target, row.target_id, planned)
                await self._reconcile(s, target, row, planned)
            target_id = row.target_id
            batch = target.add_batch
        while True:
            self.check()
            async with self.sessions() as s:
                todo = await self._planned(s, playlist_id, unwritten=batch)
                if not todo:
                    return
                row = await s.get(MigrationPlaylist, playlist_id)
                assert row is not None
                row.writing = True
            async with self.sessions() as s:
                target = await self.side(s, owner, target_where)
                done, failed = await self._send(target, target_id, todo)
                await s.execute(
                    update(MigrationTrack)
                    .where(MigrationTrack.id.in_([t.id for t in done]))
                    .values(written=True)
                )
                for t, why in failed:
                    await s.execute(
                        update(MigrationTrack)
                        .where(MigrationTrack.id == t.id)
                        .values(error=why[:500], decided_by="skipped")
                    )
                await s.execute(
                    update(MigrationPlaylist)
                    .where(MigrationPlaylist.id == playlist_id)
                    .values(writing=False)
                )
            await self._set_status(migration_id, "writing")

    async def _send(
        self, target: Side, target_id: str, todo: Sequence[MigrationTrack]
    ) -> tuple[list[MigrationTrack], list[tuple[MigrationTrack, str]]]:
        """Append the batch; if the service refuses it, one by one, so one bad track does not
        keep the others out."""
        ids = [str(t.target_track_id) for t in todo]
        try:
            await self._guard(target.append(target_id, ids))
            return list(todo), []
        except providers.ProviderError as exc:
            if isinstance(exc, STOPPING) or len(todo) == 1:
                if len(todo) == 1 and not isinstance(exc, STOPPING):
                    return [], [(todo[0], exc.detail or exc.title)]
                raise
        done, failed = [], []
        for t in todo:
            try:
                await self._guard(target.append(target_id, [str(t.target_track_id)]))
                done.append(t)
            except providers.ProviderError as exc:
                if isinstance(exc, STOPPING):
                    raise
                failed.append((t, exc.detail or exc.title))
        return done, failed

    async def _remove_extra(
        self, target: Side, target_id: str, planned: list[MigrationTrack]
    ) -> None:
        """One-way sync with removals on: what the target holds and the source no longer
        does goes."""
        keep = {str(t.target_track_id) for t in planned}
        extra = [t for t in await self._guard(target.contents(target_id)) if t not in keep]
        if extra:
            await self._guard(target.remove(target_id, list(dict.fromkeys(extra))))

    async def _planned(
        self, s: AsyncSession, playlist_id: uuid.UUID, *, unwritten: int | None = None
    ) -> list[MigrationTrack]:
        """The tracks going to the target, in order: decided, with a target id, not skipped
        (`unwritten`: only the first that many not written yet; the write loop asks for one
        batch at a time instead of loading the whole playlist for each)."""
        query = (
            select(MigrationTrack)
            .where(
                MigrationTrack.playlist_id == playlist_id,
                MigrationTrack.target_track_id.is_not(None),
                MigrationTrack.decided_by.in_(("engine", "user")),
            )
            .order_by(MigrationTrack.position)
        )
        if unwritten is not None:
            query = query.where(MigrationTrack.written.is_(False)).limit(unwritten)
        rows = await s.scalars(query)
        return list(rows.all())

    async def _reconcile(
        self, s: AsyncSession, target: Side, row: MigrationPlaylist, planned: list[MigrationTrack]
    ) -> None:
        """A batch was sent and its answer lost: what the target holds counts as written."""
        assert row.target_id is not None
        there: dict[str, int] = {}
        for track_id in await self._guard(target.contents(row.target_id)):
            there[track_id] = there.get(track_id, 0) + 1
        for t in planned:
            if t.written:
                there[str(t.target_track_id)] = there.get(str(t.target_track_id), 0) - 1
        for t in planned:
            key = str(t.target_track_id)
            if not t.written and there.get(key, 0) > 0:
                t.written = True
                there[key] -= 1
        row.writing = False
        await s.flush()

    # --- files as the target ---------------------------------------------------------------
    async def _to_files(self, migration_id: uuid.UUID) -> bool:
        """A file target: each playlist written as a file to download, every track as the
        source gave it (nothing to match). False for any other target."""
        async with self.sessions() as s:
            m = await self._load(s, migration_id)
            if m.target.get("kind") != "file":
                return False
            fmt = str(m.target.get("format") or "xspf")
            await s.execute(
                update(MigrationTrack)
                .where(MigrationTrack.migration_id == m.id)
                .values(
                    looked_up=True,
                    bucket="matched",
                    rule="copy",
                    score=1.0,
                    reason="Written to the file as the source gave it.",
                    decided_by="engine",
                )
            )
            if m.dry_run:
                return True
            playlists = (
                await s.scalars(
                    select(MigrationPlaylist)
                    .where(MigrationPlaylist.migration_id == m.id)
                    .order_by(MigrationPlaylist.position)
                )
            ).all()
            for p in playlists:
                rows = (
                    await s.scalars(
                        select(MigrationTrack)
                        .where(MigrationTrack.playlist_id == p.id)
                        .order_by(MigrationTrack.position)
                    )
                ).all()
                made = await export_entries(
                    self.storage,
                    p.name,
                    p.description,
                    [Entry.from_json(r.entry) for r in rows],
                    fmt,
                    f"exports/migrations/{m.id}/",
                )
                p.target_id, p.target_url = str(made["filename"]), str(made["url"])
            await s.execute(
                update(MigrationTrack)
                .where(MigrationTrack.migration_id == m.id)
                .values(written=True)
            )
            return True

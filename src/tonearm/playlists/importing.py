"""Playlist files in: parse (`formats`), match each entry against the importer's library
(`matching`), show the preview, and save what the user confirmed.

A preview row carries the engine's bucket, score, rule and reason, and for review up to three
candidates. Saving takes the user's choices (a track for a row, or "keep it external");
each choice is remembered as a `MatchDecision` keyed by the entry's normalised identity, so
the same entry in a later import resolves the same way (rule "decision"). Rows left in review
are saved as external entries, as are unmatched ones: `rematch` resolves them after a later
scan or upload. Nothing is saved from a file that fails to parse.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.kit.db import utcnow
from tonearm.kit.storage import Storage
from tonearm.kit.text import fold
from tonearm.library import Library, TrackNotFound
from tonearm.matching import Candidate, Entry, Match, Matcher, MemoryCatalog, Policy, entry_key
from tonearm.models.library import Visibility
from tonearm.models.playlists import MatchDecision, Playlist, PlaylistItem, PlaylistKind
from tonearm.playlists.catalog import library_catalog
from tonearm.playlists.errors import PlaylistFileTooLarge, PlaylistTooLong
from tonearm.playlists.formats import MAX_BYTES, ParsedPlaylist, parse
from tonearm.playlists.schemas import MAX_ITEMS
from tonearm.playlists.service import Change, PlaylistService

KEEP_EXTERNAL = "external"
ITEMS = cast(Table, PlaylistItem.__table__)  # Core inserts: one executemany per batch


@dataclass(frozen=True, slots=True)
class PreviewRow:
    index: int
    entry: Entry
    match: Match
    key: str  # entry_key, for remembering a decision


@dataclass(frozen=True, slots=True)
class PreviewPlaylist:
    name: str | None
    description: str | None
    format: str
    rows: list[PreviewRow]
    catalog: MemoryCatalog  # the importer's library as matched: names each row's tracks


def match_json(match: Match) -> dict[str, Any]:
    return {"rule": match.rule, "score": round(float(match.score), 4), "reason": match.reason}


class ImportService:
    def __init__(self, session: AsyncSession, storage: Storage) -> None:
        self.s = session
        self.storage = storage
        self.library = Library(session, storage)

    async def preview(
        self,
        owner: uuid.UUID,
        data: bytes,
        filename: str | None,
        *,
        relax_versions: bool = False,
        catalog: MemoryCatalog | None = None,
        base: str | None = None,
    ) -> list[PreviewPlaylist]:
        """`catalog`: the owner's library, when the caller matches several files against it;
        `base`: the folder a file's relative locations start from (a scanned file's)."""
        if len(data) > MAX_BYTES:
            raise PlaylistFileTooLarge(f"A playlist file may be at most {MAX_BYTES // 2**20} MB.")
        parsed = parse(data, filename)
        if catalog is None:
            catalog = await library_catalog(self.library, owner)
        matcher = Matcher(catalog, Policy(strict_versions=not relax_versions))
        keys = [[entry_key(e) for e in p.entries] for p in parsed]
        remembered = await self._decisions(owner, [k for ks in keys for k in ks])
        out = []
        for playlist, playlist_keys in zip(parsed, keys, strict=True):
            matches = await matcher.match_many(playlist.entries, base)
            rows = [
                PreviewRow(i, entry, _decided(match, remembered.get(key, ...)), key)
                for i, (entry, match, key) in enumerate(
                    zip(playlist.entries, matches, playlist_keys, strict=True)
                )
            ]
            out.append(
                PreviewPlaylist(
                    playlist.name, playlist.description, str(playlist.format), rows, catalog
                )
            )
        return out

    async def save(
        self,
        owner: uuid.UUID,
        data: bytes,
        filename: str | None,
        *,
        relax_versions: bool = False,
        choices: Mapping[tuple[int, int], str] | None = None,
        name: str | None = None,
        visibility: Visibility = Visibility.private,
    ) -> list[Playlist]:
        """Each playlist of the file as a new playlist of the owner. `choices`: for (playlist,
        row) a track id, or KEEP_EXTERNAL; each is remembered."""
        previews = await self.preview(owner, data, filename, relax_versions=relax_versions)
        choices = dict(choices or {})
        chosen_ids = {uuid.UUID(v) for v in choices.values() if v != KEEP_EXTERNAL}
        visible = await self.library.visible_tracks(owner, list(chosen_ids)) if chosen_ids else {}
        if chosen_ids - set(visible):
            raise TrackNotFound("A chosen track is not one you may add.")
        saved = []
        for p_index, preview in enumerate(previews):
            if len(preview.rows) > MAX_ITEMS:
                raise PlaylistTooLong(f"A playlist holds at most {MAX_ITEMS} items.")
            title = (name if len(previews) == 1 and name else None) or preview.name
            playlist = Playlist(
                owner_id=owner,
                name=(title or filename or "Imported playlist").strip()[:200]
                or "Imported playlist",
                description=(preview.description or "")[:4000],
                visibility=visibility,
                kind=PlaylistKind.static,
            )
            playlist.name_key = fold(playlist.name)[:200]
            self.s.add(playlist)
            await self.s.flush()
            row_choices = {}
            for row in preview.rows:
                choice = choices.get((p_index, row.index))
                if choice is not None:
                    row_choices[row.index] = choice
                    await self._remember(owner, row.key, _resolve(row, choice)[0])
            await self.write_items(playlist, preview.rows, row_choices)
            saved.append(playlist)
        return saved

    async def write_items(
        self,
        playlist: Playlist,
        rows: Sequence[PreviewRow],
        choices: Mapping[int, str] | None = None,
    ) -> None:
        """The playlist's items become `rows` (what it held before is replaced)."""
        await self.s.execute(delete(PlaylistItem).where(PlaylistItem.playlist_id == playlist.id))
        values = []
        for row in rows:
            track_id, info = _resolve(row, (choices or {}).get(row.index))
            values.append(
                {
                    "id": uuid.uuid4(),
                    "playlist_id": playlist.id,
                    "position": row.index,
                    "track_id": track_id,
                    "entry": row.entry.to_json(),
                    "match": info,
                    "added_at": utcnow(),
                }
            )
        for start in range(0, len(values), 2000):  # one INSERT per batch, not per item
            await self.s.execute(insert(ITEMS), values[start : start + 2000])
        await PlaylistService(self.s, self.storage).touch(playlist)

    async def rematch_playlist(self, owner: uuid.UUID, playlist_id: uuid.UUID) -> Change:
        playlists = PlaylistService(self.s, self.storage)
        playlist = await playlists.static_owned(owner, playlist_id)
        resolved = await self.rematch(owner, await playlists.repo.items(playlist.id))
        await playlists.touch(playlist)
        return Change(resolved, playlist)

    async def rematch(self, owner: uuid.UUID, items: Sequence[PlaylistItem]) -> int:
        """Match again the external entries among `items` (a playlist's); those now matched
        become library tracks. Returns how many did."""
        pending = [i for i in items if i.track_id is None and i.entry]
        if not pending:
            return 0
        entries = [Entry.from_json(i.entry or {}) for i in pending]
        catalog = await library_catalog(self.library, owner)
        matches = await Matcher(catalog, Policy()).match_many(entries)
        keys = [entry_key(e) for e in entries]
        remembered = await self._decisions(owner, keys)
        resolved = 0
        for item, key, match in zip(pending, keys, matches, strict=True):
            match = _decided(match, remembered.get(key, ...))
            if match.bucket == "matched" and match.track_id:
                item.track_id = uuid.UUID(match.track_id)
                item.match = match_json(match)
                resolved += 1
        await self.s.flush()
        return resolved

    # --- decisions ---------------------------------------------------------------------------
    async def _decisions(
        self, owner: uuid.UUID, entry_keys: Sequence[str]
    ) -> dict[str, uuid.UUID | None]:
        keys = list(set(entry_keys))
        out: dict[str, uuid.UUID | None] = {}
        for start in range(0, len(keys), 500):
            rows = await self.s.execute(
                select(MatchDecision.entry_key, MatchDecision.track_id).where(
                    MatchDecision.owner_id == owner,
                    MatchDecision.entry_key.in_(keys[start : start + 500]),
                )
            )
            out.update({k: t for k, t in rows})
        # A remembered track the owner may no longer open is forgotten for this import.
        ids = [t for t in out.values() if t is not None]
        visible = await self.library.visible_tracks(owner, ids) if ids else {}
        return {k: t for k, t in out.items() if t is None or t in visible}

    async def _remember(self, owner: uuid.UUID, key: str, track_id: uuid.UUID | None) -> None:
        decision = await self.s.get(MatchDecision, (owner, key))
        if decision is None:
            self.s.add(MatchDecision(owner_id=owner, entry_key=key, track_id=track_id))
        else:
            decision.track_id = track_id


def _decided(match: Match, remembered: object) -> Match:
    """The engine's answer, or the user's earlier decision for the same entry."""
    if remembered is ...:
        return match
    if remembered is None:
        return replace(
            match,
            bucket="unmatched",
            track_id=None,
            score=0.0,
            rule="decision",
            reason="You chose to keep this entry external before.",
            candidates=[],
        )
    assert isinstance(remembered, uuid.UUID)
    return replace(
        match,
        bucket="matched",
        track_id=str(remembered),
        score=1.0,
        rule="decision",
        reason="You chose this track for the same entry before.",
        candidates=[],
    )


def _resolve(row: PreviewRow, choice: str | None) -> tuple[uuid.UUID | None, dict[str, Any]]:
    if choice == KEEP_EXTERNAL:
        return None, {"rule": "decision", "score": 0.0, "reason": "Kept external by you."}
    if choice is not None:
        return uuid.UUID(choice), {"rule": "decision", "score": 1.0, "reason": "Chosen by you."}
    if row.match.bucket == "matched" and row.match.track_id:
        return uuid.UUID(row.match.track_id), match_json(row.match)
    return None, match_json(row.match)


__all__ = ["KEEP_EXTERNAL", "Candidate", "ImportService", "ParsedPlaylist", "PreviewPlaylist"]

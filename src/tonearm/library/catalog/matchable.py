"""The library as a matching catalog sees it: every track a viewer may list, as plain values
(no ORM objects: a 100k-track library is read in two statements and held as tuples)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from tonearm.library.catalog.repository import listable
from tonearm.models.library import Album, Artist, LibraryRoot, Track, TrackArtist, TrackStatus


@dataclass(frozen=True, slots=True)
class MatchableTrack:
    id: uuid.UUID
    title: str
    artists: tuple[str, ...]  # main then featured, in credit order
    album: str | None
    album_artist: str | None
    duration: float
    track_number: int | None
    disc_number: int | None
    isrc: str | None
    mb_recording_id: str | None
    path: str | None  # a scanned file's absolute path (root + relative path); None for uploads
    relative_path: str | None  # a scanned file's path inside its library root
    original_name: str | None  # an upload's file name


async def matchable_tracks(
    s: AsyncSession, viewer: uuid.UUID, ids: Sequence[uuid.UUID] | None = None
) -> list[MatchableTrack]:
    """Every track the viewer may list (or those of `ids`)."""
    only = [Track.id.in_(list(ids))] if ids is not None else []
    album_artist = aliased(Artist)
    rows = (
        await s.execute(
            select(
                Track.id,
                Track.title,
                Album.title,
                album_artist.name,
                Track.duration,
                Track.track_number,
                Track.disc_number,
                Track.isrc,
                Track.mb_recording_id,
                LibraryRoot.path,
                Track.path,
                Track.original_name,
                Track.artist_name,
            )
            .outerjoin(Album, Album.id == Track.album_id)
            .outerjoin(album_artist, album_artist.id == Track.album_artist_id)
            .outerjoin(LibraryRoot, LibraryRoot.id == Track.root_id)
            .where(listable(viewer), Track.status != TrackStatus.failed, *only)
        )
    ).all()
    credits: dict[uuid.UUID, list[str]] = {}
    credit_rows = await s.execute(
        select(TrackArtist.track_id, Artist.name)
        .join(Artist, Artist.id == TrackArtist.artist_id)
        .join(Track, Track.id == TrackArtist.track_id)
        .where(listable(viewer), *only)
        .order_by(TrackArtist.track_id, TrackArtist.role.desc(), TrackArtist.position)
    )
    for track_id, name in credit_rows:  # "main" > "featured": descending, main credits first
        credits.setdefault(track_id, []).append(name)
    out = []
    for tid, title, album, aa, dur, tn, dn, isrc, mbid, root, rel, orig, credit in rows:
        names = credits.get(tid) or ([credit] if credit else [])
        out.append(
            MatchableTrack(
                id=tid,
                title=title,
                artists=tuple(names),
                album=album,
                album_artist=aa,
                duration=dur,
                track_number=tn,
                disc_number=dn,
                isrc=isrc,
                mb_recording_id=mbid,
                path=str(PurePosixPath(root) / rel) if root and rel else None,
                relative_path=rel,
                original_name=orig,
            )
        )
    return out

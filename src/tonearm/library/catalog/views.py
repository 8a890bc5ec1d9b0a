"""ORM objects, or Core rows of the same columns (search) -> API shapes."""

from __future__ import annotations

import uuid
from typing import Any, Literal, cast

from sqlalchemy import Row

from tonearm.library.schemas import (
    AlbumOut,
    AlbumRef,
    ArtistOut,
    ArtistRef,
    Artwork,
    TrackDetail,
    TrackOut,
)
from tonearm.models.library import Album, Artist, Track


def artist_ref(artist: Artist, role: str = "main") -> ArtistRef:
    return artist_ref_of(artist.id, artist.name, role)


def artist_ref_of(artist_id: uuid.UUID, name: str, role: str = "main") -> ArtistRef:
    return ArtistRef(id=artist_id, name=name, role=cast(Literal["main", "featured"], role))


def album_ref(album: Album | None) -> AlbumRef | None:
    if album is None:
        return None
    return AlbumRef(
        id=album.id,
        title=album.title,
        artist=artist_ref(album.artist) if album.artist else None,
        year=album.year,
    )


# What `track_out` reads of a track: the columns a Core row must carry to stand in for one.
TRACK_COLUMNS = (
    "id",
    "owner_id",
    "album_id",
    "artwork_key",
    "title",
    "artist_name",
    "track_number",
    "track_total",
    "disc_number",
    "disc_total",
    "date",
    "year",
    "genres",
    "isrc",
    "mb_recording_id",
    "bpm",
    "musical_key",
    "explicit",
    "replaygain_track_gain",
    "replaygain_album_gain",
    "duration",
    "codec",
    "container",
    "bitrate",
    "sample_rate",
    "channels",
    "bits_per_sample",
    "size",
    "visibility",
    "status",
    "play_count",
    "hls_key",
    "created_at",
)
TrackRow = Track | Row[Any]  # a Row of TRACK_COLUMNS

ArtMap = dict[str, Artwork]
Covers = dict[uuid.UUID, str]  # album id -> the cover its viewer may see (present.Presenter)


def art_key(track: TrackRow, covers: Covers) -> str | None:
    """The track's own cover, else its album's as this viewer may see it (never the album's
    stored choice as such: that may be another user's private track's)."""
    return track.artwork_key or (covers.get(track.album_id) if track.album_id else None)


def track_out(
    track: Track, viewer: uuid.UUID | None, loved: set[uuid.UUID], art: ArtMap, covers: Covers
) -> TrackOut:
    """Call through `present.Presenter`, which looks `loved`, `art` and `covers` up."""
    artists = [artist_ref(c.artist, c.role) for c in track.credits]
    return TrackOut(
        **_track_fields(track, viewer, loved, art, covers, artists, album_ref(track.album))
    )


def track_row_out(
    row: Row[Any],
    viewer: uuid.UUID | None,
    loved: set[uuid.UUID],
    art: ArtMap,
    covers: Covers,
    artists: list[ArtistRef],
) -> TrackOut:
    """A row of TRACK_COLUMNS with its album's `album_title`, `album_year`,
    `album_artist_ref` and `album_artist_name` (`search.searcher`)."""
    album = None
    if row.album_id is not None:
        album_artist = None
        if row.album_artist_ref is not None:
            album_artist = artist_ref_of(row.album_artist_ref, row.album_artist_name)
        album = AlbumRef(
            id=row.album_id, title=row.album_title, artist=album_artist, year=row.album_year
        )
    return TrackOut(**_track_fields(row, viewer, loved, art, covers, artists, album))


def track_detail(
    track: Track, viewer: uuid.UUID | None, loved: set[uuid.UUID], art: ArtMap, covers: Covers
) -> TrackDetail:
    artists = [artist_ref(c.artist, c.role) for c in track.credits]
    return TrackDetail(
        **_track_fields(track, viewer, loved, art, covers, artists, album_ref(track.album)),
        lyrics=track.lyrics,
        original_name=track.original_name if track.owner_id == viewer else None,
    )


def _track_fields(
    t: TrackRow,
    viewer: uuid.UUID | None,
    loved: set[uuid.UUID],
    art: ArtMap,
    covers: Covers,
    artists: list[ArtistRef],
    album: AlbumRef | None,
) -> dict[str, object]:
    key = art_key(t, covers)
    artwork = art.get(key) if key else None
    return {
        "artwork": artwork,
        "id": t.id,
        "title": t.title,
        "artist_name": t.artist_name,
        "artists": artists,
        "album": album,
        "track_number": t.track_number,
        "track_total": t.track_total,
        "disc_number": t.disc_number,
        "disc_total": t.disc_total,
        "date": t.date,
        "year": t.year,
        "genres": list(t.genres or []),
        "isrc": t.isrc,
        "mb_recording_id": t.mb_recording_id,
        "bpm": t.bpm,
        "key": t.musical_key,
        "explicit": t.explicit,
        "replaygain_track_gain": t.replaygain_track_gain,
        "replaygain_album_gain": t.replaygain_album_gain,
        "duration": t.duration,
        "codec": t.codec,
        "container": t.container,
        "bitrate": t.bitrate,
        "sample_rate": t.sample_rate,
        "channels": t.channels,
        "bits_per_sample": t.bits_per_sample,
        "size": t.size,
        "visibility": t.visibility.value,
        "status": t.status.value,
        "owned": viewer is not None and t.owner_id == viewer,
        "loved": t.id in loved,
        "play_count": t.play_count,
        "has_artwork": artwork is not None,
        "streamable": t.status.playable,
        "hls": t.hls_key is not None,
        "created_at": t.created_at,
    }


def album_out(
    album: Album | Row[Any], track_count: int, duration: float, art: ArtMap, cover: str | None
) -> AlbumOut:
    """`cover`: the key of the cover this viewer may see (`Presenter.albums`). `album`: an
    Album, or a row of its id, title, year, artist_id and artist_name (`search.searcher`)."""
    if isinstance(album, Album):
        artist = artist_ref(album.artist) if album.artist else None
    else:
        artist = artist_ref_of(album.artist_id, album.artist_name) if album.artist_id else None
    return AlbumOut(
        artwork=art.get(cover) if cover else None,
        id=album.id,
        title=album.title,
        artist=artist,
        year=album.year,
        track_count=track_count,
        duration=round(duration, 3),
        has_artwork=cover is not None,
    )


def artist_out(artist: Artist | Row[Any], track_count: int, album_count: int) -> ArtistOut:
    return ArtistOut(
        id=artist.id, name=artist.name, track_count=track_count, album_count=album_count
    )

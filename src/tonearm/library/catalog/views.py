"""ORM rows -> API shapes."""

from __future__ import annotations

import uuid
from typing import Literal, cast

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
    return ArtistRef(id=artist.id, name=artist.name, role=cast(Literal["main", "featured"], role))


def album_ref(album: Album | None) -> AlbumRef | None:
    if album is None:
        return None
    return AlbumRef(
        id=album.id,
        title=album.title,
        artist=artist_ref(album.artist) if album.artist else None,
        year=album.year,
    )


ArtMap = dict[str, Artwork]
Covers = dict[uuid.UUID, str]  # album id -> the cover its viewer may see (present.Presenter)


def art_key(track: Track, covers: Covers) -> str | None:
    """The track's own cover, else its album's as this viewer may see it (never the album's
    stored choice as such: that may be another user's private track's)."""
    return track.artwork_key or (covers.get(track.album_id) if track.album_id else None)


def track_out(
    track: Track, viewer: uuid.UUID | None, loved: set[uuid.UUID], art: ArtMap, covers: Covers
) -> TrackOut:
    """Call through `present.Presenter`, which looks `loved`, `art` and `covers` up."""
    return TrackOut(**_track_fields(track, viewer, loved, art, covers))


def track_detail(
    track: Track, viewer: uuid.UUID | None, loved: set[uuid.UUID], art: ArtMap, covers: Covers
) -> TrackDetail:
    return TrackDetail(
        **_track_fields(track, viewer, loved, art, covers),
        lyrics=track.lyrics,
        original_name=track.original_name if track.owner_id == viewer else None,
    )


def _track_fields(
    t: Track, viewer: uuid.UUID | None, loved: set[uuid.UUID], art: ArtMap, covers: Covers
) -> dict[str, object]:
    key = art_key(t, covers)
    artwork = art.get(key) if key else None
    return {
        "artwork": artwork,
        "id": t.id,
        "title": t.title,
        "artist_name": t.artist_name,
        "artists": [artist_ref(c.artist, c.role) for c in t.credits],
        "album": album_ref(t.album),
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
    album: Album, track_count: int, duration: float, art: ArtMap, cover: str | None
) -> AlbumOut:
    """`cover`: the key of the cover this viewer may see (`Presenter.albums`)."""
    return AlbumOut(
        artwork=art.get(cover) if cover else None,
        id=album.id,
        title=album.title,
        artist=artist_ref(album.artist) if album.artist else None,
        year=album.year,
        track_count=track_count,
        duration=round(duration, 3),
        has_artwork=cover is not None,
    )


def artist_out(artist: Artist, track_count: int, album_count: int) -> ArtistOut:
    return ArtistOut(
        id=artist.id, name=artist.name, track_count=track_count, album_count=album_count
    )

"""Deezer's JSON to Tonearm's types (developers.deezer.com/api: track, playlist, user objects).

A full track (`/track/{id}`, `/track/isrc:...`) has `isrc`, `contributors`, `track_position`
and `disk_number`; the short form in lists (search, playlist tracks, favourites) has none of
them, only `artist` and `album`. Tracks a user uploaded (personal MP3s) carry negative ids and
are left out, as Spotify's local files are.
"""

from __future__ import annotations

from typing import Any

from tonearm.providers.base import ServicePlaylist, ServiceTrack, ServiceUser


def _str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _picture(obj: dict[str, Any], prefix: str) -> str | None:
    for size in ("_xl", "_big", "_medium", ""):
        url = obj.get(prefix + size)
        if isinstance(url, str) and url:
            return url
    return None


def track(obj: Any) -> ServiceTrack | None:
    """A track object; None for what is not a catalog track (an upload, a podcast episode, a
    track without an id)."""
    if not isinstance(obj, dict) or obj.get("type", "track") != "track":
        return None
    track_id = _int(obj.get("id"))
    if track_id is None or track_id <= 0:
        return None
    contributors = [
        str(c["name"])
        for c in obj.get("contributors") or []
        if isinstance(c, dict) and c.get("name")
    ]
    artist = _dict(obj.get("artist"))
    artists = tuple(dict.fromkeys(contributors)) or (
        (str(artist["name"]),) if artist.get("name") else ()
    )
    album = _dict(obj.get("album"))
    duration = _int(obj.get("duration"))
    explicit = obj.get("explicit_lyrics")
    return ServiceTrack(
        id=str(track_id),
        title=str(obj.get("title") or obj.get("title_short") or ""),
        artists=artists,
        album=_str(album.get("title")),
        duration=float(duration) if duration is not None else None,
        isrc=_str(obj.get("isrc")),
        url=_str(obj.get("link")),
        track_number=_int(obj.get("track_position")),
        disc_number=_int(obj.get("disk_number")),
        explicit=explicit if isinstance(explicit, bool) else None,
        image=_picture(album, "cover"),
        available=obj.get("readable", True) is not False,
    )


def playlist(obj: dict[str, Any], me: str | None = None) -> ServicePlaylist:
    creator = obj.get("creator") or obj.get("user") or {}
    owner_id = _str(creator.get("id")) if isinstance(creator, dict) else None
    collaborative = bool(obj.get("collaborative"))
    public = obj.get("public")
    return ServicePlaylist(
        id=str(obj["id"]),
        name=str(obj.get("title") or ""),
        description=_str(obj.get("description")),
        track_count=_int(obj.get("nb_tracks")),
        snapshot=_str(obj.get("checksum")),
        owner_id=owner_id,
        owner_name=_str(creator.get("name")) if isinstance(creator, dict) else None,
        editable=bool(me and (owner_id == me or collaborative)),
        public=public if isinstance(public, bool) else None,
        url=_str(obj.get("link")),
        image=_picture(obj, "picture"),
    )


def user(obj: dict[str, Any]) -> ServiceUser:
    return ServiceUser(
        id=str(obj["id"]),
        name=_str(obj.get("name")) or str(obj["id"]),
        country=_str(obj.get("country")),
        url=_str(obj.get("link")),
    )

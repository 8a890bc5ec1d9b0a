"""Spotify's JSON to Tonearm's types (Web API reference, 2026 shapes: a playlist's `items`
summary and each entry's `item`, with the older `tracks` and `track` still read)."""

from __future__ import annotations

from typing import Any

from tonearm.providers.base import ServicePlaylist, ServiceTrack, ServiceUser


def _image(obj: dict[str, Any] | None) -> str | None:
    images = (obj or {}).get("images") or []
    if images and isinstance(images[0], dict):
        url = images[0].get("url")
        return str(url) if url else None
    return None


def track(obj: dict[str, Any]) -> ServiceTrack | None:
    """A track object; None for what is not a playable catalog track (a local file, an
    episode, a track without an id). A client that does not ask for episodes gets them
    shaped as tracks (`type: "track"`, `episode: true`, a `spotify:episode:` URI)."""
    if not isinstance(obj, dict) or obj.get("type", "track") != "track" or not obj.get("id"):
        return None
    if obj.get("is_local") or obj.get("episode") is True:
        return None
    if str(obj.get("uri") or "spotify:track:").startswith("spotify:episode:"):
        return None
    album = obj.get("album") or {}
    duration = obj.get("duration_ms")
    return ServiceTrack(
        id=str(obj["id"]),
        title=str(obj.get("name") or ""),
        artists=tuple(str(a["name"]) for a in obj.get("artists") or [] if a.get("name")),
        album=album.get("name") or None,
        duration=duration / 1000 if isinstance(duration, int | float) else None,
        isrc=(obj.get("external_ids") or {}).get("isrc") or None,
        url=(obj.get("external_urls") or {}).get("spotify") or None,
        track_number=obj.get("track_number"),
        disc_number=obj.get("disc_number"),
        explicit=obj.get("explicit"),
        image=_image(album),
        available=obj.get("is_playable", True) is not False,
    )


def playlist_item(obj: dict[str, Any]) -> ServiceTrack | None:
    """An entry of a playlist (`item`; `track` before 2026) or of the liked songs (`track`)."""
    if not isinstance(obj, dict) or obj.get("is_local"):
        return None
    inner = obj.get("item") or obj.get("track")
    return track(inner) if isinstance(inner, dict) else None


def playlist(obj: dict[str, Any], me: str | None = None) -> ServicePlaylist:
    summary = obj.get("items") if isinstance(obj.get("items"), dict) else obj.get("tracks")
    owner = obj.get("owner") or {}
    owner_id = owner.get("id")
    return ServicePlaylist(
        id=str(obj["id"]),
        name=str(obj.get("name") or ""),
        description=obj.get("description") or None,
        track_count=(summary or {}).get("total"),
        snapshot=obj.get("snapshot_id"),
        owner_id=owner_id,
        owner_name=owner.get("display_name") or owner_id,
        editable=bool(me and (owner_id == me or obj.get("collaborative"))),
        public=obj.get("public"),
        url=(obj.get("external_urls") or {}).get("spotify"),
        image=_image(obj),
    )


def user(obj: dict[str, Any]) -> ServiceUser:
    return ServiceUser(
        id=str(obj["id"]),
        name=obj.get("display_name") or str(obj["id"]),
        country=obj.get("country"),
        url=(obj.get("external_urls") or {}).get("spotify"),
    )

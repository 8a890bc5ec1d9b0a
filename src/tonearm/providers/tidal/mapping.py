"""TIDAL's JSON:API documents to Tonearm's types (TIDAL API v2, OpenAPI 1.10.104).

A document's primary `data` holds resources or resource identifiers (`{"id", "type",
"meta"}`); the related resources named in `include=` arrive in `included`, so a track's
artists and album are looked up there by `(type, id)`. Durations are ISO 8601 (`PT3M25S`).
"""

from __future__ import annotations

import re
from typing import Any

from tonearm.providers.base import ServicePlaylist, ServiceTrack, ServiceUser

Key = tuple[str, str]

_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def duration(value: Any) -> float | None:
    """ISO 8601 duration (`PT4M44S`, `PT1H2M`, `PT59.5S`; the spec's playlist example
    `P30M5S` lacks the `T`, so minutes before any `T` are read as minutes) in seconds."""
    if not isinstance(value, str) or not value.startswith("P"):
        return None
    text = value.upper()
    if "T" not in text and "M" in text:  # "P30M5S": read as time, not months
        text = "PT" + text[1:]
    m = _DURATION.match(text)
    if m is None or text in ("P", "PT"):
        return None
    parts = {k: float(v) for k, v in m.groupdict().items() if v is not None}
    return (
        parts.get("d", 0.0) * 86400
        + parts.get("h", 0.0) * 3600
        + parts.get("m", 0.0) * 60
        + parts.get("s", 0.0)
    )


def included(doc: Any) -> dict[Key, dict[str, Any]]:
    """The document's `included` resources by (type, id)."""
    out: dict[Key, dict[str, Any]] = {}
    resources = doc.get("included") if isinstance(doc, dict) else None
    for res in resources or []:
        if isinstance(res, dict) and res.get("id") is not None and res.get("type"):
            out[(str(res["type"]), str(res["id"]))] = res
    return out


def identifiers(rel: Any) -> list[dict[str, Any]]:
    """A relationship's (or a relationship document's) resource identifiers."""
    data = rel.get("data") if isinstance(rel, dict) else None
    if isinstance(data, dict):
        data = [data]
    return [d for d in data or [] if isinstance(d, dict) and d.get("id") is not None]


def _attrs(res: dict[str, Any] | None) -> dict[str, Any]:
    attrs = (res or {}).get("attributes")
    return attrs if isinstance(attrs, dict) else {}


def _related(
    res: dict[str, Any], name: str, index: dict[Key, dict[str, Any]]
) -> list[dict[str, Any]]:
    rel = (res.get("relationships") or {}).get(name)
    out = []
    for ident in identifiers(rel):
        found = index.get((str(ident.get("type") or name), str(ident["id"])))
        if found is not None:
            out.append(found)
    return out


def sharing_url(attrs: dict[str, Any]) -> str | None:
    for link in attrs.get("externalLinks") or []:
        if isinstance(link, dict) and (link.get("meta") or {}).get("type") == "TIDAL_SHARING":
            href = link.get("href")
            return str(href) if href else None
    return None


def _streamable(attrs: dict[str, Any]) -> bool:
    """False only when the (deprecated) `availability` list is given without `STREAM`."""
    usage = attrs.get("availability")
    return not isinstance(usage, list) or "STREAM" in usage


def track(res: Any, index: dict[Key, dict[str, Any]] | None = None) -> ServiceTrack | None:
    """A `tracks` resource; None for anything else (a video in a playlist, an identifier
    whose resource was not included)."""
    if not isinstance(res, dict) or res.get("type") != "tracks" or res.get("id") is None:
        return None
    attrs = _attrs(res)
    if not attrs.get("title"):
        return None
    index = index or {}
    artists = tuple(
        str(name) for a in _related(res, "artists", index) if (name := _attrs(a).get("name"))
    )
    albums = _related(res, "albums", index)
    isrc = attrs.get("isrc")
    return ServiceTrack(
        id=str(res["id"]),
        title=str(attrs["title"]),
        artists=artists,
        album=(str(_attrs(albums[0]).get("title") or "") or None) if albums else None,
        duration=duration(attrs.get("duration")),
        isrc=str(isrc).upper() if isrc else None,
        url=sharing_url(attrs),
        explicit=attrs.get("explicit") if isinstance(attrs.get("explicit"), bool) else None,
        available=_streamable(attrs),
    )


def related_tracks(doc: Any, index: dict[Key, dict[str, Any]] | None = None) -> list[ServiceTrack]:
    """The tracks a relationship document lists (a playlist's items, the liked tracks), in
    order, read from its `included` (or `index`); videos and identifiers whose resource is
    absent are left out."""
    index = included(doc) if index is None else index
    out = []
    for ident in identifiers(doc):
        t = track(index.get((str(ident.get("type")), str(ident["id"]))), index)
        if t is not None:
            out.append(t)
    return out


def missing_tracks(doc: Any, index: dict[Key, dict[str, Any]]) -> list[str]:
    """Ids of the tracks a relationship document lists whose resource is not in `index`."""
    return [
        str(i["id"])
        for i in identifiers(doc)
        if i.get("type") == "tracks" and ("tracks", str(i["id"])) not in index
    ]


def primary_tracks(doc: Any) -> list[ServiceTrack]:
    """The tracks of a resource document (`GET /tracks?filter[isrc]=...`)."""
    index = included(doc)
    return [t for res in identifiers(doc) if (t := track(res, index)) is not None]


def playlist(
    res: dict[str, Any], index: dict[Key, dict[str, Any]] | None = None, me: str | None = None
) -> ServicePlaylist:
    attrs = _attrs(res)
    owners = identifiers((res.get("relationships") or {}).get("owners"))
    owner_id = str(owners[0]["id"]) if owners else None
    count = attrs.get("numberOfItems")
    access = attrs.get("accessType")
    return ServicePlaylist(
        id=str(res["id"]),
        name=str(attrs.get("name") or ""),
        description=attrs.get("description") or None,
        track_count=count if isinstance(count, int) else None,
        snapshot=attrs.get("lastModifiedAt") or None,
        owner_id=owner_id,
        owner_name=None,
        editable=bool(me and owner_id == me),
        public=access == "PUBLIC" if isinstance(access, str) else None,
        url=sharing_url(attrs),
    )


def user(doc: Any) -> ServiceUser:
    res = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(res, dict) or res.get("id") is None:
        raise ValueError("not a users document")
    attrs = _attrs(res)
    country = attrs.get("country")
    return ServiceUser(
        id=str(res["id"]),
        name=attrs.get("username") or attrs.get("firstName") or str(res["id"]),
        country=str(country).upper() if country else None,
    )

"""The XML formats: XSPF (v0 and v1), WPL (Windows Media, SMIL) and ASX; and JSPF, XSPF's
JSON form (`location` and `identifier` are arrays there). XML goes through defusedxml with
DTDs refused, so no entity expansion and no external entity is ever read.

XSPF `<identifier>`s become ISRCs (`isrc:`), MusicBrainz recording ids and service ids
(`spotify:track:`, `https://open.spotify.com/track/`, `deezer:`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from xml.etree.ElementTree import Element, ParseError, SubElement, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from tonearm.matching import Entry
from tonearm.playlists.formats.errors import PlaylistUnreadable
from tonearm.playlists.formats.m3u import _split_artist_title
from tonearm.playlists.formats.text import check_count, clip, seconds

XSPF_NS = "http://xspf.org/ns/0/"
_MBID = re.compile(r"musicbrainz\.org/recording/([0-9a-f-]{36})", re.I)
_SPOTIFY = re.compile(r"(?:spotify:track:|open\.spotify\.com/track/)([A-Za-z0-9]{22})")


def root_of(text: str) -> Element:
    try:
        return fromstring(text.encode("utf-8"), forbid_dtd=True)
    except (DefusedXmlException, ValueError) as exc:
        raise PlaylistUnreadable(
            f"The XML is refused: {exc.__class__.__name__}.", element="!DOCTYPE"
        ) from exc
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise PlaylistUnreadable("The XML is malformed.", line=line) from exc


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _children(el: Element, name: str) -> Iterator[Element]:
    return (c for c in el if isinstance(c.tag, str) and _local(c.tag) == name)


def _text(el: Element, name: str) -> str | None:
    child = next(_children(el, name), None)
    return clip(child.text) if child is not None and child.text else None


def _identifiers(values: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"provider_ids": {}}
    for v in values:
        v = v.strip()
        if v.lower().startswith("isrc:"):
            out["isrc"] = v[5:].strip().upper()[:16] or None
        elif m := _MBID.search(v):
            out["mb_recording_id"] = m.group(1).lower()
        elif m := _SPOTIFY.search(v):
            out["provider_ids"]["spotify"] = m.group(1)
        elif v.lower().startswith("deezer:"):
            out["provider_ids"]["deezer"] = v.split(":")[-1]
    return out


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None and 0 < int(value) < 10_000 else None
    except ValueError:
        return None


def parse_xspf(root: Element) -> tuple[str | None, str | None, list[Entry]]:
    if _local(root.tag) != "playlist":
        raise PlaylistUnreadable("Not an XSPF playlist.", element=_local(root.tag))
    tracks = next(_children(root, "tracklist"), None)
    entries: list[Entry] = []
    for t in _children(tracks, "track") if tracks is not None else ():
        ids = _identifiers([c.text or "" for c in _children(t, "identifier")])
        entries.append(
            Entry(
                title=_text(t, "title"),
                artists=tuple(a for a in [_text(t, "creator")] if a),
                album=_text(t, "album"),
                duration=seconds(_text(t, "duration"), millis=True),
                track_number=_int(_text(t, "tracknum")),
                location=_text(t, "location"),
                image=_text(t, "image"),
                **ids,
            )
        )
        check_count(len(entries))
    return _text(root, "title"), _text(root, "annotation"), entries


def write_xspf(
    name: str | None,
    description: str | None,
    entries: list[Entry],
    location: Callable[[Entry], str | None],
) -> bytes:
    root = Element("playlist", {"version": "1", "xmlns": XSPF_NS})
    if name:
        SubElement(root, "title").text = name
    if description:
        SubElement(root, "annotation").text = description
    tl = SubElement(root, "trackList")
    for e in entries:
        t = SubElement(tl, "track")
        if where := location(e):
            SubElement(t, "location").text = where
        for ident in _identifier_values(e):
            SubElement(t, "identifier").text = ident
        for tag, value in (
            ("title", e.title),
            ("creator", ", ".join(e.artists) or None),
            ("album", e.album),
        ):
            if value:
                SubElement(t, tag).text = value
        if e.track_number:
            SubElement(t, "trackNum").text = str(e.track_number)
        if e.duration:
            SubElement(t, "duration").text = str(round(e.duration * 1000))
        if e.image:
            SubElement(t, "image").text = e.image
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="utf-8") + b"\n"


def _identifier_values(e: Entry) -> list[str]:
    out = []
    if e.isrc:
        out.append(f"isrc:{e.isrc}")
    if e.mb_recording_id:
        out.append(f"https://musicbrainz.org/recording/{e.mb_recording_id}")
    if sp := e.provider_ids.get("spotify"):
        out.append(f"https://open.spotify.com/track/{sp}")
    if dz := e.provider_ids.get("deezer"):
        out.append(f"deezer:track:{dz}")
    return out


def parse_jspf(data: Any) -> tuple[str | None, str | None, list[Entry]]:
    pl = data.get("playlist") if isinstance(data, dict) else None
    if not isinstance(pl, dict):
        raise PlaylistUnreadable("Not a JSPF playlist: no `playlist` object.", element="playlist")
    entries: list[Entry] = []
    for i, t in enumerate(pl.get("track") or []):
        if not isinstance(t, dict):
            raise PlaylistUnreadable("A track is not an object.", element=f"track[{i}]")

        def one(key: str, t: dict[str, Any] = t) -> str | None:
            v = t.get(key)
            v = v[0] if isinstance(v, list) and v else v
            return (
                clip(str(v))
                if isinstance(v, str | int | float) and not isinstance(v, bool)
                else None
            )

        idents = t.get("identifier") or []
        idents = [idents] if isinstance(idents, str) else [x for x in idents if isinstance(x, str)]
        creator = one("creator")
        entries.append(
            Entry(
                title=one("title"),
                artists=(creator,) if creator else (),
                album=one("album"),
                duration=seconds(one("duration"), millis=True),
                track_number=_int(one("trackNum")),
                location=one("location"),
                image=one("image"),
                **_identifiers(idents),
            )
        )
        check_count(len(entries))
    title = pl.get("title")
    note = pl.get("annotation")
    return (
        clip(title) if isinstance(title, str) else None,
        clip(note) if isinstance(note, str) else None,
        entries,
    )


def write_jspf(
    name: str | None,
    description: str | None,
    entries: list[Entry],
    location: Callable[[Entry], str | None],
) -> bytes:
    tracks = []
    for e in entries:
        t: dict[str, Any] = {}
        if where := location(e):
            t["location"] = [where]
        if ids := _identifier_values(e):
            t["identifier"] = ids
        for key, value in (
            ("title", e.title),
            ("creator", ", ".join(e.artists) or None),
            ("album", e.album),
            ("image", e.image),
        ):
            if value:
                t[key] = value
        if e.track_number:
            t["trackNum"] = e.track_number
        if e.duration:
            t["duration"] = round(e.duration * 1000)
        tracks.append(t)
    pl: dict[str, Any] = {"track": tracks}
    if name:
        pl["title"] = name
    if description:
        pl["annotation"] = description
    return json.dumps({"playlist": pl}, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def parse_asx(root: Element) -> tuple[str | None, str | None, list[Entry]]:
    """ASX (`<asx><entry><ref href>`) and WPL (`<smil><body><seq><media src>`)."""
    kind = _local(root.tag)
    entries: list[Entry] = []
    if kind == "asx":
        for entry in _children(root, "entry"):
            ref = next(_children(entry, "ref"), None)
            href = (
                next((v for k, v in ref.attrib.items() if k.lower() == "href"), None)
                if ref is not None
                else None
            )
            artists = tuple(a for a in [_text(entry, "author")] if a)
            entries.append(Entry(title=_text(entry, "title"), artists=artists, location=clip(href)))
            check_count(len(entries))
        return _text(root, "title"), None, entries
    if kind == "smil":
        head = next(_children(root, "head"), None)
        body = next(_children(root, "body"), None)
        for seq in _children(body, "seq") if body is not None else ():
            for media in _children(seq, "media"):
                entries.append(Entry(location=clip(media.get("src"))))
                check_count(len(entries))
        return (_text(head, "title") if head is not None else None), None, entries
    raise PlaylistUnreadable("Not an ASX or WPL playlist.", element=kind)


def write_asx(
    name: str | None, entries: list[Entry], location: Callable[[Entry], str | None]
) -> bytes:
    root = Element("asx", {"version": "3.0"})
    if name:
        SubElement(root, "title").text = name
    for e in entries:
        entry = SubElement(root, "entry")
        if e.title:
            SubElement(entry, "title").text = e.title
        if e.artists:
            SubElement(entry, "author").text = ", ".join(e.artists)
        if where := location(e):
            SubElement(entry, "ref", {"href": where})
    return tostring(root, encoding="utf-8") + b"\n"


def write_wpl(
    name: str | None, entries: list[Entry], location: Callable[[Entry], str | None]
) -> bytes:
    root = Element("smil")
    head = SubElement(root, "head")
    if name:
        SubElement(head, "title").text = name
    seq = SubElement(SubElement(root, "body"), "seq")
    for e in entries:
        if where := location(e):
            SubElement(seq, "media", {"src": where})
    return b'<?wpl version="1.0"?>\n' + tostring(root, encoding="utf-8") + b"\n"


def title_artist(text: str) -> tuple[tuple[str, ...], str | None]:
    return _split_artist_title(text)

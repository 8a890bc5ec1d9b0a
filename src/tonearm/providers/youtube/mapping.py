"""YouTube's JSON to Tonearm's types.

A video is not a track: its title is whatever the uploader typed ("Artist - Title (Official
Video)", "Title [Official Audio]"), and the artist is often only in the title or the channel.
YouTube Music's own uploads come from an auto-generated "Artist - Topic" channel with the
plain track title, and a description "Provided to YouTube by <label>" whose third paragraph is
"Title · Artist · Artist" and fourth the album. `split_title` reads the usual shapes; noise
("Official Video", "Lyrics", "HD") goes, version words ("Live", "Remix", "Acoustic") stay.
"""

from __future__ import annotations

import html
import re
from typing import Any

from tonearm.providers.base import ServicePlaylist, ServiceTrack, ServiceUser

WATCH_URL = "https://music.youtube.com/watch?v={}"
PLAYLIST_URL = "https://music.youtube.com/playlist?list={}"

# --- titles ------------------------------------------------------------------------------------

#: Words that say what kind of upload it is, not which recording.
NOISE = frozenset(
    [
        "official",
        "music",
        "video",
        "videos",
        "audio",
        "lyric",
        "lyrics",
        "visualizer",
        "visualiser",
        "hd",
        "hq",
        "4k",
        "1080p",
        "720p",
        "mv",
        "m/v",
        "clip",
        "officiel",
        "oficial",
        "ufficiale",
        "offizielles",
        "musikvideo",
        "explicit",
    ]
)
#: Words that name a version of the recording: kept, so the match finds that version.
VERSION = frozenset(
    [
        "live",
        "remix",
        "mix",
        "acoustic",
        "edit",
        "version",
        "remaster",
        "remastered",
        "demo",
        "instrumental",
        "cover",
        "session",
        "sessions",
        "unplugged",
        "extended",
        "radio",
        "reprise",
        "karaoke",
        "orchestral",
        "piano",
        "stripped",
        "rework",
        "dub",
        "vip",
        "slowed",
        "reverb",
        "sped",
    ]
)
_DASH = re.compile(r"\s+[-\u2013\u2014]{1,2}\s+")
_GROUP = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]")
_FEAT = re.compile(r"\s*[(\[]?\s*\b(?:feat\.?|ft\.?|featuring)\s+([^()\[\]]+?)\s*[)\]]?\s*$", re.I)
_TRAILING = re.compile(
    r"\s+(?:official\s+(?:music\s+|lyric\s+)?(?:video|audio|visuali[sz]er)|lyric\s+video|lyrics"
    r"|audio|hd|hq|4k)\s*$",
    re.I,
)
_WORDS = re.compile(r"[\w/]+")
_TOPIC = re.compile(r"\s+-\s+Topic$")
_VEVO = re.compile(r"VEVO$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_ARTIST_SPLIT = re.compile(r"\s*(?:,|&| and | x | with )\s*", re.I)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" -|\u2013\u2014:")


def _clean_group(inner: str) -> str | None:
    """A bracketed group's replacement: None to drop it (all noise), the version words alone
    when it mixes both ("Official Live Video" -> "Live"), or the group as it was."""
    words = [w.lower() for w in _WORDS.findall(inner)]
    if not words:
        return None
    if all(w in NOISE for w in words):
        return None
    if any(w in NOISE for w in words) and any(w in VERSION for w in words):
        kept = [w for w in _WORDS.findall(inner) if w.lower() not in NOISE]
        return " ".join(kept)
    return inner


def strip_noise(title: str) -> str:
    def group(m: re.Match[str]) -> str:
        kept = _clean_group(m.group(1))
        if kept is None:
            return ""
        opener = m.group(0).lstrip()[0]
        closer = ")" if opener == "(" else "]"
        return f" {opener}{kept}{closer}"

    out = _GROUP.sub(group, title)
    # "Title | Official Video", "Title // Lyrics": a trailing segment of noise.
    parts = re.split(r"\s+(?:\||//)\s+", out)
    while len(parts) > 1 and _clean_group(parts[-1]) is None:
        parts.pop()
    out = " | ".join(parts)
    # An unbracketed trailing "Official Video", "Lyrics", "4K".
    while (trimmed := _TRAILING.sub("", out)) != out and trimmed.strip():
        out = trimmed
    return _squash(out)


def channel_artist(channel: str | None) -> tuple[str | None, bool]:
    """(the artist a channel name stands for, whether it is a Topic channel)."""
    if not channel:
        return None, False
    name = channel.strip()
    if _TOPIC.search(name):
        return _TOPIC.sub("", name).strip() or None, True
    if _VEVO.search(name) and name != "VEVO":
        name = _CAMEL.sub(" ", _VEVO.sub("", name)).strip()
    name = re.sub(r"\s+(?:Official|Music|Official Music)$", "", name, flags=re.I)
    return name or None, False


def _featured(text: str) -> tuple[str, list[str]]:
    m = _FEAT.search(text)
    if not m:
        return text, []
    names = [n.strip() for n in _ARTIST_SPLIT.split(m.group(1)) if n.strip()]
    return text[: m.start()].rstrip(), names


def _same(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return re.sub(r"\W+", "", a.casefold()) == re.sub(r"\W+", "", b.casefold())


def split_title(video_title: str, channel: str | None = None) -> tuple[str, tuple[str, ...]]:
    """(title, artists) of a video: "Artist - Title (Official Video)" -> ("Title",
    ("Artist",)); a Topic channel's "Title" -> ("Title", (channel's artist,))."""
    raw = html.unescape(video_title or "").strip()
    artist_of_channel, topic = channel_artist(channel)
    title = strip_noise(raw) or raw
    artists: list[str] = []
    if not topic:
        parts = _DASH.split(title, maxsplit=1)
        if len(parts) == 2 and parts[0] and parts[1]:
            left, title = parts
            if _same(title, artist_of_channel) and not _same(left, artist_of_channel):
                left, title = title, left  # "Title - Artist" on the artist's own channel
            left, feat = _featured(left)
            artists = [left.strip(), *feat]
    title, feat = _featured(title)
    if not artists and artist_of_channel:
        artists = [artist_of_channel]
    artists += [f for f in feat if f not in artists]
    title = _squash(title) or raw
    return title, tuple(a for a in artists if a)


def topic_description(description: str | None) -> tuple[tuple[str, ...], str | None]:
    """(artists, album) from an auto-generated "Provided to YouTube by" description."""
    if not description or not description.startswith("Provided to YouTube by"):
        return (), None
    paragraphs = [p.strip() for p in description.split("\n\n") if p.strip()]
    if len(paragraphs) < 2 or "\u00b7" not in paragraphs[1]:
        return (), None
    names = [n.strip() for n in paragraphs[1].split("\u00b7")]
    artists = tuple(n for n in names[1:] if n)
    album = (
        paragraphs[2] if len(paragraphs) > 2 and not paragraphs[2].startswith("\u2117") else None
    )
    return artists, album


# --- durations ---------------------------------------------------------------------------------

_DURATION = re.compile(
    r"^P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def duration(value: str | None) -> float | None:
    """ISO 8601 "PT4M13S" -> 253.0; None for a live stream's "P0D" or anything else."""
    if not value:
        return None
    m = _DURATION.match(value.strip())
    if not m or value.strip() in ("P", "PT"):
        return None
    g = {k: float(v) if v else 0.0 for k, v in m.groupdict().items()}
    seconds = g["w"] * 604800 + g["d"] * 86400 + g["h"] * 3600 + g["m"] * 60 + g["s"]
    return seconds or None


# --- resources ---------------------------------------------------------------------------------


def _image(snippet: dict[str, Any]) -> str | None:
    thumbs = snippet.get("thumbnails") or {}
    for size in ("maxres", "standard", "high", "medium", "default"):
        url = (thumbs.get(size) or {}).get("url")
        if url:
            return str(url)
    return None


def video_track(
    video_id: str,
    snippet: dict[str, Any],
    *,
    channel: str | None = None,
    seconds: float | None = None,
) -> ServiceTrack:
    channel = channel if channel is not None else snippet.get("channelTitle")
    title, artists = split_title(str(snippet.get("title") or ""), channel)
    described, album = topic_description(snippet.get("description"))
    if described:
        artists = described
    return ServiceTrack(
        id=video_id,
        title=title,
        artists=artists,
        album=album,
        duration=seconds,
        url=WATCH_URL.format(video_id),
        image=_image(snippet),
    )


def search_result(obj: dict[str, Any]) -> ServiceTrack | None:
    ident = obj.get("id") or {}
    if not isinstance(ident, dict) or ident.get("kind") != "youtube#video":
        return None
    video_id = ident.get("videoId")
    snippet = obj.get("snippet") or {}
    if not video_id or snippet.get("liveBroadcastContent") in ("live", "upcoming"):
        return None
    return video_track(str(video_id), snippet)


#: What a playlist keeps in place of a video that is gone or hidden.
GONE_TITLES = frozenset({"Deleted video", "Private video"})


def playlist_item(obj: dict[str, Any]) -> ServiceTrack | None:
    """A playlistItem; None for a deleted or private video (no owner channel left)."""
    snippet = obj.get("snippet") or {}
    video_id = (obj.get("contentDetails") or {}).get("videoId") or (
        snippet.get("resourceId") or {}
    ).get("videoId")
    if not video_id or (snippet.get("resourceId") or {}).get("kind", "youtube#video") != (
        "youtube#video"
    ):
        return None
    owner = snippet.get("videoOwnerChannelTitle")
    if owner is None and snippet.get("title") in GONE_TITLES:
        return None
    # Not snippet.channelTitle: in a playlist item that is the playlist's owner.
    return video_track(str(video_id), snippet, channel=owner or "")


def video(obj: dict[str, Any]) -> ServiceTrack | None:
    """A video resource (videos.list: the liked videos, the duration look-ups)."""
    if not obj.get("id"):
        return None
    snippet = obj.get("snippet") or {}
    seconds = duration((obj.get("contentDetails") or {}).get("duration"))
    return video_track(str(obj["id"]), snippet, seconds=seconds)


def playlist(obj: dict[str, Any], me: str | None = None) -> ServicePlaylist:
    snippet = obj.get("snippet") or {}
    owner_id = snippet.get("channelId")
    privacy = (obj.get("status") or {}).get("privacyStatus")
    count = (obj.get("contentDetails") or {}).get("itemCount")
    return ServicePlaylist(
        id=str(obj["id"]),
        name=str(snippet.get("title") or ""),
        description=snippet.get("description") or None,
        track_count=count if isinstance(count, int) else None,
        snapshot=obj.get("etag"),
        owner_id=owner_id,
        owner_name=snippet.get("channelTitle") or owner_id,
        editable=bool(me and owner_id == me),
        public=privacy == "public" if privacy else None,
        url=PLAYLIST_URL.format(obj["id"]),
        image=_image(snippet),
    )


def user(obj: dict[str, Any]) -> ServiceUser:
    snippet = obj.get("snippet") or {}
    custom = snippet.get("customUrl")
    return ServiceUser(
        id=str(obj["id"]),
        name=snippet.get("title") or str(obj["id"]),
        country=snippet.get("country") or None,
        url=f"https://www.youtube.com/{custom}" if custom else None,
    )

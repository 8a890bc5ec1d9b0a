"""Read a track's tags with mutagen alone (no audio decoding: a scan reads thousands of files).

Native fields are mapped per tag system (`tag_systems`), then cleaned the same way (NFC,
control and bidirectional control characters removed, stripped, empties dropped) and bounded
(`tag_limits`: what does not fit is dropped with a note in `TrackTags.notes`). Tags that would
inflate past a bound (a compressed ID3 frame bomb) are not read at all (`tag_guard`).

Artists: see `split_artists`. Missing title/artist/album fall back to the path: see
`parse_path`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import mutagen
from mutagen.aiff import AIFF
from mutagen.flac import FLAC
from mutagen.id3 import ID3
from mutagen.mp4 import MP4, MP4Tags
from mutagen.oggopus import OggOpus
from mutagen.wave import WAVE

from tonearm.kit.text import strip_controls
from tonearm.media.errors import TagsTooLarge
from tonearm.media.parsers import open_audio
from tonearm.media.tag_guard import check_tags_in
from tonearm.media.tag_limits import PICTURES_MAX, bound_tags
from tonearm.media.tag_systems import (
    Pictures,
    Raw,
    bounded_float,
    id3_fields,
    mp4_fields,
    vorbis_fields,
)


@dataclass(slots=True)
class TrackTags:
    title: str | None = None
    artists: list[str] = field(default_factory=list)
    album_artist: str | None = None
    album: str | None = None
    track_number: int | None = None
    track_total: int | None = None
    disc_number: int | None = None
    disc_total: int | None = None
    date: str | None = None
    year: int | None = None
    genres: list[str] = field(default_factory=list)
    isrc: str | None = None
    mb_recording_id: str | None = None
    mb_release_id: str | None = None
    mb_artist_id: str | None = None
    bpm: float | None = None
    key: str | None = None
    explicit: bool | None = None
    lyrics: str | None = None
    replaygain_track_gain: float | None = None
    replaygain_album_gain: float | None = None
    pictures: list[tuple[str, bytes]] = field(default_factory=list)  # front cover first
    duration: float | None = None
    bitrate: int | None = None
    sample_rate: int | None = None
    channels: int | None = None
    bits_per_sample: int | None = None  # lossless only
    from_path: list[str] = field(default_factory=list)  # fields guessed from the path
    notes: list[str] = field(default_factory=list)  # what was dropped, and why


def _lossless_bits(audio: Any, info: Any) -> int | None:
    """Sample depth of FLAC, WAV, AIFF and ALAC; None for lossy codecs, whose decoders
    report a nominal 16 that says nothing about the file."""
    lossless = isinstance(audio, (FLAC, WAVE, AIFF)) or (
        isinstance(audio, MP4) and getattr(info, "codec", "") == "alac"
    )
    bits = getattr(info, "bits_per_sample", 0) if lossless else 0
    return int(bits) if bits else None


# --- cleaning -----------------------------------------------------------------------------


def clean(value: Any, *, multiline: bool = False) -> str | None:
    """NFC-normalised, stripped text without control or bidi control characters (on one
    line unless `multiline`); None when empty."""
    if value is None:
        return None
    text = strip_controls(unicodedata.normalize("NFC", str(value)), multiline=multiline)
    return text.strip() or None


def _clean_all(values: Iterable[Any]) -> list[str]:
    out: list[str] = []
    for v in values:
        c = clean(v)
        if c and c not in out:
            out.append(c)
    return out


_FEAT = re.compile(r"\s*[\(\[]?\s*\b(?:feat\.?|ft\.|featuring)\s+", re.IGNORECASE)
_MULTI_SEP = re.compile(r"\s*(?:\x00|;|/)\s*")


def split_artists(value: str | Sequence[str] | None, explicit_multi: bool = False) -> list[str]:
    """Artist names from a tag value. The rule, in order:

    1. Several values (a repeated Vorbis ARTIST, ARTISTS, ID3v2.4 multi-value TPE1,
       TXXX:ARTISTS, several MP4 data atoms) are several artists. Nothing is guessed.
    2. A single string is split on the multi-value separators (NUL, ";", "/") only when the
       tag itself declares it holds several values (`explicit_multi`, e.g. ID3v2.3 TPE1 whose
       spec separator is "/"). A "/" between short pieces ("AC/DC": a piece of <= 2 chars) is
       a name, not a separator.
    3. "feat." / "feat" / "ft." / "featuring" (also in brackets) always start another artist:
       "A feat. B" -> ["A", "B"]. That is safe; "&", "and" and "," are NOT separators:
       "Simon & Garfunkel" and "Earth, Wind & Fire" are one artist each.
    4. Cleaned (NFC, stripped), empties dropped, duplicates (case-insensitive) removed.
    """
    if value is None:
        return []
    values = [value] if isinstance(value, str) else list(value)
    pieces: list[str] = []
    for v in values:
        text = unicodedata.normalize("NFC", str(v)).strip() if v is not None else ""
        if not text:
            continue
        if explicit_multi and len(values) == 1:
            parts = [p for p in _MULTI_SEP.split(text) if p.strip()]
            if len(parts) > 1 and "/" in text and any(len(p.strip()) <= 2 for p in parts):
                parts = [p for p in re.split(r"\s*(?:\x00|;)\s*", text) if p.strip()]
            pieces.extend(parts)
        else:
            pieces.append(text)
    out: list[str] = []
    seen: set[str] = set()
    for piece in pieces:
        for name in _FEAT.split(piece):
            name = clean(name.strip().rstrip(")]").strip())
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                out.append(name)
    return out


def _int_pair(value: str | None) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    m = re.match(r"^\s*(\d{1,4})\s*(?:/\s*(\d{1,4}))?", value)
    if not m:
        return None, None
    n = int(m.group(1))
    total = int(m.group(2)) if m.group(2) else None
    return (n or None), (total or None)


# --- path fallback ------------------------------------------------------------------------

_NUMBERED_ARTIST_TITLE = re.compile(
    r"^(?P<track>\d{1,3})\s*[-._]\s*(?P<artist>.+?)\s+-\s+(?P<title>.+)$"
)
_NUMBERED_TITLE = re.compile(r"^(?P<track>\d{1,3})(?:\s*[-._]\s*|\s+)(?P<title>.+)$")
_ARTIST_TITLE = re.compile(r"^(?P<artist>.+?)\s+-\s+(?P<title>.+)$")
_YEAR_ALBUM = re.compile(r"^(?P<year>\d{4})\s*-\s*(?P<album>.+)$")
_ALBUM_YEAR = re.compile(r"^(?P<album>.+?)\s*[\(\[](?P<year>\d{4})[\)\]]$")


def parse_path(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Guess fields from a path when tags are missing. The rule:

    - "01 - Artist - Title.ext" -> track 1, artist, title
    - "01. Title.ext", "01 - Title.ext", "01 Title.ext" -> track 1, title
    - "Artist - Title.ext" -> artist, title
    - anything else -> the whole name is the title
    A numbered file is taken to sit in an album folder: album from the parent folder ("2004 -
    Album" and "Album (2004)" also give the year), artist from the grandparent folder when the
    name did not give one. An unnumbered file's folders are not used (".../Downloads/x.mp3"
    is not an album). Underscores count as spaces.
    """
    p = Path(path)
    stem = clean(p.stem.replace("_", " ")) or ""
    out: dict[str, Any] = {}
    numbered = False
    for pattern in (_NUMBERED_ARTIST_TITLE, _NUMBERED_TITLE, _ARTIST_TITLE):
        m = pattern.match(stem)
        if m:
            groups = m.groupdict()
            if "track" in groups:
                numbered = True
                out["track_number"] = int(groups["track"]) or None
            if groups.get("artist"):
                out["artists"] = [clean(groups["artist"])]
            out["title"] = clean(groups["title"])
            break
    else:
        out["title"] = stem or None
    if numbered:
        album = clean(p.parent.name.replace("_", " "))
        if album:
            m = _YEAR_ALBUM.match(album) or _ALBUM_YEAR.match(album)
            if m:
                album, out["year"] = clean(m.group("album")), int(m.group("year"))
            out["album"] = album
        artist = clean(p.parent.parent.name.replace("_", " ")) if p.parent.parent != p else None
        if artist and "artists" not in out and p.parent.parent.parent != p.parent.parent:
            out["artists"] = [artist]
    return {k: v for k, v in out.items() if v}


# --- assembly -----------------------------------------------------------------------------


def read_tags(path: str | os.PathLike[str], fh: BinaryIO | None = None) -> TrackTags:
    """Tags and cheap audio facts of `path` via mutagen. Unreadable tags are not an error: the
    result then holds what the path says (see parse_path). `fh`: the file already open
    (binary, seekable), read in place of opening `path` again."""
    if fh is not None:
        return _read_tags(path, fh)
    try:
        opened = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError:  # as mutagen.File(path) takes it: nothing read
        return _read_tags(path, None)
    with opened:
        return _read_tags(path, opened)


def _read_tags(path: str | os.PathLike[str], fh: BinaryIO | None) -> TrackTags:
    result = TrackTags()
    raw: Raw = {}
    pictures: Pictures = []
    artists_multi = False
    try:
        if fh is None:
            raise mutagen.MutagenError("the file cannot be opened")
        check_tags_in(fh)
        audio = open_audio(fh, os.fspath(path))
    except TagsTooLarge as exc:
        result.notes.append(f"tags: {(exc.detail or exc.title).rstrip('.')}; not read")
        audio = None
    except (mutagen.MutagenError, ValueError, EOFError, OverflowError, IndexError):
        audio = None
    if audio is not None:
        info = getattr(audio, "info", None)
        length = getattr(info, "length", None)
        result.duration = float(length) if length else None
        result.bitrate = int(getattr(info, "bitrate", 0) or 0) or None
        result.sample_rate = int(getattr(info, "sample_rate", 0) or 0) or None
        result.channels = int(getattr(info, "channels", 0) or 0) or None
        if isinstance(audio, OggOpus):
            result.sample_rate = 48000  # Opus always decodes at 48 kHz
        result.bits_per_sample = _lossless_bits(audio, info)
        if result.bitrate is None and result.duration:  # e.g. Vorbis without a nominal rate
            assert fh is not None  # audio was read from it
            result.bitrate = int(os.fstat(fh.fileno()).st_size * 8 / result.duration)
        tags = audio.tags
        if isinstance(tags, ID3):
            raw, pictures, v23 = id3_fields(tags, result.notes)
            artists_multi = v23  # "/" is ID3v2.3's multi-value separator in TPE1
        elif isinstance(tags, MP4Tags):
            raw, pictures = mp4_fields(tags, result.notes)
        elif tags is not None and hasattr(tags, "vendor"):  # Vorbis comments
            raw, pictures = vorbis_fields(audio, result.notes)
    _assemble(result, raw, artists_multi)
    bound_tags(result)
    pictures.sort(key=lambda p: 0 if p[0] == 3 else 1)  # stable: front cover first
    result.pictures = [(mime, data) for _, mime, data in pictures[:PICTURES_MAX]]
    _fill_from_path(result, path)
    return result


def _first(raw: Raw, name: str, *, multiline: bool = False) -> str | None:
    for v in raw.get(name, ()):
        c = clean(v, multiline=multiline)
        if c:
            return c
    return None


def _assemble(r: TrackTags, raw: Raw, artists_multi: bool) -> None:
    r.title = _first(raw, "title")
    if _clean_all(raw.get("artists", ())):
        r.artists = split_artists(_clean_all(raw["artists"]), explicit_multi=True)
    else:
        values = _clean_all(raw.get("artist", ()))
        r.artists = split_artists(values, explicit_multi=artists_multi or len(values) > 1)
    r.album_artist = _first(raw, "album_artist")
    r.album = _first(raw, "album")
    r.track_number, r.track_total = _int_pair(_first(raw, "track"))
    r.disc_number, r.disc_total = _int_pair(_first(raw, "disc"))
    r.track_total = _int_pair(_first(raw, "track_total"))[0] or r.track_total
    r.disc_total = _int_pair(_first(raw, "disc_total"))[0] or r.disc_total
    r.date = _first(raw, "date")
    m = re.match(r"^\s*(\d{4})", r.date or "")
    r.year = int(m.group(1)) if m and 1000 < int(m.group(1)) < 3000 else None
    r.genres = _clean_all(raw.get("genres", ()))
    r.isrc = _first(raw, "isrc")  # normalised (hyphens out, upper case) by bound_tags
    r.mb_recording_id = _first(raw, "mb_recording_id")
    r.mb_release_id = _first(raw, "mb_release_id")
    r.mb_artist_id = _first(raw, "mb_artist_id")
    r.bpm = bounded_float(_first(raw, "bpm"), 1, 999)
    r.key = _first(raw, "key")
    explicit = (_first(raw, "explicit") or "").lower()
    if explicit in ("1", "4", "true", "yes", "explicit"):
        r.explicit = True
    elif explicit in ("0", "2", "false", "no", "clean"):
        r.explicit = False
    r.lyrics = _first(raw, "lyrics", multiline=True)  # "\r\n" and "\r" made "\n"
    r.replaygain_track_gain = bounded_float(_first(raw, "replaygain_track_gain"), -60, 60)
    r.replaygain_album_gain = bounded_float(_first(raw, "replaygain_album_gain"), -60, 60)


def _fill_from_path(r: TrackTags, path: str | os.PathLike[str]) -> None:
    if r.title and r.artists:
        return
    guess = parse_path(path)
    for name in ("title", "artists", "album", "track_number", "year"):
        if name in guess and not getattr(r, name):
            setattr(r, name, guess[name])
            r.from_path.append(name)

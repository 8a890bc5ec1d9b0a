"""The bounds every tag value must fit, and the check `read_tags` applies to what it read.

The same bounds hold for a manual edit: the track PATCH schema (`library.schemas.TrackPatch`)
takes its limits from here. A value that does not fit, or a code that is not valid, is dropped
(never stored, never truncated into something else) and a note says what was dropped; the
upload answer carries the notes and the folder scan logs them.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tonearm.media.tags import TrackTags

TEXT_MAX = 512  # a title, an artist, an album, a genre
LYRICS_MAX = 100_000  # characters
NAMES_MAX = 20  # artists, genres
TRACK_NUMBER_MAX = 9999  # tags: numbers of at most 4 digits are read
DISC_NUMBER_MAX = 999
KEY_MAX = 16
PICTURE_MAX_BYTES = 16 * 1024 * 1024
PICTURES_MAX = 4

#: ISRC (ISO 3901): country, registrant, year, designation; stored without hyphens.
ISRC_PATTERN = r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$"
_ISRC = re.compile(ISRC_PATTERN)
# A musical key: "C", "F#m", "Bb minor", "A♭ maj"; Camelot "8A" and Open Key "1m"/"1d"; "o"
# (off key, as Traktor writes it).
_KEY = re.compile(
    r"^(?:[A-Ga-g](?:#|b|♯|♭)?\s*(?:m|min|minor|maj|major|dor|mix)?|(?:[1-9]|1[0-2])[ABabdm]|o)$"
)
# ISO 8601 calendar date, as precise as the tag is: 1997, 1997-09, 1997-09-22 (a time after it
# is dropped, as are "1997/09/22"-like forms, which keep their year).
_DATE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?(?=$|[T ])")


def normalise_isrc(value: str | None) -> str | None:
    """'gb-aan-97-00003' -> 'GBAAN9700003'; None when it is not an ISRC."""
    if not value:
        return None
    code = re.sub(r"[\s-]", "", value).upper()
    return code if _ISRC.match(code) else None


def normalise_mbid(value: str | None) -> str | None:
    """A MusicBrainz id in canonical form (lower-case UUID); None when it is not one."""
    if not value or len(value) > 64:
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None


def _note(tags: TrackTags, name: str, why: str) -> None:
    tags.notes.append(f"{name}: {why}; not stored")


def _text(tags: TrackTags, name: str, value: str | None) -> str | None:
    if value is not None and len(value) > TEXT_MAX:
        _note(tags, name, f"{len(value)} characters, over the {TEXT_MAX} limit")
        return None
    return value


def _names(tags: TrackTags, name: str, values: list[str]) -> list[str]:
    kept = [v for v in values if _text(tags, name, v) is not None]
    if len(kept) > NAMES_MAX:
        _note(tags, name, f"{len(kept) - NAMES_MAX} past the first {NAMES_MAX}")
        kept = kept[:NAMES_MAX]
    return kept


def _code(tags: TrackTags, name: str, raw: str | None, value: str | None) -> str | None:
    if raw and value is None:
        shown = raw if len(raw) <= 40 else f"{len(raw)} characters"
        _note(tags, name, f"not a valid value ({shown!r})")
    return value


def bound_tags(tags: TrackTags) -> None:
    """Drop from `tags` every value that breaks a bound, with a note for each (`tags.notes`)."""
    tags.title = _text(tags, "title", tags.title)
    tags.album = _text(tags, "album", tags.album)
    tags.album_artist = _text(tags, "album_artist", tags.album_artist)
    tags.artists = _names(tags, "artists", tags.artists)
    tags.genres = _names(tags, "genres", tags.genres)
    tags.isrc = _code(tags, "isrc", tags.isrc, normalise_isrc(tags.isrc))
    for name in ("mb_recording_id", "mb_release_id", "mb_artist_id"):
        raw = getattr(tags, name)
        setattr(tags, name, _code(tags, name, raw, normalise_mbid(raw)))
    key = tags.key if tags.key and len(tags.key) <= KEY_MAX and _KEY.match(tags.key) else None
    tags.key = _code(tags, "key", tags.key, key)
    m = _DATE.match(tags.date or "")
    tags.date = _code(tags, "date", tags.date, m.group(0) if m else None)
    for name in ("disc_number", "disc_total"):
        value = getattr(tags, name)
        if value is not None and value > DISC_NUMBER_MAX:
            _note(tags, name, f"{value}, over the {DISC_NUMBER_MAX} limit")
            setattr(tags, name, None)
    if tags.lyrics is not None and len(tags.lyrics) > LYRICS_MAX:
        _note(tags, "lyrics", f"{len(tags.lyrics)} characters, over the {LYRICS_MAX} limit")
        tags.lyrics = None


def keep_picture(notes: list[str], size: int) -> bool:
    """Whether a picture of `size` bytes is kept (checked before a base64 one is decoded)."""
    if size > PICTURE_MAX_BYTES:
        notes.append(f"picture: {size} bytes, over the {PICTURE_MAX_BYTES} limit; not stored")
        return False
    return True

"""How each tag system names the fields `tags.read_tags` keeps (mutagen objects in, raw
name -> values out, plus pictures, each at most `tag_limits.PICTURE_MAX_BYTES`: a larger one
is dropped with a note, a base64 one before it is decoded). Cleaning and assembly happen in
`tags`.

The fields read:

- ID3v2.3/2.4 (MP3, and the ID3 chunk of WAV and AIFF): TIT2, TPE1, TPE2, TALB, TRCK, TPOS,
  TDRC (mutagen folds v2.3 TYER/TDAT into it), TCON, TSRC, UFID:http://musicbrainz.org,
  TXXX:MusicBrainz Album Id / Artist Id, TBPM, TKEY, USLT, TXXX:ITUNESADVISORY,
  TXXX:REPLAYGAIN_*, TXXX:ARTISTS, APIC.
- Vorbis comments (FLAC, Ogg Vorbis, Opus): TITLE, ARTIST (repeatable), ARTISTS, ALBUMARTIST,
  ALBUM, TRACKNUMBER/TRACKTOTAL, DISCNUMBER/DISCTOTAL, DATE, GENRE, ISRC, MUSICBRAINZ_*, BPM,
  KEY, ITUNESADVISORY, LYRICS, REPLAYGAIN_* (Opus: R128_*_GAIN, Q7.8 dB re -23 LUFS, +5 dB
  to ReplayGain's reference), FLAC pictures and METADATA_BLOCK_PICTURE.
- MP4 atoms: ©nam ©ART aART ©alb trkn disk ©day ©gen/gnre tmpo rtng ©lyr covr and iTunes
  free-form atoms (----:com.apple.iTunes:ISRC, MusicBrainz ..., initialkey, replaygain_*,
  ARTISTS).
"""

from __future__ import annotations

import base64
import re
from typing import Any

import mutagen
from mutagen.flac import Picture
from mutagen.id3 import ID3
from mutagen.mp4 import MP4Cover, MP4Tags

from tonearm.media.tag_limits import keep_picture

MB = "http://musicbrainz.org"


Raw = dict[str, list[str]]
Pictures = list[tuple[int, str, bytes]]  # (picture type, mime, data)


def id3_fields(tags: ID3, notes: list[str]) -> tuple[Raw, Pictures, bool]:
    raw: Raw = {}
    txxx: dict[str, list[str]] = {}
    pictures: Pictures = []
    ufid: str | None = None
    lyrics: str | None = None
    for frame in tags.values():
        fid = frame.FrameID
        if fid == "TXXX":
            txxx.setdefault(frame.desc.strip().lower(), []).extend(str(t) for t in frame.text)
        elif fid == "UFID" and frame.owner == MB:
            ufid = frame.data.decode("ascii", "replace")
        elif fid == "USLT" and lyrics is None:
            lyrics = frame.text
        elif fid == "APIC" and keep_picture(notes, len(frame.data)):
            mime = picture_mime(frame.data, frame.mime)
            if mime:
                pictures.append((int(frame.type), mime, frame.data))
        elif fid == "TCON":
            raw["genres"] = list(frame.genres)
        elif fid in _ID3_TEXT:
            raw[_ID3_TEXT[fid]] = [str(t) for t in frame.text]
    raw["lyrics"] = [lyrics] if lyrics else []
    raw["mb_recording_id"] = [ufid] if ufid else txxx.get("musicbrainz track id", [])
    for ours, desc in _ID3_TXXX.items():
        for d in desc:
            if txxx.get(d):
                raw[ours] = txxx[d]
                break
    v23 = tags.version < (2, 4, 0)
    return raw, pictures, v23


_ID3_TEXT = {
    "TIT2": "title",
    "TPE1": "artist",
    "TPE2": "album_artist",
    "TALB": "album",
    "TRCK": "track",
    "TPOS": "disc",
    "TDRC": "date",
    "TSRC": "isrc",
    "TBPM": "bpm",
    "TKEY": "key",
}
_ID3_TXXX = {
    "artists": ("artists",),
    "mb_release_id": ("musicbrainz album id",),
    "mb_artist_id": ("musicbrainz artist id",),
    "explicit": ("itunesadvisory", "explicit"),
    "replaygain_track_gain": ("replaygain_track_gain",),
    "replaygain_album_gain": ("replaygain_album_gain",),
    "key": ("initialkey", "key"),
}


_VORBIS = {
    "title": ("title",),
    "artist": ("artist",),
    "artists": ("artists",),
    "album_artist": ("albumartist", "album artist", "album_artist"),
    "album": ("album",),
    "track": ("tracknumber",),
    "track_total": ("tracktotal", "totaltracks"),
    "disc": ("discnumber",),
    "disc_total": ("disctotal", "totaldiscs"),
    "date": ("date", "originaldate", "year"),
    "genres": ("genre",),
    "isrc": ("isrc",),
    "mb_recording_id": ("musicbrainz_trackid",),
    "mb_release_id": ("musicbrainz_albumid",),
    "mb_artist_id": ("musicbrainz_artistid",),
    "bpm": ("bpm", "tempo"),
    "key": ("key", "initialkey"),
    "explicit": ("itunesadvisory", "explicit"),
    "lyrics": ("lyrics", "unsyncedlyrics"),
    "replaygain_track_gain": ("replaygain_track_gain",),
    "replaygain_album_gain": ("replaygain_album_gain",),
}


def vorbis_fields(audio: Any, notes: list[str]) -> tuple[Raw, Pictures]:
    comments: dict[str, list[str]] = {}
    for key, value in audio.tags or ():
        comments.setdefault(key.lower(), []).append(value)
    raw: Raw = {}
    for ours, names in _VORBIS.items():
        for name in names:
            if comments.get(name):
                raw[ours] = comments[name]
                break
    for ours, name in (
        ("replaygain_track_gain", "r128_track_gain"),
        ("replaygain_album_gain", "r128_album_gain"),
    ):
        if ours not in raw and comments.get(name):
            q78 = bounded_float(comments[name][0], -32768, 32767)
            if q78 is not None:  # RFC 7845: Q7.8 dB relative to -23 LUFS; ReplayGain is -18
                raw[ours] = [f"{q78 / 256 + 5.0:.4f}"]
    pictures: Pictures = []
    for pic in getattr(audio, "pictures", None) or ():
        if not keep_picture(notes, len(pic.data)):
            continue
        mime = picture_mime(pic.data, pic.mime)
        if mime:
            pictures.append((int(pic.type), mime, pic.data))
    for b64 in comments.get("metadata_block_picture", []):
        if not keep_picture(notes, len(b64) * 3 // 4):  # before decoding it
            continue
        try:
            pic = Picture(base64.b64decode(b64))
        except (ValueError, TypeError, mutagen.MutagenError):
            continue
        mime = picture_mime(pic.data, pic.mime)
        if mime:
            pictures.append((int(pic.type), mime, pic.data))
    for b64 in comments.get("coverart", []):  # legacy: raw base64 image
        if not keep_picture(notes, len(b64) * 3 // 4):
            continue
        try:
            data = base64.b64decode(b64)
        except (ValueError, TypeError):
            continue
        mime = picture_mime(data)
        if mime:
            pictures.append((3, mime, data))
    return raw, pictures


def mp4_fields(tags: MP4Tags, notes: list[str]) -> tuple[Raw, Pictures]:
    raw: Raw = {}
    free: dict[str, list[str]] = {}
    for key, values in tags.items():
        if key.startswith("----:"):
            name = key.rsplit(":", 1)[-1].lower()
            free[name] = [bytes(v).decode("utf-8", "replace") for v in values]
    atoms = {
        "\xa9nam": "title",
        "\xa9ART": "artist",
        "aART": "album_artist",
        "\xa9alb": "album",
        "\xa9day": "date",
        "\xa9gen": "genres",
        "\xa9lyr": "lyrics",
    }
    for atom, ours in atoms.items():
        if tags.get(atom):
            raw[ours] = [str(v) for v in tags[atom]]
    if "genres" not in raw and tags.get("gnre"):
        from mutagen.id3 import TCON

        raw["genres"] = [TCON.GENRES[g - 1] for g in tags["gnre"] if 0 < g <= len(TCON.GENRES)]
    for atom, ours in (("trkn", "track"), ("disk", "disc")):
        if tags.get(atom):
            n, total = tags[atom][0]
            raw[ours] = [f"{n}/{total}" if total else str(n)]
    if tags.get("tmpo"):
        raw["bpm"] = [str(tags["tmpo"][0])]
    if tags.get("rtng"):
        rating = int(tags["rtng"][0])  # iTunes: 1 or 4 explicit, 2 clean, 0 none
        raw["explicit"] = ["1" if rating in (1, 4) else "2" if rating == 2 else ""]
    names = {
        "artists": ("artists",),
        "isrc": ("isrc",),
        "mb_recording_id": ("musicbrainz track id",),
        "mb_release_id": ("musicbrainz album id",),
        "mb_artist_id": ("musicbrainz artist id",),
        "key": ("initialkey", "key"),
        "replaygain_track_gain": ("replaygain_track_gain",),
        "replaygain_album_gain": ("replaygain_album_gain",),
    }
    for ours, keys in names.items():
        for k in keys:
            if free.get(k):
                raw[ours] = free[k]
                break
    pictures: Pictures = []
    for cover in tags.get("covr", []):
        if not keep_picture(notes, len(cover)):
            continue
        declared = "image/png" if cover.imageformat == MP4Cover.FORMAT_PNG else "image/jpeg"
        mime = picture_mime(bytes(cover), declared)
        if mime:
            pictures.append((3, mime, bytes(cover)))
    return raw, pictures


def bounded_float(value: str | None, lo: float, hi: float) -> float | None:
    if not value:
        return None
    m = re.search(r"[-+]?\d+(?:[.,]\d+)?", value)
    if not m:
        return None
    f = float(m.group(0).replace(",", "."))
    return f if lo <= f <= hi else None


def picture_mime(data: bytes, declared: str | None = None) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if declared and declared.startswith("image/"):
        return declared
    return None

"""Synthesized audio for tests: real files written with PyAV, tagged with mutagen.

Nothing is downloaded. The signal comes from FFmpeg's `aevalsrc` (a chord with a slow
tremolo and a little noise), so it is fast even for minutes of audio, and it is deterministic.

`make_audio(path, fmt, tags=..., picture=...)` writes one of FORMATS and tags it with the
format's native frames (ID3v2.4 for MP3/WAV/AIFF, Vorbis comments for FLAC/Ogg/Opus, MP4 atoms
for M4A). `id3_version=3` writes ID3v2.3 instead (multi-values joined with "/", as mutagen and
most taggers do). Helpers build broken files: corrupt, truncated, text named .mp3.
"""

from __future__ import annotations

import base64
import contextlib
import io
import random
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from av.filter import Graph
from mutagen import id3
from mutagen.flac import FLAC, Picture
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

FORMATS = ("mp3", "flac", "ogg", "opus", "m4a_aac", "m4a_alac", "wav", "aiff")
EXTENSIONS = {
    "mp3": ".mp3",
    "flac": ".flac",
    "ogg": ".ogg",
    "opus": ".opus",
    "m4a_aac": ".m4a",
    "m4a_alac": ".m4a",
    "wav": ".wav",
    "aiff": ".aiff",
}
# fmt -> (container format, codec, sample format or None, forced rate or None)
_ENCODING: dict[str, tuple[str, str, str | None, int | None]] = {
    "mp3": ("mp3", "libmp3lame", None, None),
    "flac": ("flac", "flac", "s16", None),
    "ogg": ("ogg", "vorbis", None, None),
    "opus": ("ogg", "libopus", None, 48000),
    "m4a_aac": ("ipod", "aac", None, None),
    "m4a_alac": ("ipod", "alac", "s16p", None),
    "wav": ("wav", "pcm_s16le", None, None),
    "aiff": ("aiff", "pcm_s16be", None, None),
}

FULL_TAGS: dict[str, Any] = {
    "title": "東京事変 — Björk's Сплин",
    "artists": ["Björk", "東京事変"],
    "album_artist": "Various Artists",
    "album": "Сплин: Гранатовый альбом",
    "track_number": 3,
    "track_total": 12,
    "disc_number": 1,
    "disc_total": 2,
    "date": "2004-05-17",
    "genres": ["Rock", "J-Pop"],
    "isrc": "USRC17607839",
    "mb_recording_id": "2c9a5b5e-1f0e-4d1d-9b4b-6f1f1d9a2b11",
    "mb_release_id": "7d3b6a2c-8f5e-4c1a-a1f2-0b9e8d7c6a55",
    "mb_artist_id": "87c5dedd-371d-4a53-9f7f-80522fb7f3cb",
    "bpm": 128,
    "key": "Am",
    "explicit": True,
    "lyrics": "Line one\nСтрока два\n三行目",
    "replaygain_track_gain": -7.25,
    "replaygain_album_gain": -6.5,
}


# --- signal -------------------------------------------------------------------------------


def _signal(seconds: float, sample_rate: int, channels: int, seed: int) -> Iterator[av.AudioFrame]:
    rnd = random.Random(seed)
    base = 220.0 * (1 + rnd.random())
    exprs = []
    for c in range(channels):
        chord = "+".join(
            f"{amp}*sin(2*PI*{base * ratio * (1 + 0.002 * c):.4f}*t)"
            for amp, ratio in ((0.25, 1.0), (0.15, 1.25), (0.1, 1.5))
        )
        exprs.append(f"({chord})*(0.8+0.2*sin(2*PI*{0.5 + c * 0.3:.2f}*t))+0.01*(random(0)-0.5)")
    layout = {1: "mono", 2: "stereo"}.get(channels, f"{channels}c")
    graph = Graph()
    src = graph.add(
        "aevalsrc",
        exprs="|".join(exprs),
        s=str(sample_rate),
        d=f"{seconds:.6f}",
        c=layout,
        n="4096",
    )
    sink = graph.add("abuffersink")
    src.link_to(sink)
    graph.configure()
    while True:
        try:
            frame = graph.pull()
        except (EOFError, av.error.BlockingIOError):
            return
        yield frame


def write_signal(
    path: Path,
    fmt: str,
    *,
    seconds: float = 3.0,
    sample_rate: int = 44100,
    channels: int = 2,
    seed: int = 1,
    bitrate: int | None = None,
) -> Path:
    """Encode the synthesized signal to `path` as `fmt` (one of FORMATS), untagged."""
    container_fmt, codec, sample_fmt, forced_rate = _ENCODING[fmt]
    rate = forced_rate or sample_rate
    with av.open(str(path), "w", format=container_fmt) as out:
        options = {"strict": "experimental"} if codec == "vorbis" else {}
        stream = out.add_stream(codec, rate=rate, options=options)
        ctx = stream.codec_context
        # FFmpeg's native Vorbis encoder only encodes stereo.
        out_channels = 2 if codec == "vorbis" else channels
        ctx.layout = {1: "mono", 2: "stereo"}.get(out_channels, f"{out_channels}c")
        if sample_fmt:
            ctx.format = sample_fmt
        if codec in ("libmp3lame", "aac", "libopus", "vorbis"):
            ctx.bit_rate = bitrate or 128_000
        resampler = av.AudioResampler(format=ctx.format or None, layout=ctx.layout, rate=rate)
        for frame in _signal(seconds, sample_rate, channels, seed):
            for rframe in resampler.resample(frame):
                for packet in stream.encode(rframe):
                    out.mux(packet)
        for rframe in resampler.resample(None):
            for packet in stream.encode(rframe):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


# --- tags ---------------------------------------------------------------------------------


def _num(n: Any, total: Any) -> str:
    return f"{n}/{total}" if total else str(n)


def _id3_frames(tags: dict[str, Any], picture: bytes | None, version: int) -> list[id3.Frame]:
    e = 3  # UTF-8
    if version == 3:
        e = 1  # UTF-16 (v2.3 has no UTF-8)
    f: list[id3.Frame] = []
    if "title" in tags:
        f.append(id3.TIT2(encoding=e, text=[tags["title"]]))
    if tags.get("artists"):
        f.append(id3.TPE1(encoding=e, text=list(tags["artists"])))
        if len(tags["artists"]) > 1:
            f.append(id3.TXXX(encoding=e, desc="ARTISTS", text=list(tags["artists"])))
    if "album_artist" in tags:
        f.append(id3.TPE2(encoding=e, text=[tags["album_artist"]]))
    if "album" in tags:
        f.append(id3.TALB(encoding=e, text=[tags["album"]]))
    if "track_number" in tags:
        f.append(id3.TRCK(encoding=e, text=[_num(tags["track_number"], tags.get("track_total"))]))
    if "disc_number" in tags:
        f.append(id3.TPOS(encoding=e, text=[_num(tags["disc_number"], tags.get("disc_total"))]))
    if "date" in tags:
        f.append(id3.TDRC(encoding=e, text=[tags["date"]]))
    if tags.get("genres"):
        f.append(id3.TCON(encoding=e, text=list(tags["genres"])))
    if "isrc" in tags:
        f.append(id3.TSRC(encoding=e, text=[tags["isrc"]]))
    if "mb_recording_id" in tags:
        f.append(id3.UFID(owner="http://musicbrainz.org", data=tags["mb_recording_id"].encode()))
    if "mb_release_id" in tags:
        f.append(id3.TXXX(encoding=e, desc="MusicBrainz Album Id", text=[tags["mb_release_id"]]))
    if "mb_artist_id" in tags:
        f.append(id3.TXXX(encoding=e, desc="MusicBrainz Artist Id", text=[tags["mb_artist_id"]]))
    if "bpm" in tags:
        f.append(id3.TBPM(encoding=e, text=[str(tags["bpm"])]))
    if "key" in tags:
        f.append(id3.TKEY(encoding=e, text=[tags["key"]]))
    if "explicit" in tags:
        value = "1" if tags["explicit"] else "2"
        f.append(id3.TXXX(encoding=e, desc="ITUNESADVISORY", text=[value]))
    if "lyrics" in tags:
        f.append(id3.USLT(encoding=e, lang="eng", desc="", text=tags["lyrics"]))
    for name in ("replaygain_track_gain", "replaygain_album_gain"):
        if name in tags:
            f.append(id3.TXXX(encoding=e, desc=name.upper(), text=[f"{tags[name]:+.2f} dB"]))
    if picture:
        f.append(id3.APIC(encoding=e, mime="image/jpeg", type=3, desc="Cover", data=picture))
    return f


def _vorbis_fields(tags: dict[str, Any], opus: bool) -> dict[str, list[str]]:
    v: dict[str, list[str]] = {}
    simple = {
        "title": "TITLE",
        "album_artist": "ALBUMARTIST",
        "album": "ALBUM",
        "track_number": "TRACKNUMBER",
        "track_total": "TRACKTOTAL",
        "disc_number": "DISCNUMBER",
        "disc_total": "DISCTOTAL",
        "date": "DATE",
        "isrc": "ISRC",
        "mb_recording_id": "MUSICBRAINZ_TRACKID",
        "mb_release_id": "MUSICBRAINZ_ALBUMID",
        "mb_artist_id": "MUSICBRAINZ_ARTISTID",
        "bpm": "BPM",
        "key": "KEY",
        "lyrics": "LYRICS",
    }
    for ours, theirs in simple.items():
        if ours in tags:
            v[theirs] = [str(tags[ours])]
    if tags.get("artists"):
        v["ARTIST"] = list(tags["artists"])  # repeated field = multiple values
        if len(tags["artists"]) > 1:
            v["ARTISTS"] = list(tags["artists"])
    if tags.get("genres"):
        v["GENRE"] = list(tags["genres"])
    if "explicit" in tags:
        v["ITUNESADVISORY"] = ["1" if tags["explicit"] else "2"]
    for name in ("replaygain_track_gain", "replaygain_album_gain"):
        if name not in tags:
            continue
        if opus:  # RFC 7845: Q7.8 relative to EBU R128 (-23 LUFS), i.e. ReplayGain - 5 dB
            r128 = "R128_TRACK_GAIN" if "track" in name else "R128_ALBUM_GAIN"
            v[r128] = [str(round((tags[name] - 5.0) * 256))]
        else:
            v[name.upper()] = [f"{tags[name]:+.2f} dB"]
    return v


def _flac_picture(data: bytes) -> Picture:
    pic = Picture()
    pic.type = 3
    pic.mime = "image/jpeg"
    pic.desc = "Cover"
    pic.data = data
    return pic


def _tag_mp4(path: Path, tags: dict[str, Any], picture: bytes | None) -> None:
    audio = MP4(path)
    if audio.tags is None:
        audio.add_tags()
    t = audio.tags
    assert t is not None

    def ff(value: str) -> MP4FreeForm:
        return MP4FreeForm(value.encode("utf-8"))

    itunes = "----:com.apple.iTunes:"
    simple = {"title": "\xa9nam", "album_artist": "aART", "album": "\xa9alb", "date": "\xa9day"}
    for ours, atom in simple.items():
        if ours in tags:
            t[atom] = [tags[ours]]
    if tags.get("artists"):
        t["\xa9ART"] = list(tags["artists"])
        if len(tags["artists"]) > 1:
            t[itunes + "ARTISTS"] = [ff(a) for a in tags["artists"]]
    if tags.get("genres"):
        t["\xa9gen"] = list(tags["genres"])
    if "lyrics" in tags:
        t["\xa9lyr"] = [tags["lyrics"]]
    if "track_number" in tags:
        t["trkn"] = [(int(tags["track_number"]), int(tags.get("track_total") or 0))]
    if "disc_number" in tags:
        t["disk"] = [(int(tags["disc_number"]), int(tags.get("disc_total") or 0))]
    if "bpm" in tags:
        t["tmpo"] = [round(float(tags["bpm"]))]
    if "explicit" in tags:
        t["rtng"] = [1 if tags["explicit"] else 2]
    free = {
        "isrc": "ISRC",
        "mb_recording_id": "MusicBrainz Track Id",
        "mb_release_id": "MusicBrainz Album Id",
        "mb_artist_id": "MusicBrainz Artist Id",
        "key": "initialkey",
    }
    for ours, name in free.items():
        if ours in tags:
            t[itunes + name] = [ff(str(tags[ours]))]
    for name in ("replaygain_track_gain", "replaygain_album_gain"):
        if name in tags:
            t[itunes + name] = [ff(f"{tags[name]:+.2f} dB")]
    if picture:
        t["covr"] = [MP4Cover(picture, imageformat=MP4Cover.FORMAT_JPEG)]
    audio.save()


def tag_file(
    path: Path,
    fmt: str,
    tags: dict[str, Any],
    picture: bytes | None = None,
    *,
    id3_version: int = 4,
) -> None:
    """Write `tags` (our canonical names) to `path` with the format's native fields."""
    if fmt in ("mp3", "wav", "aiff"):
        if fmt == "mp3":
            with contextlib.suppress(id3.ID3NoHeaderError):
                id3.ID3(path).delete(path)
            holder = id3.ID3()
        else:
            from mutagen.aiff import AIFF
            from mutagen.wave import WAVE

            audio = WAVE(path) if fmt == "wav" else AIFF(path)
            if audio.tags is None:
                audio.add_tags()
            holder = audio.tags
        for frame in _id3_frames(tags, picture, id3_version):
            holder.add(frame)
        holder.save(path, v2_version=id3_version)
    elif fmt in ("flac", "ogg", "opus"):
        audio_cls = {"flac": FLAC, "ogg": OggVorbis, "opus": OggOpus}[fmt]
        audio = audio_cls(path)
        if audio.tags is None:
            audio.add_tags()
        for key, values in _vorbis_fields(tags, opus=fmt == "opus").items():
            audio.tags[key] = values
        if picture:
            pic = _flac_picture(picture)
            if fmt == "flac":
                audio.add_picture(pic)
            else:
                audio.tags["METADATA_BLOCK_PICTURE"] = [base64.b64encode(pic.write()).decode()]
        audio.save()
    elif fmt in ("m4a_aac", "m4a_alac"):
        _tag_mp4(path, tags, picture)
    else:
        raise ValueError(f"unknown format {fmt}")


# --- public helpers -----------------------------------------------------------------------


def make_audio(
    path: Path | str,
    fmt: str,
    *,
    seconds: float = 3.0,
    tags: dict[str, Any] | None = None,
    picture: bytes | None = None,
    sample_rate: int = 44100,
    channels: int = 2,
    id3_version: int = 4,
    seed: int = 1,
) -> Path:
    """Write a real `fmt` file (see FORMATS) at `path`, tagged natively when tags/picture given."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_signal(path, fmt, seconds=seconds, sample_rate=sample_rate, channels=channels, seed=seed)
    if fmt == "mp3":
        # The mp3 muxer writes its own ID3v2 tag (encoder name); start from none.
        with contextlib.suppress(id3.ID3NoHeaderError):
            id3.ID3(path).delete(path)
    if tags or picture:
        tag_file(path, fmt, tags or {}, picture, id3_version=id3_version)
    return path


def make_picture(
    size: tuple[int, int] = (800, 800),
    color: tuple[int, int, int] = (200, 40, 90),
    fmt: str = "JPEG",
) -> bytes:
    """A small real image (JPEG by default): a colour field with a contrasting square."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.rectangle((w // 4, h // 4, 3 * w // 4, 3 * h // 4), fill=(255 - color[0], 255, 0))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def first_audio_offset(source: Path) -> int:
    """Byte offset of the first audio packet, as the demuxer reports it."""
    with av.open(str(source)) as c:
        stream = c.streams.audio[0]
        for packet in c.demux(stream):
            if packet.pos is not None and packet.pos >= 0:
                return int(packet.pos)
    raise ValueError("no audio packet with a position")


def make_truncated(path: Path | str, source: Path | str) -> Path:
    """Copy `source` cut just before its first audio packet: a header and nothing to play."""
    path, source = Path(path), Path(source)
    data = source.read_bytes()
    cut = first_audio_offset(source)
    path.write_bytes(data[:cut])
    return path


def make_corrupt(
    path: Path | str,
    source: Path | str,
    *,
    start: float = 0.25,
    end: float = 0.85,
    seed: int = 7,
) -> Path:
    """Copy `source` with bytes [start, end) (fractions of the size) replaced by random garbage.

    The damage is deliberately large: MP3, Ogg and FLAC resynchronise on their frame/page sync
    words, so a few bytes of garbage are (correctly) played through; losing most of the file
    is what a cheap probe can catch (decode errors, or a seek landing far from its target).
    PCM (WAV/AIFF) cannot be caught this way at all (any bytes are valid samples): use
    `make_bad_header` for those.
    """
    path, source = Path(path), Path(source)
    data = bytearray(source.read_bytes())
    a, b = int(len(data) * start), int(len(data) * end)
    data[a:b] = random.Random(seed).randbytes(b - a)
    path.write_bytes(bytes(data))
    return path


def make_bad_header(path: Path | str, source: Path | str, *, seed: int = 7) -> Path:
    """Copy `source` keeping its first 12 bytes (the magic: RIFF....WAVE, FORM....AIFF,
    ....ftyp....) but scrambling the rest of its header, up to the first audio packet."""
    path, source = Path(path), Path(source)
    data = bytearray(source.read_bytes())
    cut = min(first_audio_offset(source), len(data))
    data[12:cut] = random.Random(seed).randbytes(max(0, cut - 12))
    path.write_bytes(bytes(data))
    return path


def make_text_as_mp3(path: Path | str) -> Path:
    """A plain-text file named like an MP3."""
    path = Path(path)
    path.write_text("This is not audio.\n" * 200, encoding="utf-8")
    return path


def make_video(path: Path | str, *, seconds: float = 1.0, with_audio: bool = False) -> Path:
    """A small MP4 with an H.264/MPEG-4 video stream (and optionally AAC audio)."""
    path = Path(path)
    with av.open(str(path), "w", format="mp4") as out:
        vs = out.add_stream("mpeg4", rate=10)
        vs.width, vs.height, vs.pix_fmt = 64, 48, "yuv420p"
        aus = out.add_stream("aac", rate=44100) if with_audio else None
        for i in range(int(seconds * 10)):
            frame = av.VideoFrame(64, 48, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([(i * 10) % 256]) * plane.buffer_size)
            frame.pts = i
            frame.time_base = Fraction(1, 10)
            for packet in vs.encode(frame):
                out.mux(packet)
        for packet in vs.encode(None):
            out.mux(packet)
        if aus is not None:
            for frame in _signal(seconds, 44100, 2, 1):
                for packet in aus.encode(frame):
                    out.mux(packet)
            for packet in aus.encode(None):
                out.mux(packet)
    return path

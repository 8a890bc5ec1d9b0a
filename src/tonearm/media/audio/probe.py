"""What is this file? Detect the audio format by content and check that it decodes.

`probe(path)` opens the file with PyAV (FFmpeg probes the bytes; the file name plays no part),
accepts only the formats we serve (MP3, FLAC, Ogg Vorbis, Opus, M4A with AAC or ALAC, WAV and
AIFF with PCM) and then decodes a few packets at three places: the start, the middle (after a
seek) and the end. That catches truncation and heavy damage cheaply, without decoding the file:

- a window fails when it yields no frames, or more packets fail to decode than succeed;
- a seek that lands far past its target (more than max(5 s, 5 % of the duration)) means the
  container's time map does not match its data (e.g. Ogg pages lost to garbage). Landing
  early is normal: FLAC seek tables, for instance, hold a point every 10 s.

Hostile input: only single-file demuxers are allowed (no playlists, concat scripts or image
sequences that could open other files or URLs), only the `file` protocol, bounded probe size,
an I/O timeout, and a cap on packets read per window. FFmpeg errors never escape: they become
`NotAudio` (415) or `CorruptAudio` (422). Tags that would inflate past a bound are refused
first (`media.tag_guard`, `TagsTooLarge` 422).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av

from tonearm.media.errors import CorruptAudio, NotAudio
from tonearm.media.tag_guard import check_tags

# format_name -> (container, canonical extension, MIME type)
FORMATS: dict[str, tuple[str, str, str]] = {
    "mp3": ("mp3", ".mp3", "audio/mpeg"),
    "flac": ("flac", ".flac", "audio/flac"),
    "vorbis": ("ogg", ".ogg", "audio/ogg"),
    "opus": ("ogg", ".opus", "audio/ogg"),
    "aac": ("mp4", ".m4a", "audio/mp4"),
    "alac": ("mp4", ".m4a", "audio/mp4"),
    "wav": ("wav", ".wav", "audio/wav"),
    "aiff": ("aiff", ".aiff", "audio/aiff"),
}
SUPPORTED = "MP3, FLAC, Ogg Vorbis, Opus, M4A (AAC or ALAC), WAV or AIFF"

# FFmpeg demuxers we let open a file: the accepted ones, plus common single-file formats so the
# refusal can name what was found. Nothing that references other files (hls, concat, image2...).
_ACCEPTED_DEMUXERS = "mp3,flac,ogg,mov,mp4,m4a,wav,aiff"
_KNOWN_DEMUXERS = (
    "matroska,webm,asf,avi,flv,mpegts,mpeg,aac,ac3,eac3,dts,truehd,wv,ape,tak,tta,mpc,mpc8,"
    "caf,w64,au,amr,voc,dsf,iff,xwma,mlp,loas,shorten,ircam,rm,nut,3gp,3g2,mj2"
)
OPEN_OPTIONS = {
    "format_whitelist": f"{_ACCEPTED_DEMUXERS},{_KNOWN_DEMUXERS}",
    "protocol_whitelist": "file",
    "probesize": str(8 * 1024 * 1024),
    "analyzeduration": str(10_000_000),
    "enable_drefs": "0",
}
TIMEOUT = (15.0, 10.0)  # seconds: opening, each read
_WINDOW_PACKETS = 12  # packets decoded per window once at the target
_APPROACH = 600  # packets decoded, at most, between where a seek lands and its target
_MAX_READS = 1000  # demux calls per window before giving up

# Magic bytes of the accepted formats: a file that starts like one but will not open is
# damaged rather than "not audio".
_MAGIC = (b"ID3", b"fLaC", b"OggS")


@dataclass(frozen=True, slots=True)
class AudioInfo:
    format_name: str  # one of FORMATS: mp3, flac, vorbis, opus, aac, alac, wav, aiff
    container: str  # mp3, flac, ogg, mp4, wav, aiff
    codec: str  # FFmpeg codec name, e.g. "mp3", "aac", "pcm_s16le"
    duration: float  # seconds
    bitrate: int  # bits per second (container average)
    sample_rate: int
    channels: int
    bits_per_sample: int | None  # lossless only
    has_picture: bool

    @property
    def extension(self) -> str:
        return FORMATS[self.format_name][1]

    @property
    def mime(self) -> str:
        return FORMATS[self.format_name][2]

    @property
    def lossless(self) -> bool:
        return self.format_name in ("flac", "alac", "wav", "aiff")


def _looks_like_audio(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    if head.startswith(_MAGIC):
        return True
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # MPEG audio sync
        return True
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return True
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return True
    return head[4:8] == b"ftyp"


def _classify(container: str, codec: str) -> str | None:
    if container == "mp3" and codec == "mp3":
        return "mp3"
    if container == "flac" and codec == "flac":
        return "flac"
    if container == "ogg" and codec in ("vorbis", "opus"):
        return codec
    if container == "mov" and codec in ("aac", "alac"):
        return codec
    if container in ("wav", "aiff") and codec.startswith("pcm_"):
        return container
    return None


def _bits_per_sample(fmt: str, codec: str, ctx: Any) -> int | None:
    if fmt in ("wav", "aiff"):
        digits = "".join(ch for ch in codec.split("_")[1] if ch.isdigit())
        return int(digits) if digits else None
    extradata = bytes(ctx.extradata or b"")
    if fmt == "flac" and len(extradata) >= 14:  # STREAMINFO
        return (((extradata[12] & 0x01) << 4) | (extradata[13] >> 4)) + 1
    if fmt == "alac":
        base = 12 if extradata[4:8] == b"alac" else 0  # ALACSpecificConfig
        if len(extradata) > base + 5:
            return int(extradata[base + 5])
    if fmt in ("flac", "alac"):
        return int(ctx.format.bits)
    return None


@dataclass(slots=True)
class _Window:
    packets: int = 0
    frames: int = 0
    errors: int = 0
    reached: bool = False
    landed: float | None = None  # time of the first frame at or after the target


def _decode_window(container: Any, stream: Any, *, seek_to: float | None) -> _Window:
    """Decode _WINDOW_PACKETS packets from `seek_to` (or the start). After a seek the demuxer
    may land early (sparse seek points): decode forward to the target, at most _APPROACH
    packets, counting those too."""
    ctx = stream.codec_context
    win = _Window()
    target = 0.0
    if seek_to is not None:
        target = seek_to
        try:
            container.seek(int(seek_to / stream.time_base), stream=stream, backward=True)
        except (av.FFmpegError, OSError, ValueError, ZeroDivisionError):
            return win
        ctx.flush_buffers()
    else:
        win.reached = True
    after = reads = 0
    demuxer = container.demux(stream)
    while after < _WINDOW_PACKETS and reads < _MAX_READS:
        reads += 1
        try:
            packet = next(demuxer)
        except StopIteration:
            break
        except (av.FFmpegError, OSError, ValueError):
            win.errors += 1
            break
        if packet.size == 0:
            continue
        win.packets += 1
        if win.reached:
            after += 1
        elif win.packets > _APPROACH:
            break
        try:
            frames = ctx.decode(packet)
        except (av.FFmpegError, ValueError):
            win.errors += 1
            continue
        for frame in frames:
            win.frames += 1
            t = frame.time
            if t is not None and win.landed is None and (seek_to is None or t >= target - 0.5):
                win.landed = float(t)
                win.reached = True
    return win


def _window_ok(win: _Window) -> bool:
    """Frames came out, most packets decoded, few failed, and the target was reached."""
    return (
        win.reached
        and win.frames > 0
        and win.frames * 2 >= win.packets
        and win.errors * 2 <= win.packets
    )


def probe(path: str | os.PathLike[str]) -> AudioInfo:
    """Detect the format of `path` by content and check it decodes at start, middle and end."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    check_tags(path)  # before FFmpeg inflates a compressed ID3 frame
    try:
        container = av.open(
            str(path), "r", options=dict(OPEN_OPTIONS), timeout=TIMEOUT, metadata_errors="ignore"
        )
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        if _looks_like_audio(path):
            raise CorruptAudio("The file looks like audio but cannot be opened.") from None
        raise NotAudio(f"Not a supported audio file: expected {SUPPORTED}.") from None
    try:
        return _inspect(container)
    except (av.FFmpegError, OSError, ValueError, MemoryError, RecursionError) as exc:
        raise CorruptAudio(f"The audio cannot be read ({type(exc).__name__}).") from None
    finally:
        container.close()


def _inspect(container: Any) -> AudioInfo:
    demuxer = container.format.name.split(",")[0]
    audio = list(container.streams.audio)
    video = [
        s
        for s in container.streams.video
        if not (s.disposition & av.stream.Disposition.attached_pic)
    ]
    if not audio:
        kind = "video without audio" if video else "no audio stream"
        raise NotAudio(f"Not an audio file ({kind}); expected {SUPPORTED}.")
    if video:
        raise NotAudio(f"Video files are not accepted; expected {SUPPORTED}.")
    stream = audio[0]
    ctx = stream.codec_context
    codec = ctx.codec.canonical_name if ctx.codec is not None else "unknown"
    fmt = _classify(demuxer, codec)
    if fmt is None:
        found = container.format.long_name or demuxer
        raise NotAudio(f"{found} with {codec} audio is not supported; expected {SUPPORTED}.")
    if not ctx.sample_rate or not ctx.channels:
        raise CorruptAudio("The audio stream has no sample rate or channel count.")

    duration = 0.0
    if stream.duration is not None and stream.time_base:
        duration = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        duration = container.duration / av.time_base
    if duration <= 0 or duration > 48 * 3600:
        raise CorruptAudio("The audio has no plausible duration.")

    _check_decodes(container, stream, duration)

    bitrate = int(container.bit_rate or ctx.bit_rate or 0)
    has_picture = any(
        s.disposition & av.stream.Disposition.attached_pic for s in container.streams.video
    )
    return AudioInfo(
        format_name=fmt,
        container=FORMATS[fmt][0],
        codec=codec,
        duration=duration,
        bitrate=bitrate,
        sample_rate=int(ctx.sample_rate),
        channels=int(ctx.channels),
        bits_per_sample=_bits_per_sample(fmt, codec, ctx),
        has_picture=has_picture,
    )


def _check_decodes(container: Any, stream: Any, duration: float) -> None:
    start = _decode_window(container, stream, seek_to=None)
    if not _window_ok(start):
        raise CorruptAudio("The start of the audio cannot be decoded (damaged or truncated).")
    if duration < 2.0:
        return
    tolerance = max(5.0, 0.05 * duration)
    base = start.landed or 0.0
    # The end is tried twice: FFmpeg's FLAC demuxer cannot always seek into the last frames.
    checks = (
        ("middle", (duration / 2,)),
        ("end", (max(duration - 2.0, duration * 0.9), max(duration - 5.0, duration * 0.75))),
    )
    for label, targets in checks:
        for at in targets:
            win = _decode_window(container, stream, seek_to=base + at)
            if _window_ok(win):
                break
        else:
            raise CorruptAudio(
                f"The {label} of the audio cannot be decoded (damaged or truncated)."
            )
        landed = (win.landed or 0.0) - base
        if landed - at > tolerance:
            raise CorruptAudio(
                f"Seeking to {at:.1f} s landed at {landed:.1f} s: the {label} of the file "
                "is damaged or missing."
            )

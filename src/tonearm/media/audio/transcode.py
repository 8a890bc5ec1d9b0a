"""Progressive transcodes: a whole file (`transcode`) or a live byte stream (`transcode_iter`).

| fmt  | codec      | container                   | rate                  |
|------|------------|-----------------------------|-----------------------|
| mp3  | LAME, CBR  | MP3 (+ Xing header to file) | 44.1 or 48 kHz        |
| aac  | AAC-LC     | ADTS (.aac); MP4 for .m4a   | 44.1 or 48 kHz        |
| opus | libopus    | Ogg (.opus)                 | 48 kHz (Opus is)      |
| flac | FLAC       | FLAC                        | source rate and depth |

ADTS is the AAC container for streaming: every frame carries its own header, so bytes can be
sent as they are encoded and a client can start anywhere. MP4 needs its index at the start
(or fragments); we write it only to a named .m4a/.mp4 file, with the index moved to the front.
Lossy outputs are at most stereo; FLAC keeps the source channels.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import av

from tonearm.media.audio.source import decoded_frames, open_input, output_rate, source_info
from tonearm.media.errors import CorruptAudio


@dataclass(frozen=True, slots=True)
class OutputFormat:
    container: str
    codec: str
    extension: str
    mime: str
    min_kbps: int
    max_kbps: int


OUTPUT_FORMATS: dict[str, OutputFormat] = {
    "mp3": OutputFormat("mp3", "libmp3lame", ".mp3", "audio/mpeg", 32, 320),
    "aac": OutputFormat("adts", "aac", ".aac", "audio/aac", 24, 512),
    "opus": OutputFormat("opus", "libopus", ".opus", "audio/ogg; codecs=opus", 6, 510),
    "flac": OutputFormat("flac", "flac", ".flac", "audio/flac", 0, 0),
}


class _Chunks:
    """A write-only, non-seekable file object that collects bytes for `transcode_iter`."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def write(self, data: bytes) -> int:
        self.buf += data
        return len(data)

    def take(self) -> bytes:
        out = bytes(self.buf)
        self.buf.clear()
        return out


def _check(fmt: str, bitrate_kbps: int) -> OutputFormat:
    spec = OUTPUT_FORMATS.get(fmt)
    if spec is None:
        raise ValueError(f"unknown format {fmt!r}; expected one of {sorted(OUTPUT_FORMATS)}")
    if spec.max_kbps and not spec.min_kbps <= bitrate_kbps <= spec.max_kbps:
        raise ValueError(f"{fmt} bitrate must be {spec.min_kbps}-{spec.max_kbps} kbit/s")
    return spec


def _encode(
    src: Any,
    out: Any,
    fmt: str,
    bitrate_kbps: int,
    progress: Callable[[float], None] | None = None,
) -> Iterator[None]:
    """Decode `src` once and encode into the open output `out`, pausing after each frame."""
    info = source_info(src)
    spec = OUTPUT_FORMATS[fmt]
    channels = info.channels if fmt == "flac" else min(info.channels, 2)
    layout = {1: "mono", 2: "stereo"}.get(channels) or src.streams.audio[0].codec_context.layout
    if fmt == "opus":
        rate, sample_fmt = 48000, "flt"
    elif fmt == "flac":
        deep = src.streams.audio[0].codec_context.format.bits > 16
        rate, sample_fmt = info.sample_rate, ("s32" if deep else "s16")
    else:
        rate, sample_fmt = output_rate(info.sample_rate), "fltp"
    stream = out.add_stream(spec.codec, rate=rate, layout=layout)
    stream.codec_context.format = sample_fmt
    if spec.max_kbps:
        stream.bit_rate = bitrate_kbps * 1000
    frames = decoded_frames(src, format=sample_fmt, layout=layout, rate=rate, progress=progress)
    for frame in frames:
        out.mux(stream.encode(frame))
        yield None
    out.mux(stream.encode(None))


def _output_options(fmt: str, dst: str | None) -> tuple[str, dict[str, str]]:
    spec = OUTPUT_FORMATS[fmt]
    if fmt == "aac" and dst is not None and dst.lower().endswith((".m4a", ".mp4")):
        return "ipod", {"movflags": "+faststart"}
    return spec.container, {}


def transcode(
    src_path: str | os.PathLike[str],
    dst: str | os.PathLike[str] | BinaryIO,
    fmt: str,
    bitrate_kbps: int = 192,
    *,
    progress: Callable[[float], None] | None = None,
) -> str | os.PathLike[str] | BinaryIO:
    """Transcode `src_path` to `dst` (a path, or a writable binary file object) as `fmt`.

    Returns `dst`. A partly written path is removed when transcoding fails.
    """
    _check(fmt, bitrate_kbps)
    is_path = isinstance(dst, str | os.PathLike)
    name = os.fspath(dst) if isinstance(dst, str | os.PathLike) else None
    container_fmt, options = _output_options(fmt, name)
    src = open_input(src_path)
    try:
        target: Any = name if name is not None else dst
        with av.open(target, "w", format=container_fmt, options=options) as out:
            for _ in _encode(src, out, fmt, bitrate_kbps, progress):
                pass
    except BaseException as exc:
        if is_path and name is not None:
            Path(name).unlink(missing_ok=True)
        if isinstance(exc, av.FFmpegError):
            raise CorruptAudio(f"Transcoding failed ({type(exc).__name__}).") from None
        raise
    finally:
        src.close()
    return dst


def transcode_iter(
    src_path: str | os.PathLike[str],
    fmt: str,
    bitrate_kbps: int = 192,
    chunk: int = 64 * 1024,
) -> Iterator[bytes]:
    """Yield the encoded stream in pieces of about `chunk` bytes as it is produced.

    Nothing is decoded until the first `next()`. Closing the generator early (client gone)
    stops decoding at once and releases the input; the rest of the output is discarded.
    """
    _check(fmt, bitrate_kbps)
    container_fmt, options = _output_options(fmt, None)
    src = open_input(src_path)
    sink = _Chunks()
    try:
        with av.open(sink, "w", format=container_fmt, options=options) as out:
            for _ in _encode(src, out, fmt, bitrate_kbps):
                if len(sink.buf) >= chunk:
                    yield sink.take()
        if sink.buf:  # the rest, and the trailer written on close
            yield sink.take()
    except av.FFmpegError:
        raise CorruptAudio("Transcoding failed.") from None
    finally:
        src.close()

"""Open an input safely and decode it once into frames of one sample format.

Shared by HLS packaging, transcoding and waveforms. The container is opened with the same
guards as `probe` (allowed demuxers, `file` protocol only, bounded probing, I/O timeouts) and
FFmpeg errors while decoding become `CorruptAudio`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av

from tonearm.media.audio.probe import OPEN_OPTIONS, TIMEOUT
from tonearm.media.errors import CorruptAudio, NotAudio
from tonearm.media.tag_guard import check_tags

_MAX_DECODE_ERRORS = 50  # isolated bad packets are skipped; this many means the file is broken


@dataclass(frozen=True, slots=True)
class SourceInfo:
    sample_rate: int
    channels: int
    duration: float  # seconds, 0.0 when unknown


def open_input(path: str | os.PathLike[str]) -> Any:
    """av.open with the probe's guards; raises NotAudio / CorruptAudio instead of av errors,
    and TagsTooLarge before FFmpeg would inflate an ID3 frame bomb."""
    check_tags(path)
    try:
        container = av.open(
            os.fspath(path),
            "r",
            options=dict(OPEN_OPTIONS),
            timeout=TIMEOUT,
            metadata_errors="ignore",
        )
    except FileNotFoundError:
        raise
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise CorruptAudio(f"The audio cannot be opened ({type(exc).__name__}).") from None
    if not container.streams.audio:
        container.close()
        raise NotAudio("The file has no audio stream.")
    return container


def source_info(container: Any) -> SourceInfo:
    stream = container.streams.audio[0]
    duration = 0.0
    if stream.duration is not None and stream.time_base:
        duration = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        duration = container.duration / av.time_base
    ctx = stream.codec_context
    return SourceInfo(int(ctx.sample_rate or 0), int(ctx.channels or 0), max(0.0, duration))


def output_rate(sample_rate: int) -> int:
    """44.1 kHz for the 44.1k family (CD, 88.2k, 176.4k...), 48 kHz for everything else."""
    return 44100 if sample_rate and sample_rate % 11025 == 0 else 48000


def decoded_frames(
    container: Any,
    *,
    format: str,
    layout: str,
    rate: int,
    frame_size: int | None = None,
    progress: Callable[[float], None] | None = None,
    resampler_options: dict[str, str] | None = None,
) -> Iterator[Any]:
    """Decode the first audio stream once, resampled to (format, layout, rate).

    Frames carry pts in 1/rate, counted in samples from 0. Isolated undecodable packets are
    skipped (as players do); more than _MAX_DECODE_ERRORS means the file is damaged.
    `progress` gets the fraction of the duration decoded so far, about once per second of audio.
    """
    stream = container.streams.audio[0]
    stream.thread_type = "AUTO"
    info = source_info(container)
    time_base = Fraction(1, rate)
    resampler = av.AudioResampler(
        format=format, layout=layout, rate=rate, frame_size=frame_size, options=resampler_options
    )
    errors = emitted = 0
    next_report = 0.0
    demuxer = container.demux(stream)
    while True:
        try:
            packet = next(demuxer)
        except StopIteration:
            break
        except (av.FFmpegError, OSError, ValueError) as exc:
            raise CorruptAudio(f"The audio cannot be read ({type(exc).__name__}).") from None
        try:
            frames = stream.codec_context.decode(packet)
        except (av.FFmpegError, ValueError):
            errors += 1
            if errors > _MAX_DECODE_ERRORS:
                raise CorruptAudio("Too many undecodable packets: the file is damaged.") from None
            continue
        for frame in frames:
            for out in resampler.resample(frame):
                out.pts = emitted  # laid end to end, whatever the source's timestamps did
                out.time_base = time_base  # pts counts samples (MP3 streams use 1/14112000)
                emitted += out.samples
                yield out
            if progress is not None and info.duration > 0 and emitted / rate >= next_report:
                next_report = emitted / rate + 1.0
                progress(min(1.0, emitted / rate / info.duration))
    for out in resampler.resample(None):
        out.pts = emitted
        out.time_base = time_base
        emitted += out.samples
        yield out


def audio_digest(path: str | os.PathLike[str]) -> str:
    """sha256 over the first audio stream's compressed packets (and its codec, rate and
    channels), without decoding. Tags live outside the packets (ID3 frames, FLAC metadata
    blocks, Vorbis comment headers, MP4 `udta`), so re-tagging a file or changing its cover
    leaves the digest alone: what was rendered from its audio can be kept."""
    container = open_input(path)
    try:
        stream = container.streams.audio[0]
        ctx = stream.codec_context
        h = hashlib.sha256(f"{ctx.name}\x00{ctx.sample_rate}\x00{ctx.channels}\x00".encode())
        for packet in container.demux(stream):
            if packet.size:
                h.update(memoryview(packet))
        return h.hexdigest()
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise CorruptAudio(f"The audio cannot be read ({type(exc).__name__}).") from None
    finally:
        container.close()

"""HLS packaging: one decode, an AAC-LC ladder, MPEG-TS segments, VOD playlists.

    out_dir/master.m3u8             EXT-X-STREAM-INF per rung (BANDWIDTH, AVERAGE-BANDWIDTH,
                                    CODECS="mp4a.40.2")
    out_dir/a128/index.m3u8         media playlist: VOD, TARGETDURATION, ENDLIST
    out_dir/a128/seg_00001.ts ...   ~segment_seconds each (never longer)

Segments are MPEG-TS rather than fMP4/CMAF: every HLS client plays audio-only TS (Safari and
iOS since the start, hls.js, ExoPlayer, Chromecast, smart TVs, old Androids), each segment
stands alone (no init segment to fetch or cache), and audio-only TS is what Apple's own
audio-only examples use. fMP4 saves ~5-10 % of bytes at 64 kbit/s; not worth the reach.

Speed: the source is decoded and resampled ONCE (to 44.1 or 48 kHz, mono or stereo, float
planar as the AAC encoder wants) and every frame is handed to one thread per rung that
encodes and muxes it. PyAV releases the GIL inside FFmpeg's encode and write calls, so the
rungs run in parallel like the ffmpeg CLI's own threads. Segments and the media playlists are
written by FFmpeg's `hls` muxer as encoding goes (segment files appear atomically, via
temp files); the master playlist is ours, written last, with measured bandwidths.

Segment length: FFmpeg's HLS muxer cuts at the first packet at or after n x hls_time, so a
segment can overrun by up to one AAC frame. We ask for (segment_seconds - one frame) so no
segment exceeds segment_seconds and EXT-X-TARGETDURATION stays at round(segment_seconds).
"""

from __future__ import annotations

import math
import os
import queue
import re
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av

from tonearm.media.audio.source import decoded_frames, open_input, output_rate, source_info
from tonearm.media.errors import CorruptAudio

DEFAULT_LADDER: tuple[tuple[int, str], ...] = ((64, "a64"), (128, "a128"), (256, "a256"))
AAC_LC = "mp4a.40.2"
_AAC_FRAME = 1024  # samples per AAC-LC frame
_QUEUE_FRAMES = 64  # frames buffered per rung between the decoder and its encoder
_STOP = object()  # sentinel: no more frames
_ABORT = object()  # sentinel: give up, the producer failed
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


@dataclass(frozen=True, slots=True)
class HlsRendition:
    name: str
    bitrate_kbps: int
    playlist: Path
    segments: tuple[Path, ...]
    bandwidth: int  # peak bits/s over any segment (what BANDWIDTH must be)
    average_bandwidth: int  # bits/s over the whole rendition


@dataclass(frozen=True, slots=True)
class HlsResult:
    master: Path
    renditions: tuple[HlsRendition, ...]
    duration: float  # seconds of audio packaged
    sample_rate: int
    channels: int
    segment_seconds: float
    container: str = "mpegts"


class _Rung(threading.Thread):
    """Encodes one bitrate: takes frames from its queue, writes segments and index.m3u8."""

    def __init__(
        self, out_dir: Path, name: str, kbps: int, rate: int, layout: str, hls_time: float
    ) -> None:
        super().__init__(name=f"hls-{name}", daemon=True)
        self.dir = out_dir / name
        self.name_ = name
        self.kbps = kbps
        self.rate = rate
        self.layout = layout
        self.hls_time = hls_time
        self.frames: queue.Queue[Any] = queue.Queue(maxsize=_QUEUE_FRAMES)
        self.error: BaseException | None = None
        self.ended = False  # the producer's _STOP or _ABORT was taken off the queue

    def run(self) -> None:
        try:
            self._encode()
        except BaseException as exc:
            self.error = exc
            while not self.ended:  # unblock the producer: drain until it says stop or abort
                self.ended = self.frames.get() in (_STOP, _ABORT)

    def _encode(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        options = {
            "hls_time": f"{self.hls_time:.6f}",
            "hls_list_size": "0",
            "hls_playlist_type": "vod",
            "hls_segment_type": "mpegts",
            "hls_segment_filename": str(self.dir / "seg_%05d.ts"),
            "start_number": "1",
            "hls_flags": "independent_segments+temp_file",
            "max_delay": "700000",
        }
        with av.open(str(self.dir / "index.m3u8"), "w", format="hls", options=options) as out:
            stream = out.add_stream("aac", rate=self.rate, layout=self.layout)
            stream.bit_rate = self.kbps * 1000
            while True:
                item = self.frames.get()
                if item is _STOP or item is _ABORT:
                    self.ended = True
                    if item is _ABORT:
                        return
                    break
                out.mux(stream.encode(item))
            out.mux(stream.encode(None))


def package_hls(
    src_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    ladder: Sequence[tuple[int, str]] = DEFAULT_LADDER,
    segment_seconds: float = 6.0,
    progress: Callable[[float], None] | None = None,
) -> HlsResult:
    """Package `src_path` as HLS into `out_dir` (see module doc). Synchronous; CPU-bound."""
    if not ladder:
        raise ValueError("ladder must have at least one rung")
    for kbps, name in ladder:
        if not _NAME.match(name) or not 16 <= kbps <= 512:
            raise ValueError(f"bad rung {(kbps, name)!r}")
    if not 1.0 <= segment_seconds <= 60.0:
        raise ValueError("segment_seconds must be between 1 and 60")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    container = open_input(src_path)
    try:
        info = source_info(container)
        rate = output_rate(info.sample_rate)
        layout = "mono" if info.channels == 1 else "stereo"
        hls_time = segment_seconds - _AAC_FRAME / rate
        rungs = [_Rung(out, name, kbps, rate, layout, hls_time) for kbps, name in ladder]
        for rung in rungs:
            rung.start()
        samples = 0
        try:
            frames = decoded_frames(
                container,
                format="fltp",
                layout=layout,
                rate=rate,
                frame_size=8 * _AAC_FRAME,
                progress=progress,
            )
            for frame in frames:
                samples += frame.samples
                for rung in rungs:
                    _put(rung, frame)
            for rung in rungs:
                _put(rung, _STOP)
        except BaseException:
            for rung in rungs:
                _put(rung, _ABORT, force=True)
            for rung in rungs:
                rung.join()
            for _, name in ladder:
                shutil.rmtree(out / name, ignore_errors=True)
            raise
        for rung in rungs:
            rung.join()
        failed = next((r.error for r in rungs if r.error is not None), None)
        if failed is not None:
            for _, name in ladder:
                shutil.rmtree(out / name, ignore_errors=True)
            if isinstance(failed, av.FFmpegError):
                raise CorruptAudio(f"Encoding failed ({failed}).") from failed
            raise failed
    finally:
        container.close()

    if samples == 0:
        raise CorruptAudio("The file holds no decodable audio.")
    renditions = tuple(_rendition(out / name, name, kbps) for kbps, name in ladder)
    master = out / "master.m3u8"
    _write_master(master, renditions)
    if progress is not None:
        progress(1.0)
    return HlsResult(
        master=master,
        renditions=renditions,
        duration=samples / rate,
        sample_rate=rate,
        channels=1 if layout == "mono" else 2,
        segment_seconds=segment_seconds,
    )


def _put(rung: _Rung, item: Any, *, force: bool = False) -> None:
    """Queue `item` for a rung; fail fast if the rung died (it then drains its queue)."""
    if rung.error is not None and not force:
        raise rung.error
    rung.frames.put(item)


def _rendition(rung_dir: Path, name: str, kbps: int) -> HlsRendition:
    playlist = rung_dir / "index.m3u8"
    durations: list[float] = []
    segments: list[Path] = []
    for line in playlist.read_text().splitlines():
        if line.startswith("#EXTINF:"):
            durations.append(float(line[8:].split(",")[0]))
        elif line and not line.startswith("#"):
            segments.append(rung_dir / line)
    sizes = [p.stat().st_size for p in segments]
    peak = max(
        (size * 8 / d for size, d in zip(sizes, durations, strict=True) if d > 0.5), default=0
    )
    total = sum(durations)
    average = sum(sizes) * 8 / total if total else 0
    return HlsRendition(
        name=name,
        bitrate_kbps=kbps,
        playlist=playlist,
        segments=tuple(segments),
        bandwidth=math.ceil(max(peak, average)),
        average_bandwidth=math.ceil(average),
    )


def _write_master(path: Path, renditions: Sequence[HlsRendition]) -> None:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for r in sorted(renditions, key=lambda r: r.bandwidth):
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={r.bandwidth},AVERAGE-BANDWIDTH={r.average_bandwidth},"
            f'CODECS="{AAC_LC}"'
        )
        lines.append(f"{r.name}/index.m3u8")
    tmp = path.with_suffix(".m3u8.tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)

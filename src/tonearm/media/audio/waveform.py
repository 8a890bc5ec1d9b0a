"""Waveform peaks for the player's scrubber: min/max per bucket of a mono mix, one decode.

Values are sample amplitudes in full scale, clamped to -1..1 (a quiet track looks quiet);
`normalize=True` scales them so the loudest peak reaches 1. The mono mix is the channel
average (FFmpeg's rematrix with its gains capped at unity sum, so it cannot clip).

The file is decoded once at its own sample rate (downsampling first would shave off peaks).
Samples are reduced to min/max per block of about 1/4 bucket as they are decoded, so memory
stays small, and the blocks are merged into exactly `buckets` at the end (the decoded length
is only known then). numpy is used when installed; without it, min() and max() over a float
memoryview run in C and keep a 5-minute track to about a second.
"""

from __future__ import annotations

import os
from typing import Any

from tonearm.media.audio.source import decoded_frames, open_input, source_info

try:  # optional speed-up
    import numpy as _np
except ImportError:  # pragma: no cover - depends on the environment
    _np = None


def _minmax(view: memoryview) -> tuple[float, float]:
    if _np is not None:
        arr = _np.frombuffer(view, dtype=_np.float32)
        return float(arr.min()), float(arr.max())
    return min(view), max(view)


def waveform_peaks(
    path: str | os.PathLike[str], buckets: int = 1000, *, normalize: bool = False
) -> list[tuple[float, float]]:
    """`buckets` (min, max) pairs over the whole track, each within -1..1."""
    if not 1 <= buckets <= 100_000:
        raise ValueError("buckets must be between 1 and 100000")
    container = open_input(path)
    try:
        info = source_info(container)
        expected = int(info.duration * info.sample_rate) if info.duration else 0
        block = max(1, expected // (buckets * 4)) if expected else 4096
        blocks: list[tuple[float, float]] = []
        lo, hi, filled = 0.0, 0.0, 0
        frames = decoded_frames(
            container,
            format="flt",
            layout="mono",
            rate=info.sample_rate,
            resampler_options={"rematrix_maxval": "1.0"},
        )
        for frame in frames:
            n = frame.samples
            samples: Any = memoryview(frame.planes[0]).cast("B")[: n * 4].cast("f")
            i = 0
            while i < n:
                take = min(block - filled, n - i)
                a, b = _minmax(samples[i : i + take])
                lo, hi = (a, b) if filled == 0 else (min(lo, a), max(hi, b))
                filled += take
                i += take
                if filled == block:
                    blocks.append((lo, hi))
                    filled = 0
        if filled:
            blocks.append((lo, hi))
    finally:
        container.close()
    return _merge(blocks, buckets, normalize)


def _merge(
    blocks: list[tuple[float, float]], buckets: int, normalize: bool
) -> list[tuple[float, float]]:
    if not blocks:
        return [(0.0, 0.0)] * buckets
    count = len(blocks)
    out: list[tuple[float, float]] = []
    for k in range(buckets):
        first = k * count // buckets
        last = max(first + 1, (k + 1) * count // buckets)  # fewer blocks than buckets: repeat
        part = blocks[first:last]
        out.append((min(p[0] for p in part), max(p[1] for p in part)))
    scale = 1.0
    if normalize:
        peak = max(max(-lo, hi) for lo, hi in out)
        scale = 1.0 / peak if peak > 0 else 1.0
    return [(max(-1.0, lo * scale), min(1.0, hi * scale)) for lo, hi in out]

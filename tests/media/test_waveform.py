from __future__ import annotations

import math
from pathlib import Path

import av
import pytest

from tests.audio_fixtures import make_audio
from tonearm.media.audio import waveform_peaks


def write_tone_then_silence(path: Path, amp: float = 0.5) -> Path:
    """2 s of a sine at `amp` on the left channel only, then 2 s of silence (WAV)."""
    rate = 8000
    with av.open(str(path), "w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=rate, layout="stereo")
        for second in range(4):
            frame = av.AudioFrame(format="s16", layout="stereo", samples=rate)
            frame.sample_rate = rate
            frame.pts = second * rate
            data = bytearray()
            for i in range(rate):
                v = int(amp * 32767 * math.sin(2 * math.pi * 440 * i / rate)) if second < 2 else 0
                data += v.to_bytes(2, "little", signed=True) + (0).to_bytes(2, "little")
            frame.planes[0].update(bytes(data))
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def test_peaks_shape_and_values(tmp_path: Path) -> None:
    peaks = waveform_peaks(write_tone_then_silence(tmp_path / "t.wav"), buckets=100)
    assert len(peaks) == 100
    assert all(-1.0 <= lo <= hi <= 1.0 for lo, hi in peaks)
    # Mono mix is the channel average: 0.5 on the left, 0 on the right -> 0.25.
    for lo, hi in peaks[2:48]:
        assert hi == pytest.approx(0.25, abs=0.01) and lo == pytest.approx(-0.25, abs=0.01)
    for lo, hi in peaks[52:]:
        assert lo == hi == 0.0


def test_normalize_scales_to_full(tmp_path: Path) -> None:
    peaks = waveform_peaks(write_tone_then_silence(tmp_path / "t.wav"), buckets=50, normalize=True)
    assert max(hi for _, hi in peaks) == pytest.approx(1.0, abs=0.001)
    assert peaks[-1] == (0.0, 0.0)


@pytest.mark.parametrize("fmt", ["mp3", "opus", "m4a_aac"])
def test_lossy_formats_and_bucket_counts(fmt: str, tmp_path: Path) -> None:
    path = make_audio(tmp_path / f"s.{fmt}", fmt, seconds=5.0)
    for buckets in (1, 7, 1000, 5000):  # more buckets than blocks: still that many
        peaks = waveform_peaks(path, buckets=buckets)
        assert len(peaks) == buckets
        assert all(-1.0 <= lo <= hi <= 1.0 for lo, hi in peaks)
    # The same signal, lossless, gives the same envelope (lossy codecs stay within a few %).
    reference = waveform_peaks(make_audio(tmp_path / "s.flac", "flac", seconds=5.0), 10)
    peaks = waveform_peaks(path, buckets=10)
    assert max(hi for _, hi in reference) > 0.3
    for (lo, hi), (ref_lo, ref_hi) in zip(peaks, reference, strict=True):
        assert hi == pytest.approx(ref_hi, abs=0.04) and lo == pytest.approx(ref_lo, abs=0.04)


def test_bad_bucket_count(tmp_path: Path) -> None:
    path = make_audio(tmp_path / "s.flac", "flac", seconds=0.5)
    with pytest.raises(ValueError):
        waveform_peaks(path, buckets=0)

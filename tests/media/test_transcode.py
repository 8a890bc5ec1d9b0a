from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import av
import pytest

from tests.audio_fixtures import FORMATS, make_text_as_mp3
from tonearm.media.audio import CorruptAudio, NotAudio, probe, transcode, transcode_iter

# fmt -> (container FFmpeg reads back, codec, sample rate for a 44.1 kHz source)
EXPECT = {
    "mp3": ("mp3", "mp3", 44100),
    "aac": ("aac", "aac", 44100),
    "opus": ("ogg", "opus", 48000),
    "flac": ("flac", "flac", 44100),
}


def decode(source: str | io.BytesIO) -> tuple[str, str, int, int, float]:
    with av.open(source) as c:
        stream = c.streams.audio[0]
        samples = sum(f.samples for f in c.decode(stream))
        return (
            c.format.name,
            stream.codec_context.codec.canonical_name,
            stream.rate,
            stream.channels,
            samples / stream.rate,
        )


@pytest.mark.parametrize("fmt", ["mp3", "aac", "opus", "flac"])
@pytest.mark.parametrize("src_fmt", ["flac", "mp3", "m4a_alac", "opus"])
def test_transcode_each_format(
    fmt: str, src_fmt: str, long_file: Callable[[str], Path], tmp_path: Path
) -> None:
    dst = tmp_path / f"out.{fmt}"
    assert transcode(long_file(src_fmt), dst, fmt, 128) == dst
    container, codec, rate, channels, seconds = decode(str(dst))
    want_container, want_codec, want_rate = EXPECT[fmt]
    if src_fmt == "opus" and fmt != "opus":
        want_rate = 48000  # the 48 kHz family stays at 48 kHz
    assert (container, codec, rate, channels) == (want_container, want_codec, want_rate, 2)
    assert seconds == pytest.approx(20.0, abs=0.1)
    size = dst.stat().st_size
    if fmt != "flac":  # CBR-ish: 128 kbit/s for 20 s is ~320 kB
        assert 200_000 < size < 450_000


def test_aac_to_m4a_is_an_accepted_upload(long_file: Callable[[str], Path], tmp_path: Path) -> None:
    dst = transcode(long_file("wav"), tmp_path / "x.m4a", "aac", 192)
    info = probe(dst)
    assert (info.format_name, info.container) == ("aac", "mp4")
    assert info.bitrate == pytest.approx(192_000, rel=0.15)


def test_transcode_to_file_object(long_file: Callable[[str], Path]) -> None:
    buf = io.BytesIO()
    transcode(long_file("flac"), buf, "mp3", 96)
    buf.seek(0)
    assert decode(buf)[1] == "mp3"


@pytest.mark.parametrize("fmt", ["mp3", "aac", "opus", "flac"])
def test_transcode_iter_streams_whole_file(fmt: str, long_file: Callable[[str], Path]) -> None:
    chunks = list(transcode_iter(long_file("m4a_aac"), fmt, 128, chunk=16 * 1024))
    assert len(chunks) > 3
    assert all(chunks) and all(len(c) >= 16 * 1024 for c in chunks[:-1])
    data = b"".join(chunks)
    _, codec, _, _, seconds = decode(io.BytesIO(data))
    assert codec == EXPECT[fmt][1]
    assert seconds == pytest.approx(20.0, abs=0.1)


def test_transcode_iter_can_stop_early(long_file: Callable[[str], Path]) -> None:
    gen = transcode_iter(long_file("flac"), "mp3", 128, chunk=8 * 1024)
    first = next(gen)
    assert first[:3] in (b"ID3", b"\xff\xfb\x90"[:3]) or first[0] == 0xFF
    gen.close()  # the client went away: no error, generator finished
    with pytest.raises(StopIteration):
        next(gen)


def test_transcode_iter_is_lazy_and_reports_bad_input(tmp_path: Path) -> None:
    gen = transcode_iter(make_text_as_mp3(tmp_path / "t.mp3"), "mp3", 128)
    with pytest.raises((NotAudio, CorruptAudio)):
        next(gen)


@pytest.mark.parametrize("src_fmt", FORMATS)
def test_every_source_format_transcodes(
    src_fmt: str, tagged: Callable[[str], Path], tmp_path: Path
) -> None:
    # Tagged sources carry a cover (an attached picture stream): it must be ignored.
    dst = transcode(tagged(src_fmt), tmp_path / "o.opus", "opus", 64)
    assert decode(str(dst))[4] == pytest.approx(3.0, abs=0.1)


def test_bad_arguments(long_file: Callable[[str], Path], tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        transcode(long_file("flac"), tmp_path / "x.wma", "wma", 128)
    with pytest.raises(ValueError):
        transcode(long_file("flac"), tmp_path / "x.mp3", "mp3", 5000)
    with pytest.raises((NotAudio, CorruptAudio)):
        transcode(make_text_as_mp3(tmp_path / "t.mp3"), tmp_path / "y.mp3", "mp3", 128)
    assert not (tmp_path / "y.mp3").exists()

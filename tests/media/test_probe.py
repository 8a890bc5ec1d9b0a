from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.audio_fixtures import (
    FORMATS,
    make_audio,
    make_bad_header,
    make_corrupt,
    make_picture,
    make_text_as_mp3,
    make_truncated,
    make_video,
)
from tonearm.kit.errors import Unprocessable, UnsupportedMedia
from tonearm.media.audio import AudioInfo, CorruptAudio, NotAudio, probe

EXPECTED = {
    "mp3": ("mp3", "mp3", "mp3", None),
    "flac": ("flac", "flac", "flac", 16),
    "ogg": ("vorbis", "ogg", "vorbis", None),
    "opus": ("opus", "ogg", "opus", None),
    "m4a_aac": ("aac", "mp4", "aac", None),
    "m4a_alac": ("alac", "mp4", "alac", 16),
    "wav": ("wav", "wav", "pcm_s16le", 16),
    "aiff": ("aiff", "aiff", "pcm_s16be", 16),
}


@pytest.mark.parametrize("fmt", FORMATS)
def test_probe_reports_format_and_facts(fmt: str, tagged: Callable[[str], Path]) -> None:
    info = probe(tagged(fmt))
    format_name, container, codec, bits = EXPECTED[fmt]
    assert isinstance(info, AudioInfo)
    assert (info.format_name, info.container, info.codec) == (format_name, container, codec)
    assert info.duration == pytest.approx(3.0, abs=0.1)
    assert info.sample_rate == (48000 if fmt == "opus" else 44100)
    assert info.channels == 2
    assert info.bits_per_sample == bits
    assert info.has_picture is True
    lossless = fmt in ("flac", "m4a_alac", "wav", "aiff")
    assert info.lossless is lossless
    if lossless:
        assert info.bitrate > 500_000
    else:
        assert 64_000 < info.bitrate < 400_000


@pytest.mark.parametrize("fmt", FORMATS)
def test_probe_detects_by_content_not_name(
    fmt: str, long_file: Callable[[str], Path], tmp_path: Path
) -> None:
    wrong = ".flac" if fmt == "mp3" else ".mp3"
    renamed = tmp_path / f"misnamed{wrong}"
    shutil.copy(long_file(fmt), renamed)
    info = probe(renamed)
    assert info.format_name == EXPECTED[fmt][0]
    assert info.duration == pytest.approx(20.0, abs=0.1)
    assert info.has_picture is False


def test_untagged_file_has_no_picture(long_file: Callable[[str], Path]) -> None:
    assert probe(long_file("flac")).has_picture is False


def test_text_named_mp3_is_not_audio(tmp_path: Path) -> None:
    with pytest.raises(NotAudio) as exc:
        probe(make_text_as_mp3(tmp_path / "song.mp3"))
    assert isinstance(exc.value, UnsupportedMedia)
    assert exc.value.code == "unsupported_media" and exc.value.status == 415


def test_image_is_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "cover.mp3"
    path.write_bytes(make_picture((64, 64)))
    with pytest.raises(NotAudio):
        probe(path)


@pytest.mark.parametrize("with_audio", [False, True])
def test_video_is_not_audio(tmp_path: Path, with_audio: bool) -> None:
    with pytest.raises(NotAudio) as exc:
        probe(make_video(tmp_path / "clip.m4a", with_audio=with_audio))
    assert "ideo" in (exc.value.detail or "")


def test_unsupported_audio_format_is_named(tmp_path: Path) -> None:
    import av

    path = tmp_path / "song.mka"  # Matroska audio: real audio, not a format we accept
    with av.open(str(path), "w", format="matroska") as out:
        stream = out.add_stream("flac", rate=44100)
        from tests.audio_fixtures import _signal

        for frame in _signal(1.0, 44100, 2, 1):
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    with pytest.raises(NotAudio) as exc:
        probe(path)
    assert "Matroska" in (exc.value.detail or "")


def test_empty_and_missing_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    with pytest.raises(NotAudio):
        probe(empty)
    with pytest.raises(FileNotFoundError):
        probe(tmp_path / "nope.mp3")


@pytest.mark.parametrize("fmt", FORMATS)
def test_truncated_to_header_is_corrupt(
    fmt: str, long_file: Callable[[str], Path], tmp_path: Path
) -> None:
    bad = make_truncated(tmp_path / f"cut.{fmt}", long_file(fmt))
    assert bad.stat().st_size < long_file(fmt).stat().st_size // 10
    with pytest.raises(CorruptAudio) as exc:
        probe(bad)
    assert isinstance(exc.value, Unprocessable)
    assert exc.value.code == "corrupt_audio" and exc.value.status == 422


# PCM (WAV/AIFF) has no structure in its data: any bytes are valid samples, so garbage in the
# middle is (correctly) just noise. For those, the damage that can be detected is a header.
COMPRESSED = [f for f in FORMATS if f not in ("wav", "aiff")]


@pytest.mark.parametrize("fmt", COMPRESSED)
def test_garbage_in_the_middle_is_corrupt(
    fmt: str, long_file: Callable[[str], Path], tmp_path: Path
) -> None:
    bad = make_corrupt(tmp_path / f"bad.{fmt}", long_file(fmt))
    with pytest.raises(CorruptAudio):
        probe(bad)


@pytest.mark.parametrize("fmt", ["wav", "aiff", "m4a_aac", "flac"])
def test_scrambled_header_is_corrupt(
    fmt: str, long_file: Callable[[str], Path], tmp_path: Path
) -> None:
    bad = make_bad_header(tmp_path / f"hdr.{fmt}", long_file(fmt))
    with pytest.raises(CorruptAudio):
        probe(bad)


@pytest.mark.parametrize("fmt", ["wav", "aiff"])
def test_pcm_tolerates_garbage_in_its_samples(
    fmt: str, long_file: Callable[[str], Path], tmp_path: Path
) -> None:
    # Documents the limit above: the file still decodes, so it is reported as audio.
    bad = make_corrupt(tmp_path / f"noise.{fmt}", long_file(fmt))
    assert probe(bad).format_name == fmt


@pytest.mark.parametrize("seconds", [0.5, 2.5, 61.0])
@pytest.mark.parametrize("fmt", ["mp3", "flac", "opus", "m4a_aac"])
def test_valid_files_of_any_length_pass(fmt: str, seconds: float, tmp_path: Path) -> None:
    path = make_audio(tmp_path / f"x.{fmt}", fmt, seconds=seconds, sample_rate=48000, channels=1)
    info = probe(path)
    assert info.duration == pytest.approx(seconds, abs=0.1)
    assert info.channels == 1


def test_random_bytes_never_crash(tmp_path: Path) -> None:
    import random

    rnd = random.Random(3)
    heads = [b"", b"ID3", b"fLaC", b"OggS", b"RIFF\x00\x00\x00\x00WAVE", b"\xff\xfb\x90\x00"]
    for i in range(30):
        path = tmp_path / f"r{i}.mp3"
        path.write_bytes(heads[i % len(heads)] + rnd.randbytes(rnd.randint(0, 20000)))
        with pytest.raises((NotAudio, CorruptAudio)):
            probe(path)

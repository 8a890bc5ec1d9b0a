from __future__ import annotations

import re
from pathlib import Path

import av
import pytest

from tests.audio_fixtures import make_audio, make_text_as_mp3
from tonearm.media.audio import CorruptAudio, HlsResult, NotAudio, package_hls


def parse_attrs(line: str) -> dict[str, str]:
    return {k: v.strip('"') for k, v in re.findall(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)', line)}


def parse_media(path: Path) -> tuple[dict[str, str], list[tuple[float, str]]]:
    lines = path.read_text().splitlines()
    assert lines[0] == "#EXTM3U"
    tags: dict[str, str] = {}
    segments: list[tuple[float, str]] = []
    pending: float | None = None
    for line in lines[1:]:
        if line.startswith("#EXTINF:"):
            pending = float(line[8:].split(",")[0])
        elif line.startswith("#"):
            key, _, value = line[1:].partition(":")
            tags[key] = value
        elif line:
            assert pending is not None, "segment URI without EXTINF"
            segments.append((pending, line))
            pending = None
    assert lines[-1] == "#EXT-X-ENDLIST"
    return tags, segments


def decoded_seconds(path: Path) -> tuple[float, int, int]:
    with av.open(str(path)) as c:
        stream = c.streams.audio[0]
        assert stream.codec_context.name == "aac"
        samples = sum(f.samples for f in c.decode(stream))
        return samples / stream.rate, stream.rate, stream.channels


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> tuple[HlsResult, Path, list[float]]:
    base = tmp_path_factory.mktemp("hls")
    src = make_audio(base / "src.flac", "flac", seconds=20.0)
    seen: list[float] = []
    result = package_hls(src, base / "out", progress=seen.append)
    return result, base / "out", seen


def test_master_playlist(packaged: tuple[HlsResult, Path, list[float]]) -> None:
    result, out, _ = packaged
    assert result.master == out / "master.m3u8"
    lines = result.master.read_text().splitlines()
    assert lines[0] == "#EXTM3U"
    variants = [
        (parse_attrs(lines[i]), lines[i + 1])
        for i, line in enumerate(lines)
        if line.startswith("#EXT-X-STREAM-INF:")
    ]
    assert [uri for _, uri in variants] == ["a64/index.m3u8", "a128/index.m3u8", "a256/index.m3u8"]
    bandwidths = []
    for attrs, _ in variants:
        assert attrs["CODECS"] == "mp4a.40.2"
        bandwidths.append(int(attrs["BANDWIDTH"]))
        assert int(attrs["AVERAGE-BANDWIDTH"]) <= int(attrs["BANDWIDTH"])
    assert bandwidths == sorted(bandwidths) and len(set(bandwidths)) == 3
    # Each rung is near its nominal bitrate (MPEG-TS adds ~10 %).
    for (attrs, _), kbps in zip(variants, (64, 128, 256), strict=True):
        assert kbps * 1000 * 0.8 < int(attrs["AVERAGE-BANDWIDTH"]) < kbps * 1000 * 1.25


@pytest.mark.parametrize("rung", ["a64", "a128", "a256"])
def test_media_playlists_and_segments(
    rung: str, packaged: tuple[HlsResult, Path, list[float]]
) -> None:
    result, out, _ = packaged
    tags, segments = parse_media(out / rung / "index.m3u8")
    assert tags["EXT-X-PLAYLIST-TYPE"] == "VOD"
    target = int(tags["EXT-X-TARGETDURATION"])
    assert target == 6
    assert len(segments) == 4  # 20 s in ~6 s pieces
    assert [uri for _, uri in segments] == [f"seg_{i:05d}.ts" for i in range(1, 5)]
    for duration, _ in segments[:-1]:
        assert 5.5 < duration <= 6.0
    assert all(d <= target for d, _ in segments)
    assert sum(d for d, _ in segments) == pytest.approx(20.0, abs=0.2)
    total = 0.0
    for duration, uri in segments:
        seg = out / rung / uri
        assert seg.read_bytes()[:1] == b"\x47"  # MPEG-TS sync byte
        seconds, rate, channels = decoded_seconds(seg)
        assert (rate, channels) == (44100, 2)
        assert seconds == pytest.approx(duration, abs=0.1)
        total += seconds
    assert total == pytest.approx(20.0, abs=0.2)
    rendition = next(r for r in result.renditions if r.name == rung)
    assert [p.name for p in rendition.segments] == [uri for _, uri in segments]
    assert not list((out / rung).glob("*.tmp"))


def test_result_and_progress(packaged: tuple[HlsResult, Path, list[float]]) -> None:
    result, _, seen = packaged
    assert result.duration == pytest.approx(20.0, abs=0.05)
    assert (result.sample_rate, result.channels, result.container) == (44100, 2, "mpegts")
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) >= 10
    assert 0 <= seen[0] < 0.2 and seen[1] > seen[0]


def test_48k_mono_source_and_custom_ladder(tmp_path: Path) -> None:
    src = make_audio(tmp_path / "m.opus", "opus", seconds=9.0, channels=1)
    result = package_hls(src, tmp_path / "o", ladder=((96, "mid"),), segment_seconds=4.0)
    assert [r.name for r in result.renditions] == ["mid"]
    tags, segments = parse_media(tmp_path / "o" / "mid" / "index.m3u8")
    assert int(tags["EXT-X-TARGETDURATION"]) == 4
    assert all(d <= 4.0 for d, _ in segments)
    _, rate, channels = decoded_seconds(tmp_path / "o" / "mid" / segments[0][1])
    assert (rate, channels) == (48000, 1)
    total = sum(decoded_seconds(tmp_path / "o" / "mid" / uri)[0] for _, uri in segments)
    assert total == pytest.approx(9.0, abs=0.2)


def test_not_audio_leaves_nothing(tmp_path: Path) -> None:
    bad = make_text_as_mp3(tmp_path / "t.mp3")
    with pytest.raises((NotAudio, CorruptAudio)):
        package_hls(bad, tmp_path / "out")
    assert not any((tmp_path / "out").rglob("*.ts"))
    assert not (tmp_path / "out" / "master.m3u8").exists()


def test_bad_arguments(tmp_path: Path) -> None:
    src = make_audio(tmp_path / "s.mp3", "mp3", seconds=0.5)
    with pytest.raises(ValueError):
        package_hls(src, tmp_path / "o", ladder=((64, "../evil"),))
    with pytest.raises(ValueError):
        package_hls(src, tmp_path / "o", ladder=())


@pytest.mark.parametrize("fmt", ["mp3", "ogg", "opus", "m4a_aac", "m4a_alac", "wav", "aiff"])
def test_every_input_format_packages(tmp_path: Path, fmt: str) -> None:
    # MP3 streams carry a 1/14112000 time base: the resampled frames must not inherit it.
    src = make_audio(tmp_path / f"in.{fmt}", fmt, seconds=3.0)
    result = package_hls(src, tmp_path / "out")
    assert abs(result.duration - 3.0) < 0.1
    assert all(r.segments for r in result.renditions)

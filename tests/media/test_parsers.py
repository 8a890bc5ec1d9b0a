"""`media.parsers`: the parser picked from the header is the one `mutagen.File` picks."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import mutagen
import pytest

from tests.audio_fixtures import EXTENSIONS, FORMATS, make_audio
from tonearm.media.parsers import known_kind, open_audio

FAST = ("mp3", "flac", "ogg", "opus")  # the formats picked without mutagen's scoring


def _pick(path: Path) -> tuple[type | None, object]:
    """(the header's pick, or None; the type `open_audio` returns, or the exception's)."""
    with open(path, "rb") as fh:
        kind = known_kind(fh.read(128), str(path))
        return kind, _outcome(lambda: open_audio(fh, str(path)))


def _outcome(call: Callable[[], object]) -> object:
    try:
        audio = call()
    except Exception as exc:
        return type(exc)
    return type(audio) if audio is not None else None


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("with_tags", [True, False])
def test_the_pick_is_mutagens(
    fmt: str, with_tags: bool, tagged: Callable[[str], Path], tmp_path: Path
) -> None:
    path = tagged(fmt) if with_tags else make_audio(tmp_path / f"x{EXTENSIONS[fmt]}", fmt)
    kind, opened = _pick(path)
    expected = _outcome(lambda: mutagen.File(path, easy=False))
    assert opened is expected and expected is not None
    assert kind is (expected if fmt in FAST else None)


@pytest.mark.parametrize("fmt", FAST)
@pytest.mark.parametrize("ext", [".mp3", ".flac", ".ogg", ".m4a", ".wav", ".tta", ".bin"])
def test_a_misnamed_file_goes_to_mutagens_scoring(
    fmt: str, ext: str, tagged: Callable[[str], Path], tmp_path: Path
) -> None:
    path = Path(shutil.copy(tagged(fmt), tmp_path / f"x{ext}"))
    kind, opened = _pick(path)
    assert opened is _outcome(lambda: mutagen.File(path, easy=False))
    if kind is not None:
        assert kind is opened


def test_headers_that_name_two_formats_are_left_to_mutagen() -> None:
    both = b"OggS" + b"\x00" * 24 + b"\x01vorbis" + b"OpusHead"
    assert known_kind(both, "x.ogg") is None
    assert known_kind(b"OggS" + b"\x00" * 24 + b"\x01vorbis ftyp", "x.ogg") is None
    assert known_kind(b"OggS" + b"\x00" * 24 + b"\x7fFLAC\x01vorbis", "x.ogg") is None
    assert known_kind(b"fLaC" + b"\x00" * 60, "x.mp3") is None
    assert known_kind(b"\xff\xe3" + b"\x00" * 60, "x.mp3") is None  # MPEG 2.5: mutagen scores

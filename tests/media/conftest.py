"""Audio files synthesized once per session (see tests/audio_fixtures.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.audio_fixtures import EXTENSIONS, FULL_TAGS, make_audio, make_picture


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audio")


@pytest.fixture(scope="session")
def cover() -> bytes:
    return make_picture((800, 800))


@pytest.fixture(scope="session")
def tagged(audio_dir: Path, cover: bytes) -> Callable[[str], Path]:
    """fmt -> a 3 s file of that format with FULL_TAGS and a front cover."""
    cache: dict[str, Path] = {}

    def get(fmt: str) -> Path:
        if fmt not in cache:
            path = audio_dir / "tagged" / f"{fmt}{EXTENSIONS[fmt]}"
            cache[fmt] = make_audio(path, fmt, tags=FULL_TAGS, picture=cover)
        return cache[fmt]

    return get


@pytest.fixture(scope="session")
def long_file(audio_dir: Path) -> Callable[[str], Path]:
    """fmt -> a 20 s untagged file (long enough for the probe's middle/end windows)."""
    cache: dict[str, Path] = {}

    def get(fmt: str) -> Path:
        if fmt not in cache:
            path = audio_dir / "long" / f"{fmt}{EXTENSIONS[fmt]}"
            cache[fmt] = make_audio(path, fmt, seconds=20.0)
        return cache[fmt]

    return get

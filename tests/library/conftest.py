from __future__ import annotations

from pathlib import Path

import pytest

from tests.audio_fixtures import make_audio, make_picture
from tests.library.factories import upload, wait_job  # noqa: F401  (their old import path)


@pytest.fixture(scope="session")
def audio_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audio")


@pytest.fixture(scope="session")
def tagged_mp3(audio_dir: Path) -> Path:
    return make_audio(
        audio_dir / "tagged.mp3",
        "mp3",
        seconds=8.0,
        tags={
            "title": "Jóga",
            "artists": ["Björk"],
            "album": "Homogenic",
            "album_artist": "Björk",
            "track_number": 3,
            "track_total": 10,
            "disc_number": 1,
            "date": "1997-09-22",
            "genres": ["Electronic", "Art Pop"],
            "isrc": "GBAAN9700003",
        },
        picture=make_picture(size=(700, 700)),
    )

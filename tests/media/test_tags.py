from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mutagen import id3

from tests.audio_fixtures import EXTENSIONS, FORMATS, FULL_TAGS, make_audio, make_picture
from tonearm.media.tags import parse_path, read_tags, split_artists

# Everything in FULL_TAGS is supported by every format's native tags, except that an MP4
# BPM ("tmpo") is an integer (FULL_TAGS uses a whole BPM so it round-trips everywhere).


@pytest.mark.parametrize("fmt", FORMATS)
def test_all_fields_round_trip(fmt: str, tagged: Callable[[str], Path], cover: bytes) -> None:
    tags = read_tags(tagged(fmt))
    for name, expected in FULL_TAGS.items():
        got = getattr(tags, name)
        if isinstance(expected, float):
            # Opus stores gains as Q7.8 integers: 1/256 dB steps.
            assert got == pytest.approx(expected, abs=0.01), name
        else:
            assert got == expected, name
    assert tags.year == 2004
    assert tags.pictures == [("image/jpeg", cover)]
    assert tags.from_path == []
    assert tags.duration == pytest.approx(3.0, abs=0.1)
    assert tags.channels == 2
    assert tags.sample_rate == (48000 if fmt == "opus" else 44100)
    assert tags.bitrate and tags.bitrate > 32_000


NAMES = [
    ["東京事変"],
    ["Björk"],
    ["Сплин", "Би-2"],
    ["Simon & Garfunkel"],
    ["Earth, Wind & Fire", "Björk"],
]


@pytest.mark.parametrize("artists", NAMES, ids=lambda a: "+".join(a))
@pytest.mark.parametrize("fmt", FORMATS)
def test_artists_and_non_latin_round_trip(fmt: str, artists: list[str], tmp_path: Path) -> None:
    title = f"{artists[0]} — 夜"
    path = make_audio(
        tmp_path / f"a{EXTENSIONS[fmt]}",
        fmt,
        seconds=0.5,
        tags={"title": title, "artists": artists, "album": "Альбом"},
    )
    tags = read_tags(path)
    assert tags.artists == artists
    assert tags.title == title
    assert tags.album == "Альбом"


def test_strings_are_nfc_and_stripped(tmp_path: Path) -> None:
    decomposed = "Bjo\u0308rk"  # o + combining diaeresis
    path = make_audio(
        tmp_path / "n.flac",
        "flac",
        seconds=0.5,
        tags={
            "title": f"  {decomposed}  ",
            "artists": [decomposed, " "],
            "genres": ["", "Pop", "Pop"],
        },
    )
    tags = read_tags(path)
    assert tags.title == "Björk" and tags.title.encode() == "Björk".encode()
    assert tags.artists == ["Björk"]
    assert tags.genres == ["Pop"]


@pytest.mark.parametrize("fmt", ["mp3", "wav", "aiff"])
def test_id3v23_slash_separated_artists(fmt: str, tmp_path: Path) -> None:
    # mutagen writes ID3v2.3 multi-values joined with "/", the v2.3 separator.
    path = make_audio(
        tmp_path / f"v23{EXTENSIONS[fmt]}",
        fmt,
        seconds=0.5,
        id3_version=3,
        tags={"title": "Ünïcödé", "artists": ["Björk", "Сплин"], "album": "X", "date": "1999"},
    )
    audio = id3.ID3(path) if fmt == "mp3" else None
    if audio is not None:
        assert audio.version == (2, 3, 0)
    tags = read_tags(path)
    assert tags.artists == ["Björk", "Сплин"]
    assert tags.title == "Ünïcödé"
    assert tags.year == 1999


def test_id3v23_tpe1_only_splits_on_slash_but_not_acdc(tmp_path: Path) -> None:
    path = tmp_path / "acdc.mp3"
    make_audio(path, "mp3", seconds=0.5)
    tag = id3.ID3()
    tag.add(id3.TIT2(encoding=1, text=["Thunderstruck"]))
    tag.add(id3.TPE1(encoding=1, text=["AC/DC"]))
    tag.save(path, v2_version=3)
    assert read_tags(path).artists == ["AC/DC"]
    tag.add(id3.TPE1(encoding=1, text=["Simon & Garfunkel/Björk"]))
    tag.save(path, v2_version=3)
    assert read_tags(path).artists == ["Simon & Garfunkel", "Björk"]


def test_id3v24_single_value_is_not_split(tmp_path: Path) -> None:
    path = make_audio(
        tmp_path / "one.mp3",
        "mp3",
        seconds=0.5,
        tags={"title": "T", "artists": ["AC/DC; Friends & Co, Ltd"]},
    )
    assert read_tags(path).artists == ["AC/DC; Friends & Co, Ltd"]


@pytest.mark.parametrize(
    ("value", "multi", "expected"),
    [
        ("Simon & Garfunkel", False, ["Simon & Garfunkel"]),
        ("Earth, Wind & Fire", False, ["Earth, Wind & Fire"]),
        ("Daft Punk", False, ["Daft Punk"]),
        ("Jay-Z feat. Alicia Keys", False, ["Jay-Z", "Alicia Keys"]),
        ("A ft. B & C", False, ["A", "B & C"]),
        ("Eminem featuring Rihanna", False, ["Eminem", "Rihanna"]),
        ("Mark Ronson (feat. Bruno Mars)", False, ["Mark Ronson", "Bruno Mars"]),
        ("Artist [Feat. Guest]", False, ["Artist", "Guest"]),
        ("A/B", False, ["A/B"]),
        ("AC/DC", True, ["AC/DC"]),
        ("Björk/Сплин", True, ["Björk", "Сплин"]),
        ("A; B", True, ["A", "B"]),
        ("X\x00Y", True, ["X", "Y"]),
        (
            ["Simon & Garfunkel", "Björk feat. Sigur Rós"],
            True,
            ["Simon & Garfunkel", "Björk", "Sigur Rós"],
        ),
        (["A", "a", " ", ""], True, ["A"]),
        (None, False, []),
    ],
)
def test_split_artists(value: Any, multi: bool, expected: list[str]) -> None:
    assert split_artists(value, explicit_multi=multi) == expected


@pytest.mark.parametrize(
    ("relpath", "expected"),
    [
        (
            "Music/Björk/Homogenic/01 - Björk - Jóga.mp3",
            {"track_number": 1, "artists": ["Björk"], "title": "Jóga", "album": "Homogenic"},
        ),
        (
            "Music/Сплин/2004 - Реверсивная хроника/07. Романс.flac",
            {
                "track_number": 7,
                "title": "Романс",
                "album": "Реверсивная хроника",
                "year": 2004,
                "artists": ["Сплин"],
            },
        ),
        (
            "Music/東京事変/教育 (2004)/3 群青日和.ogg",
            {
                "track_number": 3,
                "title": "群青日和",
                "album": "教育",
                "year": 2004,
                "artists": ["東京事変"],
            },
        ),
        (
            "Downloads/Simon & Garfunkel - The Boxer.flac",
            {"artists": ["Simon & Garfunkel"], "title": "The Boxer"},
        ),
        ("Downloads/some_random_name.mp3", {"title": "some random name"}),
    ],
)
def test_parse_path(relpath: str, expected: dict[str, Any], tmp_path: Path) -> None:
    assert parse_path(tmp_path / relpath) == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_untagged_file_falls_back_to_path(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "Сплин" / "Гранатовый альбом" / f"05 - Орбит без сахара{EXTENSIONS[fmt]}"
    make_audio(path, fmt, seconds=0.5)
    tags = read_tags(path)
    assert tags.title == "Орбит без сахара"
    assert tags.artists == ["Сплин"]
    assert tags.album == "Гранатовый альбом"
    assert tags.track_number == 5
    assert set(tags.from_path) == {"title", "artists", "album", "track_number"}
    assert tags.pictures == [] and tags.genres == [] and tags.explicit is None
    assert tags.duration == pytest.approx(0.5, abs=0.1)


def test_partial_tags_keep_tags_and_fill_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "Artist Folder" / "Album Folder" / "02 Name From File.flac"
    make_audio(path, "flac", seconds=0.5, tags={"title": "Tagged Title"})
    tags = read_tags(path)
    assert tags.title == "Tagged Title"
    assert tags.artists == ["Artist Folder"]
    assert tags.from_path == ["artists", "album", "track_number"]


def test_front_cover_comes_first(tmp_path: Path) -> None:
    back, front = make_picture((50, 50), (0, 0, 255)), make_picture((60, 60), (255, 0, 0))
    path = make_audio(tmp_path / "p.mp3", "mp3", seconds=0.5, tags={"title": "t"})
    tag = id3.ID3(path)
    tag.add(id3.APIC(encoding=3, mime="image/jpeg", type=4, desc="back", data=back))
    tag.add(id3.APIC(encoding=3, mime="image/jpeg", type=3, desc="front", data=front))
    tag.save(path)
    assert [data for _, data in read_tags(path).pictures] == [front, back]


def test_explicit_false_and_missing(tmp_path: Path) -> None:
    for fmt in ("mp3", "flac", "m4a_aac"):
        clean = make_audio(
            tmp_path / f"c{EXTENSIONS[fmt]}",
            fmt,
            seconds=0.5,
            tags={"title": "t", "explicit": False},
        )
        assert read_tags(clean).explicit is False
        none = make_audio(tmp_path / f"n{EXTENSIONS[fmt]}", fmt, seconds=0.5, tags={"title": "t"})
        assert read_tags(none).explicit is None


def test_garbage_file_does_not_raise(tmp_path: Path) -> None:
    path = tmp_path / "01 - Who - What.mp3"
    path.write_bytes(b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f" + b"\x00" * 100)
    tags = read_tags(path)
    assert tags.title == "What" and tags.artists == ["Who"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_sample_depth_is_read_for_lossless_formats_only(fmt: str, tmp_path: Path) -> None:
    path = make_audio(tmp_path / f"x{EXTENSIONS[fmt]}", fmt, seconds=0.5)
    lossless = fmt in ("flac", "m4a_alac", "wav", "aiff")
    assert read_tags(path).bits_per_sample == (16 if lossless else None)

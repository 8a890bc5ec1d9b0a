"""Normalisation: spellings of one song compare equal; other versions do not."""

from __future__ import annotations

import pytest

from tonearm.matching.normalise import album_kinds, fold, parse_title, split_artists
from tonearm.matching.paths import is_url, path_parts


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Beyoncé", "beyonce"),
        ("Sigur Rós", "SIGUR ROS"),
        ("Кино", "Kino"),
        ("Σωκράτης", "Sokratis"),
        ("ヨルシカ", "yorushika"),
        ("Simon & Garfunkel", "Simon and Garfunkel"),
        ("Florence + the Machine", "florence and the machine"),
        ("Don't Stop", "Dont Stop"),
        ("ＦＵＬＬＷＩＤＴＨ", "fullwidth"),
    ],
)
def test_fold_makes_spellings_equal(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    ("title", "base", "kinds", "featured"),
    [
        ("Northern Winds (Live)", "northern winds", {"live"}, set()),
        ("Northern Winds - Live at Wembley - 2011 Remaster", "northern winds", {"live"}, set()),
        ("Song - Remastered 2011", "song", set(), set()),
        ("Song (2009 Remaster) [Explicit]", "song", set(), set()),
        ("Song (Radio Edit)", "song", set(), set()),
        ("Song (feat. Bob & Al)", "song", set(), {"bob", "al"}),
        ("Song ft. Bob", "song", set(), {"bob"}),
        ("Song featuring The Band", "song", set(), {"band"}),
        ("(I Can't Get No) Satisfaction", "i cant get no satisfaction", set(), set()),
        ("Hello - Goodbye", "hello goodbye", set(), set()),
        ("Song (Club Mix)", "song", {"remix"}, set()),
        ("Song (Acoustic Version)", "song", {"acoustic"}, set()),
        ("Song [Instrumental]", "song", {"instrumental"}, set()),
        ("Song (A Cappella)", "song", {"acapella"}, set()),
        ("Song (Karaoke Version)", "song", {"karaoke"}, set()),
        ("Song (Cover)", "song", {"cover"}, set()),
        ("Song (Demo)", "song", {"demo"}, set()),
        ("Song (Sped Up)", "song", {"sped_up"}, set()),
        ("Song (Slowed + Reverb)", "song", {"slowed"}, set()),
        ("Live and Let Die", "live and let die", set(), set()),
    ],
)
def test_parse_title(title: str, base: str, kinds: set[str], featured: set[str]) -> None:
    t = parse_title(title)
    assert (t.base, set(t.kinds), set(t.featured)) == (base, kinds, featured)


def test_artist_lists_split_on_every_separator() -> None:
    assert split_artists(("A, B; C / D & E x F feat. G and H",)) == set("abcdefgh")
    assert split_artists(("The Beatles",)) == split_artists(("Beatles",))
    assert split_artists(("Tyler\\, The Creator",)) == {"tyler the creator"}  # Exportify's \,


def test_album_kinds() -> None:
    assert album_kinds("Live at the Hall") == {"live"}
    assert album_kinds("MTV Unplugged") == {"acoustic"}
    assert album_kinds("Live and Let Die") == frozenset()
    assert album_kinds("Winter Songs") == frozenset()


@pytest.mark.parametrize(
    "location",
    [
        "C:\\Music\\The Quays\\Tides\\01 Harbour Lights.mp3",
        "\\\\nas\\music\\The Quays\\Tides\\01 Harbour Lights.flac",
        "file:///C:/Music/The%20Quays/Tides/01%20Harbour%20Lights.mp3",
        "file://nas/music/The%20Quays/Tides/01%20Harbour%20Lights.mp3",
        "/srv/music/the quays/tides/01 HARBOUR LIGHTS.MP3",
    ],
)
def test_paths_from_any_os_share_their_tail(location: str) -> None:
    parts = path_parts(location)
    assert parts is not None and parts[-3:] == ("the quays", "tides", "01 harbour lights")


def test_paths_nfd_relative_and_urls() -> None:
    nfd, nfc = "Bjo\u0308rk/Ho\u0301mogenic.flac", "Björk/Hómogenic.flac"
    assert path_parts(nfd) == path_parts(nfc)
    assert path_parts("../Tides/a.mp3", ("music", "quays", "lists")) == (
        "music",
        "quays",
        "tides",
        "a",
    )
    assert path_parts("https://example.com/a.mp3") is None
    assert is_url("https://example.com/a.mp3") and not is_url("C:\\a.mp3")

"""Real files written by other software (../shared/corpora): playlists parse to their entries,
and every file that is not a playlist is `PlaylistUnreadable`, never another exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from tonearm.playlists.formats import Format, PlaylistUnreadable, parse

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "corpora"
TOTEM = SHARED / "totem-pl-parser-3.26.6" / "plparse" / "tests"
EXPORTIFY = SHARED / "exportify-csv"
pytestmark = pytest.mark.skipif(not TOTEM.is_dir(), reason=f"{SHARED} is not there")

PLAYLISTS = {
    "BassDrive.pls": (Format.pls, 1),
    "missing-items.pls": (Format.pls, 1),
    "O_G_Money_Snoop_Dogg.m3u": (Format.m3u, 1),
    "live-streaming.m3u": (Format.m3u, 1),
    "radioclasica.mp3.m3u": (Format.m3u, 1),
    "radios-freebox.m3u": (Format.m3u, 1),
    "WMA9.1_98_quality_48khz_vbr_s.wma": (Format.pls, 1),  # a Windows Media reference file
    "relative.m3u": (Format.m3u, 1),
    "separator.m3u": (Format.m3u, 1),
    "playlist.xspf": (Format.xspf, 1),
    "new-lastfm-output.xspf": (Format.xspf, 1),
    "old-lastfm-output.xspf": (Format.xspf, 1),
    "xml-base.xspf": (Format.xspf, 1),
    "decrypted-amazon-track.xspf": (Format.xspf, 1),
    "pukas.wax": (Format.asx, 1),
}


@pytest.mark.parametrize(("name", "expected"), sorted(PLAYLISTS.items()))
def test_real_playlists_parse(name: str, expected: tuple[Format, int]) -> None:
    fmt, at_least = expected
    (playlist,) = parse((TOTEM / name).read_bytes(), name)
    assert playlist.format is fmt
    assert len(playlist.entries) >= at_least
    assert all(e.location or e.title for e in playlist.entries)


def test_every_other_file_is_unreadable_never_a_crash() -> None:
    others = [p for p in sorted(TOTEM.iterdir()) if p.is_file() and p.name not in PLAYLISTS]
    assert len(others) > 20
    for path in others:
        try:
            got = parse(path.read_bytes(), path.name)
        except PlaylistUnreadable:
            continue
        # A few feeds and pages do list media URLs; whatever parses must be entries.
        assert all(e.location or e.title for p in got for e in p.entries), path.name


@pytest.mark.parametrize(
    "name",
    [
        "asf-with-asx-suffix.asx",
        "empty-asx.asx",
        "emptyplaylist.pls",
        "3gpp-file.mp4",
        "big5.smi",
        "atom.xml",
    ],
)
def test_known_non_playlists(name: str) -> None:
    with pytest.raises(PlaylistUnreadable):
        parse((TOTEM / name).read_bytes(), name)


def test_exportify_files() -> None:
    files = sorted(EXPORTIFY.glob("*.csv"))
    assert files
    for path in files:
        try:
            (playlist,) = parse(path.read_bytes(), path.name)
        except PlaylistUnreadable:
            assert path.read_bytes().count(b"\n") <= 1, path.name  # header only
            continue
        assert playlist.format is Format.csv
        for e in playlist.entries:
            assert e.title and e.artists, (path.name, e)
    (standard,) = parse((EXPORTIFY / "01-standard-case-exports-successfully.csv").read_bytes())
    first = standard.entries[0]
    assert (first.title, first.artists, first.album) == (
        "Crying",
        ("Six by Seven",),
        "Best of Six By Seven",
    )
    assert first.provider_ids == {"spotify": "1GrLfs4TEvAZ86HVzXHchS"}
    assert first.duration and first.track_number == 3
    (local,) = parse((EXPORTIFY / "07-playlist-with-local-tracks-includes-them.csv").read_bytes())
    assert local.entries[0].title == "Heart of Stone" and local.entries[0].duration == 128.0
    assert local.entries[0].provider_ids == {}

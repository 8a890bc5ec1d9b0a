"""Export then import gives back the same entries, for every format (the fields each carries:
see the table in `tonearm.playlists.formats`); and bad input is refused with where it failed."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tonearm.matching import Entry
from tonearm.playlists.formats import (
    MAX_BYTES,
    Format,
    ParsedPlaylist,
    PlaylistUnreadable,
    parse,
    write,
)

# Odd Unicode, commas, quotes, ampersands, angle brackets, " - " inside names; no control
# characters or line breaks (no format keeps them), no leading/trailing spaces (trimmed).
_chars = st.characters(
    blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\ufeff\x85"
)
text = st.text(_chars, min_size=1, max_size=60).map(str.strip).filter(bool)
long_text = st.text(_chars, min_size=900, max_size=1000).map(str.strip).filter(bool)
location = st.one_of(
    st.builds(lambda a, b: f"C:\\Music\\{a}\\{b}.flac", text, text),
    st.builds(lambda a: f"/srv/music/{a}.mp3", text),
    st.builds(lambda a: f"\\\\nas\\share\\{a}.ogg", text),
)


def _entry(
    title: str, artist: str, album: str, seconds: int, loc: str, isrc: bool, n: int
) -> Entry:
    return Entry(
        title=title,
        artists=(artist,),
        album=album,
        duration=float(seconds),
        location=loc.replace("#", "_"),  # an M3U line starting "#" is a directive
        isrc=f"USRC1{n:07d}" if isrc else None,
        track_number=n % 30 + 1,
    )


entries = st.lists(
    st.builds(
        _entry,
        st.one_of(text, long_text),
        text,
        text,
        st.integers(1, 3600),
        location,
        st.booleans(),
        st.integers(0, 10**6),
    ),
    min_size=1,
    max_size=8,
)

CARRIED = {
    Format.m3u: ("title", "duration", "location", "album"),
    Format.m3u8: ("title", "duration", "location", "album"),
    Format.pls: ("title", "duration", "location"),
    Format.xspf: ("title", "artists", "album", "duration", "location", "isrc", "track_number"),
    Format.jspf: ("title", "artists", "album", "duration", "location", "isrc", "track_number"),
    Format.wpl: ("location",),
    Format.asx: ("title", "artists", "location"),
    Format.csv: ("title", "artists", "album", "duration", "location", "isrc", "track_number"),
    Format.json: ("title", "artists", "album", "duration", "location", "isrc", "track_number"),
}


def _view(e: Entry, fields: tuple[str, ...]) -> tuple[object, ...]:
    return tuple(getattr(e, f) for f in fields)


@pytest.mark.parametrize("fmt", list(Format))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=entries, name=text)
def test_export_then_import_gives_the_same_entries(
    fmt: Format, items: list[Entry], name: str
) -> None:
    if fmt in (Format.m3u, Format.m3u8, Format.pls):
        # "Artist - Title" is one string there: titles and artists without " - " round-trip.
        items = [Entry(**{**e.to_json(), "artists": tuple(e.artists)}) for e in items]
        items = [e for e in items if " - " not in (e.title or "") and " - " not in e.artists[0]]
        if not items:
            return
    data = write(ParsedPlaylist(name, None, items, fmt), fmt)
    (back,) = parse(data, f"list.{fmt.value}")
    fields = CARRIED[fmt]
    assert [_view(e, fields) for e in back.entries] == [_view(e, fields) for e in items]
    if fmt in (Format.m3u, Format.m3u8, Format.pls, Format.asx):
        assert [e.artists for e in back.entries] == [e.artists for e in items]
    if fmt not in (Format.pls, Format.csv, Format.wpl):
        assert back.name == name


def test_commas_inside_a_csv_artist_name() -> None:
    e = Entry(title="Song", artists=("Crosby, Stills & Nash", "Neil Young"), duration=10.0)
    (back,) = parse(write(ParsedPlaylist(None, None, [e], Format.csv), Format.csv), "x.csv")
    assert back.entries[0].artists == ("Crosby, Stills & Nash", "Neil Young")


def test_relative_paths_on_export() -> None:
    e = Entry(title="a", location="/srv/music/Artist/Album/01.flac")
    data = write(
        ParsedPlaylist("p", None, [e], Format.m3u8),
        Format.m3u8,
        paths="relative",
        base="/srv/music",
    )
    assert b"\nArtist/Album/01.flac\n" in data


@pytest.mark.parametrize(
    ("data", "name", "where"),
    [
        (b"", "x.m3u", {"line": 1}),
        (b"<html><body>hi</body></html>", "x.m3u", {"line": 1}),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "x.pls", {}),
        (b"#EXTM3U\n#EXTINF:abc\n/x.mp3\n", "x.m3u", {"line": 2}),
        (b'<?xml version="1.0"?><playlist><trackList><track>', "x.xspf", {"line": 1}),
        (
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b'<playlist xmlns="http://xspf.org/ns/0/"><title>&b;</title></playlist>',
            "bomb.xspf",
            {"element": "!DOCTYPE"},
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<playlist xmlns="http://xspf.org/ns/0/"><title>&x;</title></playlist>',
            "xxe.xspf",
            {"element": "!DOCTYPE"},
        ),
        (b'{"playlist": {"track": [1]}}', "x.jspf", {"element": "track[0]"}),
        (
            b'{"tonearm_playlist": 1, "entries": [{"duration": "x"}]}',
            "x.json",
            {"element": "entries[0]"},
        ),
        (b"a,b,c\n1,2,3\n", "x.csv", {"line": 1}),
        (b"#EXTM3U\n" + b"a" * MAX_BYTES, "big.m3u", {}),
    ],
)
def test_bad_input_says_where(data: bytes, name: str, where: dict[str, object]) -> None:
    with pytest.raises(PlaylistUnreadable) as err:
        parse(data, name)
    assert err.value.extra == where
    assert err.value.status == 422 and err.value.code == "playlist_unreadable"


def test_windows_m3u_in_cp1252_with_crlf_and_utf16() -> None:
    text = "#EXTM3U\r\n#EXTINF:125,Sigur Rós - Hoppípolla\r\nD:\\Música\\Hoppípolla.mp3\r\n"
    for data in (text.encode("cp1252"), "\ufeff".encode() + text.encode(), text.encode("utf-16")):
        (p,) = parse(data, "w.m3u")
        (e,) = p.entries
        assert (e.title, e.artists, e.duration, e.location) == (
            "Hoppípolla",
            ("Sigur Rós",),
            125.0,
            "D:\\Música\\Hoppípolla.mp3",
        )

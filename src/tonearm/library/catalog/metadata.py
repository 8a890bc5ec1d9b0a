"""Apply metadata to a track: credits, album, keys and search text. Shared by uploads, the
folder scanner and manual edits, so all three produce the same catalog."""

from __future__ import annotations

from dataclasses import dataclass, field

from tonearm.kit.text import fold, nfc
from tonearm.library.catalog.builder import Catalog
from tonearm.models.library import Artist, Track, TrackArtist


@dataclass
class TrackMetadata:
    title: str
    artists: list[str] = field(default_factory=list)  # main artists, in order
    featured: list[str] = field(default_factory=list)
    album: str | None = None
    album_artist: str | None = None
    track_number: int | None = None
    track_total: int | None = None
    disc_number: int | None = None
    disc_total: int | None = None
    date: str | None = None
    year: int | None = None
    genres: list[str] = field(default_factory=list)
    isrc: str | None = None
    mb_recording_id: str | None = None
    mb_release_id: str | None = None
    mb_artist_id: str | None = None
    bpm: float | None = None
    key: str | None = None
    explicit: bool | None = None
    lyrics: str | None = None
    replaygain_track_gain: float | None = None
    replaygain_album_gain: float | None = None


def credit_line(main: list[str], featured: list[str]) -> str:
    line = ", ".join(main[:-1]) + (" & " if len(main) > 1 else "") + (main[-1] if main else "")
    if featured:
        line += " feat. " + ", ".join(featured)
    return line or "Unknown Artist"


def genre_key(genres: list[str]) -> str:
    return "|" + "|".join(fold(g) for g in genres) + "|" if genres else ""


async def credited_artists(
    catalog: Catalog, meta: TrackMetadata, main: list[str], featured: list[str]
) -> list[tuple[Artist, int, str]]:
    """(artist, position, role) of a track's credits, main then featured, each artist once,
    found or made in the catalog: what every writer of tracks credits (uploads, edits, scans)."""
    out: list[tuple[Artist, int, str]] = []
    seen: set[str] = set()
    for position, (name, role) in enumerate(
        [(n, "main") for n in main] + [(n, "featured") for n in featured]
    ):
        artist = await catalog.artist(name, meta.mb_artist_id if position == 0 else None)
        if artist.name_key in seen:
            continue
        seen.add(artist.name_key)
        out.append((artist, position, role))
    return out


async def apply_metadata(track: Track, meta: TrackMetadata, catalog: Catalog) -> None:
    main = [nfc(a) for a in meta.artists if nfc(a)] or ["Unknown Artist"]
    featured = [nfc(a) for a in meta.featured if nfc(a) and nfc(a) not in main]
    track.title = nfc(meta.title)[:1024] or "Untitled"
    track.title_key = fold(track.title)[:1024]
    track.artist_name = credit_line(main, featured)[:1024]

    credits = [
        TrackArtist(artist=artist, artist_id=artist.id, position=position, role=role)
        for artist, position, role in await credited_artists(catalog, meta, main, featured)
    ]
    track.credits = credits

    album_title = nfc(meta.album or "")
    track.album_artist_tag = nfc(meta.album_artist or "")[:512]
    if album_title:
        album_artist = await catalog.artist(nfc(meta.album_artist or "") or main[0])
        album = await catalog.album(
            album_title,
            album_artist,
            year=meta.year,
            date=meta.date,
            mb_release_id=meta.mb_release_id,
        )
        track.album_id = album.id
        track.album = album
        track.album_artist_id = album_artist.id
    else:
        track.album_id = None
        track.album = None
        track.album_artist_id = None

    track.track_number = meta.track_number
    track.track_total = meta.track_total
    track.disc_number = meta.disc_number
    track.disc_total = meta.disc_total
    track.date = meta.date
    track.year = meta.year
    track.genres = [nfc(g) for g in meta.genres if nfc(g)][:20]
    track.genre_key = genre_key(track.genres)
    track.isrc = meta.isrc
    track.mb_recording_id = meta.mb_recording_id
    track.bpm = meta.bpm
    track.musical_key = meta.key
    track.explicit = meta.explicit
    track.lyrics = meta.lyrics
    track.replaygain_track_gain = meta.replaygain_track_gain
    track.replaygain_album_gain = meta.replaygain_album_gain
    track.search_text = fold(f"{track.title} {track.artist_name} {album_title}")


def metadata_of(track: Track) -> TrackMetadata:
    """The current metadata of a track (credits and album must be loaded)."""
    return TrackMetadata(
        title=track.title,
        artists=[c.artist.name for c in track.credits if c.role == "main"],
        featured=[c.artist.name for c in track.credits if c.role == "featured"],
        album=track.album.title if track.album else None,
        album_artist=track.album.artist.name if track.album and track.album.artist else None,
        track_number=track.track_number,
        track_total=track.track_total,
        disc_number=track.disc_number,
        disc_total=track.disc_total,
        date=track.date,
        year=track.year,
        genres=list(track.genres or []),
        isrc=track.isrc,
        mb_recording_id=track.mb_recording_id,
        mb_release_id=track.album.mb_release_id if track.album else None,
        bpm=track.bpm,
        key=track.musical_key,
        explicit=track.explicit,
        lyrics=track.lyrics,
        replaygain_track_gain=track.replaygain_track_gain,
        replaygain_album_gain=track.replaygain_album_gain,
    )

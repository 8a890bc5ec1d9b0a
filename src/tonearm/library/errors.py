"""Library domain errors."""

from __future__ import annotations

from tonearm.kit.errors import Forbidden, NotFound, TonearmError


class TrackNotFound(NotFound):
    code, title = "track_not_found", "Track not found"


class AlbumNotFound(NotFound):
    code, title = "album_not_found", "Album not found"


class ArtistNotFound(NotFound):
    code, title = "artist_not_found", "Artist not found"


class NotTrackOwner(Forbidden):
    code, title = "not_track_owner", "Only the track's owner can change it"


class PublicNeedsArtist(Forbidden):
    code, title = "public_requires_artist", "Only artists can publish public tracks"


class NoFiles(TonearmError):
    status, code, title = 400, "no_files", "Send at least one file in the `files` field"


class RootNotFound(TonearmError):
    status, code, title = 404, "library_root_not_found", "Library folder not found"


class RootNotAllowed(TonearmError):
    status, code, title = 400, "root_not_allowed", "That folder is not inside a library root"


class TrackFileMissing(NotFound):
    """A scanned track's file is gone, unreadable, or (after a link changed) outside its root."""

    code, title = "source_missing", "The track's file is missing"

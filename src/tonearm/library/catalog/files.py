"""The file behind a scanned track: resolved inside its library root, never outside it.
The one check, used by the library's face (streaming), processing and the scanner."""

from __future__ import annotations

from pathlib import Path

from tonearm.kit.paths import resolve_inside
from tonearm.library.errors import TrackFileMissing
from tonearm.models.library import LibraryRoot, Track


def file_in_root(track: Track, root: LibraryRoot | None) -> Path:
    """The track's file; TrackFileMissing (with the reason as its detail) when the track has
    no root or path, the path leads outside the root (`..`, a link changed), or the file is
    gone."""
    if root is None or track.path is None:
        raise TrackFileMissing("track has no file")
    path = resolve_inside(Path(root.path), track.path)
    if path is None:
        raise TrackFileMissing("track path escapes its library root")
    if not path.is_file():
        raise TrackFileMissing("file is missing")
    return path

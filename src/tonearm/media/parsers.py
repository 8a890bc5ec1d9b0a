"""Which mutagen parser opens a file: the one `mutagen.File` would pick, without scoring
every format for the common ones.

`mutagen.File` asks each of its 24 file types for a score (from the first 128 bytes, the
file name and, for APEv2, the last 160 bytes: one more seek and read), then opens the file
with the highest, ties going to the greater class name. For a file whose header and
extension are those of a FLAC, an MP3 or an Ogg Vorbis or Opus file, the winner is known
from the scores mutagen's own `score()` methods would give:

- ".flac" and "fLaC": FLAC scores 4; no other type reaches more than 2 (MP4: "ftyp" and
  "mp4" in the header).
- ".mp3" and "ID3" or an MPEG frame sync mutagen knows (FF F2, F3, FA, FB): MP3 scores 3;
  the others at most 2 (MP4 again; ID3FileType and TrueAudio 1).
- ".ogg"/".oga"/".opus", "OggS" and exactly one Ogg codec mark (Vorbis or Opus; none of
  FLAC, Speex, Theora): that codec's type scores 1; every type that could tie or beat it
  is excluded by the conditions ("ftyp" absent: MP4 at most 1; the WAVE mark absent; the
  extension gives no other type a point), and the others that may score 1 (AAC, APEv2File,
  MP4) sort below "OggOpus" and "OggVorbis".

Anything else goes to `mutagen.File`, as before. tests/media/test_tags.py checks that the
pick is `mutagen.File`'s on every fixture format.
"""

from __future__ import annotations

import os
from typing import Any, BinaryIO

import mutagen
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

_MP3_STARTS = (b"ID3", b"\xff\xf2", b"\xff\xf3", b"\xff\xfa", b"\xff\xfb")
_OGG_EXTENSIONS = (".ogg", ".oga", ".opus")
_OGG_OTHERS = (b"FLAC", b"fLaC", b"Speex   ", b"\x80theora", b"\x81theora")


def known_kind(header: bytes, name: str) -> type[Any] | None:
    """The parser `mutagen.File` would pick for `header` (the first 128 bytes) and file
    `name`, when the module docstring's rules settle it; None otherwise."""
    ext = os.path.splitext(name)[1].lower()
    if ext == ".flac" and header.startswith(b"fLaC"):
        return FLAC
    if ext == ".mp3" and header.startswith(_MP3_STARTS):
        return MP3
    if (
        ext in _OGG_EXTENSIONS
        and header.startswith(b"OggS")
        and b"ftyp" not in header
        and header[8:12] != b"WAVE"
        and not any(mark in header for mark in _OGG_OTHERS)
    ):
        vorbis, opus = b"\x01vorbis" in header, b"OpusHead" in header
        if vorbis != opus:
            return OggVorbis if vorbis else OggOpus
    return None


def open_audio(fh: BinaryIO, name: str) -> Any:
    """`mutagen.File(fh, easy=False)` for a binary file open at any position whose path is
    `name` (it decides as the extension does for mutagen)."""
    fh.seek(0)
    header = fh.read(128)
    fh.seek(0)
    kind = known_kind(header, name)
    if kind is None:
        return mutagen.File(fh, easy=False)
    return kind(fh)

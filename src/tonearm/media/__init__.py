"""Domain-free media code, used by the library, streaming, studio and matching.

    media.audio     PyAV (FFmpeg): probe by content, HLS ladder, transcodes, waveform peaks
    media.tags      mutagen: read tags from every format we accept; tag_systems maps fields
    media.artwork   Pillow: embedded and folder covers, resized to the served sizes
    media.tag_guard refuse tags that would inflate past a bound, before any parser reads them
    media.errors    NotAudio / CorruptAudio / TagsTooLarge (light: naming them loads no FFmpeg)

Each submodule loads its heavy library only when imported, so import the one you need; this
face re-exports only the errors.
"""

from tonearm.media.errors import CorruptAudio, NotAudio, TagsTooLarge

#: The square cover sizes made for every track and album, largest first (`media.artwork`).
COVER_SIZES = (600, 256, 64)

__all__ = ["COVER_SIZES", "CorruptAudio", "NotAudio", "TagsTooLarge"]

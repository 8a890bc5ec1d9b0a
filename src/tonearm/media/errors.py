"""Errors raised by the audio helpers; they render as problem+json through kit.errors."""

from __future__ import annotations

from tonearm.kit.errors import Unprocessable, UnsupportedMedia


class NotAudio(UnsupportedMedia):
    """The file is not audio we accept (text, image, video, or an unsupported audio format)."""

    status, code, title = 415, "unsupported_media", "Not a supported audio file"


class CorruptAudio(Unprocessable):
    """The file looks like a supported format but cannot be decoded (damaged or truncated)."""

    status, code, title = 422, "corrupt_audio", "The audio file is damaged"


class TagsTooLarge(Unprocessable):
    """The file's tags are larger, or inflate to more, than the server reads
    (`media.tag_guard`: a compressed ID3 frame bomb is refused before it is inflated)."""

    status, code, title = 422, "tags_too_large", "The file's tags are too large"

"""Errors raised by the audio helpers (defined in kit.audio_errors, which does not load PyAV,
so API modules can name them without pulling FFmpeg into every process)."""

from tonearm.kit.audio_errors import CorruptAudio, NotAudio

__all__ = ["CorruptAudio", "NotAudio"]

"""Domain-free audio helpers on PyAV (FFmpeg): probe, HLS packaging, transcodes, waveforms.

Everything here is synchronous and CPU-bound: call it through kit.procpool from async code.
"""

from tonearm.media.audio.hls import DEFAULT_LADDER, HlsRendition, HlsResult, package_hls
from tonearm.media.audio.probe import FORMATS, SUPPORTED, AudioInfo, probe
from tonearm.media.audio.source import audio_digest
from tonearm.media.audio.transcode import OUTPUT_FORMATS, OutputFormat, transcode, transcode_iter
from tonearm.media.audio.waveform import waveform_peaks
from tonearm.media.errors import CorruptAudio, NotAudio

__all__ = [
    "DEFAULT_LADDER",
    "FORMATS",
    "OUTPUT_FORMATS",
    "SUPPORTED",
    "AudioInfo",
    "CorruptAudio",
    "HlsRendition",
    "HlsResult",
    "NotAudio",
    "OutputFormat",
    "audio_digest",
    "package_hls",
    "probe",
    "transcode",
    "transcode_iter",
    "waveform_peaks",
]

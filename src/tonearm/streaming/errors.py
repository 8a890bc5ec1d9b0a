from __future__ import annotations

from tonearm.kit.errors import Forbidden, NotFound, RateLimited, TonearmError, Unauthorized
from tonearm.library import TrackFileMissing


class StreamTokenInvalid(Unauthorized):
    code, title = "stream_token_invalid", "The stream token is invalid"


class StreamTokenExpired(Unauthorized):
    code, title = "stream_token_expired", "The stream token has expired"


class StreamSessionEnded(Unauthorized):
    code, title = "stream_session_ended", "The session that asked for this stream has ended"


class StreamForbidden(Forbidden):
    code, title = "stream_forbidden", "This token does not open that track"


class WaveformNotReady(TonearmError):
    status, code, title = 409, "waveform_not_ready", "The waveform is still being made"


class NotStreamable(TonearmError):
    status, code, title = 409, "not_streamable", "The track cannot be played (missing or broken)"


class StreamFileNotFound(NotFound):
    code, title = "stream_file_not_found", "No such playlist or segment"


class TranscodeBusy(RateLimited):
    code, title = "transcode_busy", "Too many live transcodes; try again shortly"


# The library says when a track's file is missing; streaming answers with its error.
SourceMissing = TrackFileMissing

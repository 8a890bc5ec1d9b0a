"""Streaming: stream tokens, HLS files (presigned on S3), Range audio, live transcodes and
their cache, waveforms. The service decides what to send (`delivery`); `respond` is the one
HTTP adapter, so a second API face can reuse the decisions.

The face:
    StreamingService, Grant, Delivery (LocalFile | StoredFile | Redirect | Text | Live)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tonearm.platform.domain import Domain, lazy_exports

if TYPE_CHECKING:
    from fastapi import APIRouter

    from tonearm.platform.state import AppState
    from tonearm.streaming.delivery import Delivery, Live, LocalFile, Redirect, StoredFile, Text
    from tonearm.streaming.service import Grant, StreamingService


def _routers() -> list[APIRouter]:
    from tonearm.streaming.endpoints import router

    return [router]


def _install(state: AppState) -> None:
    from tonearm.streaming.live import TranscodeSlots

    settings = state.settings
    state.provide(TranscodeSlots(settings.transcode_max_live, settings.transcode_max_live_per_user))


DOMAIN = Domain(name="streaming", routers=_routers, install=_install)

__getattr__ = lazy_exports(
    __name__,
    {
        "Delivery": "tonearm.streaming.delivery",
        "Live": "tonearm.streaming.delivery",
        "LocalFile": "tonearm.streaming.delivery",
        "Redirect": "tonearm.streaming.delivery",
        "StoredFile": "tonearm.streaming.delivery",
        "Text": "tonearm.streaming.delivery",
        "Grant": "tonearm.streaming.service",
        "StreamingService": "tonearm.streaming.service",
    },
)

__all__ = [
    "DOMAIN",
    "Delivery",
    "Grant",
    "Live",
    "LocalFile",
    "Redirect",
    "StoredFile",
    "StreamingService",
    "Text",
]

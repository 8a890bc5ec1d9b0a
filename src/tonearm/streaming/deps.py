"""Builds the streaming service for a request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from tonearm.platform.deps import DbSession, State
from tonearm.platform.principal import Authenticator
from tonearm.streaming.live import TranscodeSlots
from tonearm.streaming.service import StreamConfig, StreamingService


async def streaming_service(session: DbSession, state: State) -> StreamingService:
    settings = state.settings
    return StreamingService(
        session,
        state.storage,
        state.signer,
        db=state.db,
        slots=state.get(TranscodeSlots),
        config=StreamConfig(
            cache_bytes=settings.transcode_cache_bytes,
            tmp_dir=settings.data_dir / "tmp" / "transcodes",
        ),
        authenticator=state.get(Authenticator),
    )


Streaming = Annotated[StreamingService, Depends(streaming_service)]

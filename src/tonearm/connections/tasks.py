"""The connections domain's jobs: sending queued scrobbles, now and when they are due."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from tonearm.connections.scrobbles import FLUSH, ScrobbleFlusher
from tonearm.connections.tokens import TokenKeeper
from tonearm.jobs.context import JobContext
from tonearm.jobs.registry import job
from tonearm.jobs.scheduler import periodic


def _flusher(ctx: JobContext) -> ScrobbleFlusher:
    state = ctx.env.state
    return ScrobbleFlusher(state.db, state.settings, state.get(TokenKeeper))


@job(FLUSH, retries=1)
async def send_scrobbles(ctx: JobContext, user_id: uuid.UUID) -> dict[str, Any]:
    """A user's queued scrobbles that are due (queued when a play counts)."""
    return await _flusher(ctx).flush(user_id)


@periodic("connections.scrobble_due", every=timedelta(minutes=5))
@job("connections.scrobble_due")
async def send_due_scrobbles(ctx: JobContext) -> dict[str, Any]:
    """Everyone's queued scrobbles whose retry time has come (after an outage, a restart)."""
    return await _flusher(ctx).flush()

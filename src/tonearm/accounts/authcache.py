"""A short-lived, per-process cache of authenticated sessions.

Checking a bearer token costs a database round trip (is the session still alive? is the user
still active?). Most requests come in bursts from the same session, so the answer is kept for
a few seconds (TONEARM_AUTH_CACHE_SECONDS, 0 turns it off). Anything that ends a session or
changes a user drops the entries in this process at once; other processes see the change when
their entry expires, so a revoked session is refused everywhere within the TTL.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime

from tonearm.platform.principal import UserView


class AuthCache:
    def __init__(self, ttl: float, max_entries: int = 50_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[uuid.UUID, tuple[float, datetime, UserView]] = {}

    def get(self, session_id: uuid.UUID) -> tuple[datetime, UserView] | None:
        if self.ttl <= 0:
            return None
        hit = self._entries.get(session_id)
        if hit is None:
            return None
        if hit[0] < time.monotonic():
            self._entries.pop(session_id, None)
            return None
        return hit[1], hit[2]

    def put(self, session_id: uuid.UUID, session_expires: datetime, user: UserView) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[session_id] = (time.monotonic() + self.ttl, session_expires, user)

    def drop_session(self, session_id: uuid.UUID) -> None:
        self._entries.pop(session_id, None)

    def drop_user(self, user_id: uuid.UUID) -> None:
        for sid in [sid for sid, (_, _, u) in self._entries.items() if u.id == user_id]:
            self._entries.pop(sid, None)

    def clear(self) -> None:
        self._entries.clear()

"""Scrobbling: counted plays forwarded to the user's ListenBrainz and Last.fm, through a
durable queue (as Navidrome's buffered scrobbler does).

* When a play counts, a row per connected scrobbler is written in the play's transaction
  (`queue_scrobbles`, a listening `PlayHook`), and a flush job is queued after commit.
* The flush sends each user's due rows per service, oldest first, in the service's batch size.
  Accepted and ignored listens leave the queue (the ignored are logged with the reason); a
  service that is down or asks to slow down leaves them for later with backoff (a minute,
  doubling, at most six hours); a connection that must be reconnected holds them until it is.
  A listen the service refuses outright is tried alone, and dropped after `MAX_ATTEMPTS`.
* A periodic task flushes whatever is due, so a restart or an outage loses nothing.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm import providers
from tonearm.config import Settings
from tonearm.connections.service import ConnectionService
from tonearm.connections.tokens import TokenKeeper
from tonearm.jobs.service import enqueue
from tonearm.kit.db import Database, utcnow
from tonearm.listening import CountedPlay
from tonearm.models.connections import Connection, QueuedScrobble

log = structlog.get_logger(__name__)

FLUSH = "connections.scrobble"
MAX_ATTEMPTS = 8
MAX_AGE = timedelta(days=30)
BACKOFF = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
HOLD = timedelta(hours=1)  # a connection to reconnect: look again then


def scrobblers() -> set[str]:
    return {s.slug for s in providers.all_services() if "scrobble" in s.capabilities}


async def queue_scrobbles(session: AsyncSession, play: CountedPlay) -> None:
    """The listening hook: a queued scrobble per connected scrobbler, then a flush."""
    slugs = scrobblers()
    rows = await session.scalars(
        select(Connection.provider).where(
            Connection.user_id == play.user_id,
            Connection.provider.in_(slugs),  # also one to reconnect: held until it is
        )
    )
    targets = list(rows.all())
    if not targets:
        return
    now = utcnow()
    listen = {
        "title": play.title,
        "artists": list(play.artists),
        "album": play.album,
        "duration": play.duration,
        "track_number": play.track_number,
        "isrc": play.isrc,
        "mb_recording_id": play.mb_recording_id,
    }
    for slug in targets:
        session.add(
            QueuedScrobble(
                id=uuid.uuid4(),
                user_id=play.user_id,
                provider=slug,
                listen=listen,
                listened_at=play.listened_at,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    await session.flush()
    await enqueue(session, FLUSH, owner_id=play.user_id, user_id=play.user_id)


def _listen(row: QueuedScrobble) -> providers.Listen:
    data: dict[str, Any] = row.listen
    return providers.Listen(
        title=str(data.get("title") or ""),
        artists=tuple(data.get("artists") or ()),
        listened_at=row.listened_at,
        album=data.get("album"),
        duration=data.get("duration"),
        track_number=data.get("track_number"),
        isrc=data.get("isrc"),
        mb_recording_id=data.get("mb_recording_id"),
    )


def _backoff(attempts: int) -> timedelta:
    return min(BACKOFF_CAP, BACKOFF * 2 ** max(0, attempts - 1))


class ScrobbleFlusher:
    def __init__(self, db: Database, settings: Settings, keeper: TokenKeeper) -> None:
        self.db = db
        self.settings = settings
        self.keeper = keeper
        self.sent = 0

    async def flush(self, user_id: uuid.UUID | None = None, *, limit: int = 5000) -> dict[str, int]:
        """Send what is due (one user's, or everyone's). Counts of sent, ignored, held and
        dropped listens."""
        now = utcnow()
        totals = {"sent": 0, "ignored": 0, "held": 0, "dropped": 0}
        async with self.db.session() as s:
            await s.execute(
                delete(QueuedScrobble).where(QueuedScrobble.listened_at < now - MAX_AGE)
            )
            stmt = (
                select(QueuedScrobble.user_id, QueuedScrobble.provider)
                .where(QueuedScrobble.next_attempt_at <= now)
                .distinct()
            )
            if user_id is not None:
                stmt = stmt.where(QueuedScrobble.user_id == user_id)
            groups = (await s.execute(stmt.limit(limit))).all()
        for owner, slug in groups:
            for key, n in (await self._flush_one(owner, slug, now)).items():
                totals[key] += n
        return totals

    async def _flush_one(self, owner: uuid.UUID, slug: str, now: datetime) -> dict[str, int]:
        out: defaultdict[str, int] = defaultdict(int)
        async with self.db.session() as s:
            rows = list(
                (
                    await s.scalars(
                        select(QueuedScrobble)
                        .where(
                            QueuedScrobble.user_id == owner,
                            QueuedScrobble.provider == slug,
                            QueuedScrobble.next_attempt_at <= now,
                        )
                        .order_by(QueuedScrobble.listened_at)
                        .limit(1000)
                    )
                ).all()
            )
            if not rows:
                return out
            conns = ConnectionService(s, self.settings, self.keeper)
            conn = await conns.repo.connection(owner, slug)
            if conn is None:  # disconnected since: nowhere to send them
                for row in rows:
                    await s.delete(row)
                out["dropped"] += len(rows)
                return out
            if conn.status != "active":
                self._hold(rows, now, HOLD, f"reconnect {slug}")
                out["held"] += len(rows)
                return out
            client = await conns.client(owner, slug)
            batch = int(getattr(client, "batch", 50))
            for start in range(0, len(rows), batch):
                chunk = rows[start : start + batch]
                try:
                    result = await client.scrobble([_listen(r) for r in chunk])
                except providers.AuthRevoked as exc:
                    self._hold(rows[start:], now, HOLD, exc.detail or exc.title)
                    out["held"] += len(rows) - start
                    break
                except (providers.RateLimited, providers.ProviderUnavailable) as exc:
                    for row in rows[start:]:
                        row.attempts += 1
                    self._hold(
                        rows[start:], now, _backoff(chunk[0].attempts), exc.detail or exc.title
                    )
                    out["held"] += len(rows) - start
                    break
                except providers.ProviderError as exc:
                    await self._one_by_one(s, client, chunk, now, exc, out)
                    continue
                for index, why in result.ignored:
                    log.info("scrobble_ignored", provider=slug, reason=why, index=index)
                out["ignored"] += len(result.ignored)
                out["sent"] += len(chunk) - len(result.ignored)
                for row in chunk:
                    await s.delete(row)
        self.sent += out["sent"]
        return out

    async def _one_by_one(
        self,
        s: AsyncSession,
        client: Any,
        chunk: list[QueuedScrobble],
        now: datetime,
        first: providers.ProviderError,
        out: dict[str, int],
    ) -> None:
        """A batch the service refused: each listen alone, so one bad one keeps no other out."""
        if len(chunk) == 1:
            results: list[providers.ProviderError | None] = [first]
        else:
            results = []
            for row in chunk:
                try:
                    await client.scrobble([_listen(row)])
                    results.append(None)
                except providers.ProviderError as exc:
                    results.append(exc)
        for row, err in zip(chunk, results, strict=True):
            if err is None:
                out["sent"] += 1
                await s.delete(row)
                continue
            row.attempts += 1
            row.last_error = (err.detail or err.title)[:500]
            if row.attempts >= MAX_ATTEMPTS:
                log.warning("scrobble_dropped", provider=row.provider, error=row.last_error)
                out["dropped"] += 1
                await s.delete(row)
            else:
                row.next_attempt_at = now + _backoff(row.attempts)
                out["held"] += 1

    @staticmethod
    def _hold(rows: list[QueuedScrobble], now: datetime, wait: timedelta, why: str) -> None:
        for row in rows:
            row.next_attempt_at = now + wait
            row.last_error = why[:500]

"""Periodic tasks: enqueue a job kind every N seconds or on a cron expression.

    @periodic("platform.purge_expired", every=timedelta(hours=1))
    @job("platform.purge_expired")
    async def purge_expired(ctx: JobContext) -> dict: ...

Due times are computed the same way in every process (`every` is aligned to the Unix epoch,
cron by croniter in UTC), so all scheduler instances agree on the key of a tick. The instance
that inserts the `scheduler_ticks` row (name, due_at) in the same transaction as the job wins;
the others hit the unique constraint and skip. That makes it safe to run the scheduler inside
every `serve` process and as `tonearm scheduler` at once, on SQLite and PostgreSQL alike.

On start, the latest tick is made up if it fell due only a moment ago (a restart during the
tick); after a long pause (a suspended host) only the latest missed tick runs, never a burst.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import structlog
from sqlalchemy.exc import IntegrityError

from tonearm.jobs.service import enqueue
from tonearm.kit.db import Database, utcnow
from tonearm.models.jobs import SchedulerTick

log = structlog.get_logger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _croniter() -> Any:
    from croniter import croniter  # loads dateutil: only when a cron task exists

    return croniter


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    kind: str
    every: timedelta | None = None
    cron: str | None = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    #: Also enqueued whenever a scheduler starts (a sweep after a crash), outside the ticks.
    at_start: bool = False

    def __post_init__(self) -> None:
        if (self.every is None) == (self.cron is None):
            raise ValueError(f"periodic {self.name}: give exactly one of every= or cron=")
        if self.every is not None and self.every.total_seconds() <= 0:
            raise ValueError(f"periodic {self.name}: every= must be positive")
        if self.cron is not None and not _croniter().is_valid(self.cron):
            raise ValueError(f"periodic {self.name}: invalid cron expression {self.cron!r}")

    def next_after(self, t: datetime) -> datetime:
        """The first due time strictly after `t`."""
        if self.every is not None:
            period = self.every.total_seconds()
            n = int((t - EPOCH).total_seconds() // period) + 1
            due = EPOCH + timedelta(seconds=n * period)
            return due if due > t else due + self.every
        assert self.cron is not None
        nxt: datetime = _croniter()(self.cron, t.astimezone(UTC)).get_next(datetime)
        return nxt.astimezone(UTC)

    def last_at_or_before(self, t: datetime) -> datetime:
        if self.every is not None:
            period = self.every.total_seconds()
            n = int((t - EPOCH).total_seconds() // period)
            return EPOCH + timedelta(seconds=n * period)
        assert self.cron is not None
        prev: datetime = _croniter()(
            self.cron, t.astimezone(UTC) + timedelta(microseconds=1)
        ).get_prev(datetime)
        return prev.astimezone(UTC)


_PERIODIC: dict[str, PeriodicTask] = {}


def register_periodic(task: PeriodicTask) -> PeriodicTask:
    _PERIODIC[task.name] = task
    return task


def periodic(
    name: str,
    *,
    every: timedelta | None = None,
    cron: str | None = None,
    kind: str | None = None,
    at_start: bool = False,
    **kwargs: Any,
) -> Callable[[F], F]:
    """Register a periodic task enqueueing `kind` (default: the decorated handler's kind);
    `at_start`: enqueue it when a scheduler starts, too (for idempotent jobs only: every
    scheduler instance does)."""

    def decorate(fn: F) -> F:
        job_kind = kind or getattr(fn, "__job_kind__", None)
        if job_kind is None:
            raise TypeError(f"periodic {name}: put it above @job(...) or pass kind=")
        register_periodic(PeriodicTask(name, job_kind, every, cron, dict(kwargs), at_start))
        return fn

    return decorate


def periodic_tasks() -> list[PeriodicTask]:
    return list(_PERIODIC.values())


class Scheduler:
    def __init__(
        self,
        db: Database,
        tasks: list[PeriodicTask] | None = None,
        *,
        now: Callable[[], datetime] = utcnow,
        max_sleep: float = 30.0,
    ) -> None:
        self.db = db
        self._tasks = tasks
        self.now = now
        self.max_sleep = max_sleep
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()
        self.fired: list[tuple[str, datetime]] = []  # ticks this instance won

    @property
    def tasks(self) -> list[PeriodicTask]:
        return self._tasks if self._tasks is not None else periodic_tasks()

    async def fire(self, task: PeriodicTask, due: datetime) -> bool:
        """Enqueue the tick's job unless another instance already did. True if we did."""
        try:
            async with self.db.session() as s:
                tick = SchedulerTick(name=task.name, due_at=due, created_at=utcnow())
                s.add(tick)
                await s.flush()
                job = await enqueue(s, task.kind, **task.kwargs)
                tick.job_id = job.id
        except IntegrityError:
            return False
        self.fired.append((task.name, due))
        log.info("periodic_fired", name=task.name, kind=task.kind, due_at=due.isoformat())
        return True

    async def run(self) -> None:
        start = self.now()
        for t in self.tasks:
            if t.at_start:
                try:
                    async with self.db.session() as s:
                        await enqueue(s, t.kind, **t.kwargs)
                    log.info("periodic_at_start", name=t.name, kind=t.kind)
                except Exception:
                    log.exception("periodic_fire_failed", name=t.name)
        # Make up the latest tick missed while nobody ran (the unique key stops doubles).
        next_due: dict[str, datetime] = {}
        for t in self.tasks:
            last = t.last_at_or_before(start)
            next_due[t.name] = last if start - last < self._grace(t) else t.next_after(start)
        while not self._stop.is_set():
            now = self.now()
            for t in self.tasks:
                due = next_due.get(t.name) or t.next_after(now)
                if due <= now:
                    # Fire only the latest due tick: no burst after a long pause.
                    latest = t.last_at_or_before(now)
                    try:
                        await self.fire(t, latest)
                    except Exception:
                        log.exception("periodic_fire_failed", name=t.name)
                    due = t.next_after(latest)
                next_due[t.name] = due
            if not next_due:
                wait = self.max_sleep
            else:
                soonest = min(next_due.values())
                wait = min(self.max_sleep, max(0.0, (soonest - self.now()).total_seconds()))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), wait + 0.005)

    @staticmethod
    def _grace(task: PeriodicTask) -> timedelta:
        # A tick counts as "just missed" if we start within a tenth of its period after it.
        if task.every is not None:
            return min(task.every / 10, timedelta(minutes=5))
        return timedelta(minutes=1)

    async def start(self) -> None:
        if self._task is None:
            self._stop.clear()
            self._task = asyncio.create_task(self.run(), name="jobs-scheduler")
            log.info("scheduler_started", tasks=[t.name for t in self.tasks])

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._task, 5)
            self._task = None

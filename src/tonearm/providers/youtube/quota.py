"""The YouTube Data API's daily quota, as Google counts it since the 2026-06-01 "granular quota
system" (https://developers.google.com/youtube/data/determine_quota_cost):

* one bucket of 10,000 units a day for all methods combined (`UNITS`): a list costs 1 unit per
  request (every page again), an insert, update or delete 50;
* `search.list` no longer takes 100 of those units: it has its own bucket of 100 calls a day
  (`SEARCH`), 1 per call (`videos.insert` has another, unused here);
* the day ends at midnight Pacific Time (America/Los_Angeles, with its daylight saving).

A client spends through a `QuotaBudget` *before* each request, so a transfer stops cleanly
with `QuotaExhausted(resets_at=...)` instead of collecting 403s; when Google answers
`quotaExceeded` anyway (another server, or a budget that lost count) the budget is told the
bucket is spent until the reset. `estimate` says how many days a transfer takes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from tonearm.providers.base import QuotaExhausted

PACIFIC = ZoneInfo("America/Los_Angeles")

UNITS = "units"  # the 10,000-unit bucket every method but search.list draws on
SEARCH = "search"  # search.list's own bucket (calls per day)

INSERT_COST = 50
LIST_COST = 1

#: API method -> (bucket, units per request).
COST: dict[str, tuple[str, int]] = {
    "channels.list": (UNITS, LIST_COST),
    "playlists.list": (UNITS, LIST_COST),
    "playlistItems.list": (UNITS, LIST_COST),
    "videos.list": (UNITS, LIST_COST),
    "playlists.insert": (UNITS, INSERT_COST),
    "playlists.update": (UNITS, INSERT_COST),
    "playlists.delete": (UNITS, INSERT_COST),
    "playlistItems.insert": (UNITS, INSERT_COST),
    "playlistItems.update": (UNITS, INSERT_COST),
    "playlistItems.delete": (UNITS, INSERT_COST),
    "search.list": (SEARCH, 1),
}

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def quota_day(now: datetime) -> date:
    """The quota day `now` falls in (the date in Pacific Time)."""
    return now.astimezone(PACIFIC).date()


def next_reset(now: datetime) -> datetime:
    """The next midnight in Pacific Time, in UTC: when the day's units come back."""
    tomorrow = quota_day(now) + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=PACIFIC).astimezone(UTC)


@runtime_checkable
class QuotaBudget(Protocol):
    async def spend(self, bucket: str, units: int) -> None:
        """Take `units` from today's `bucket`, or raise `QuotaExhausted(resets_at=...)` and
        take nothing when they are not left."""
        ...

    async def exhaust(self, bucket: str) -> None:
        """Google answered `quotaExceeded`: the bucket is spent until the reset, whatever
        this budget counted."""
        ...


class MemoryBudget:
    """A budget for one process (tests, a single server); the migration supplies one kept in
    the database so every worker and restart counts the same units."""

    def __init__(self, limits: Mapping[str, int], *, clock: Clock = utcnow) -> None:
        self.limits = dict(limits)
        self.clock = clock
        self._day: date | None = None
        self._used: dict[str, int] = {}

    def _today(self) -> datetime:
        now = self.clock()
        day = quota_day(now)
        if day != self._day:
            self._day = day
            self._used = {}
        return now

    def used(self, bucket: str) -> int:
        self._today()
        return self._used.get(bucket, 0)

    def remaining(self, bucket: str) -> int:
        return max(0, self.limits.get(bucket, 0) - self.used(bucket))

    async def spend(self, bucket: str, units: int) -> None:
        now = self._today()
        limit = self.limits.get(bucket)
        if limit is None:
            raise KeyError(f"no such quota bucket: {bucket}")
        used = self._used.get(bucket, 0)
        if used + units > limit:
            raise QuotaExhausted(
                f"YouTube's daily {bucket} quota is spent ({used} of {limit} used; "
                f"this request needs {units})",
                resets_at=next_reset(now),
            )
        self._used[bucket] = used + units

    async def exhaust(self, bucket: str) -> None:
        self._today()
        self._used[bucket] = max(self._used.get(bucket, 0), self.limits.get(bucket, 0))


_BUDGETS: dict[tuple[int, int], MemoryBudget] = {}


def shared_budget(daily_quota: int, search_daily_quota: int) -> MemoryBudget:
    """The process's budget for the server's Google project (one project, one quota)."""
    key = (daily_quota, search_daily_quota)
    budget = _BUDGETS.get(key)
    if budget is None:
        budget = _BUDGETS[key] = MemoryBudget({UNITS: daily_quota, SEARCH: search_daily_quota})
    return budget


# --- estimates ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Estimate:
    units: int  # of the daily-units bucket
    searches: int  # of search.list's bucket
    days: int  # quota days until done, today counted as the first (0: nothing to do)
    finishes_at: datetime  # now, or the midnight (PT) that starts the last day needed
    limited_by: str | None  # the bucket that sets `days` (UNITS or SEARCH), None when it fits


def _days(need: int, left_today: int, per_day: int) -> int:
    if need <= 0:
        return 0
    if need <= left_today:
        return 1
    if per_day <= 0:
        raise ValueError("a daily quota of 0 never finishes")
    return 1 + math.ceil((need - max(0, left_today)) / per_day)


def estimate(
    searches: int,
    inserts: int,
    lists: int,
    *,
    daily_quota: int = 10_000,
    search_daily_quota: int = 100,
    used_today: int = 0,
    searches_today: int = 0,
    now: datetime | None = None,
) -> Estimate:
    """How long a transfer takes within the quota: `searches` search.list calls, `inserts`
    insert/update/delete requests (50 units each: one per track added or removed, one per
    playlist created) and `lists` list requests (1 unit each: pages of playlists and items,
    and the videos.list look-ups of durations, one per 50 videos or per search).

    The two buckets are spent side by side, so the transfer takes as many days as the slower
    one needs. An approximation: a day's last few units are counted as usable even where a
    50-unit insert would not fit in them."""
    now = now or utcnow()
    units = inserts * INSERT_COST + lists * LIST_COST
    unit_days = _days(units, daily_quota - used_today, daily_quota)
    search_days = _days(searches, search_daily_quota - searches_today, search_daily_quota)
    days = max(unit_days, search_days)
    limited_by: str | None = None
    if days > 1:
        limited_by = SEARCH if search_days >= unit_days else UNITS
    finishes_at = now
    if days > 1:
        last_day = quota_day(now) + timedelta(days=days - 1)
        finishes_at = datetime.combine(last_day, time(0), tzinfo=PACIFIC).astimezone(UTC)
    return Estimate(units, searches, days, finishes_at, limited_by)


def transfer_estimate(
    tracks: int,
    *,
    to_search: int | None = None,
    playlists: int = 1,
    daily_quota: int = 10_000,
    search_daily_quota: int = 100,
    used_today: int = 0,
    searches_today: int = 0,
    now: datetime | None = None,
) -> Estimate:
    """A transfer of `tracks` into `playlists` new playlists, searching `to_search` of them
    (default: all; tracks matched before need none): each search, one videos.list for the
    results' durations; each track, one playlistItems.insert; each playlist, one insert."""
    searched = tracks if to_search is None else to_search
    return estimate(
        searched,
        tracks + playlists,
        searched,
        daily_quota=daily_quota,
        search_daily_quota=search_daily_quota,
        used_today=used_today,
        searches_today=searches_today,
        now=now,
    )

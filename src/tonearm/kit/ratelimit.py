"""Rate limits with `limits`: in memory by default, in Redis when TONEARM_REDIS_URL is set.
A refusal raises RateLimited (429) with Retry-After."""

from __future__ import annotations

import math
import time
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from tonearm.kit.errors import RateLimited


@lru_cache(maxsize=64)
def _parse(limit: str) -> RateLimitItem:
    return parse(limit)


def _storage_uri(redis_url: str | None) -> str:
    if not redis_url:
        return "async+memory://"
    if redis_url.startswith("rediss://"):
        return "async+rediss://" + redis_url[len("rediss://") :]
    return "async+" + redis_url


class RateLimiter:
    def __init__(self, redis_url: str | None = None, *, enabled: bool = True) -> None:
        self.enabled = enabled
        storage = storage_from_string(_storage_uri(redis_url))
        assert isinstance(storage, Storage)
        self.storage: Storage = storage
        self._limiter = MovingWindowRateLimiter(self.storage)

    async def hit(self, limit: str, *key: str, cost: int = 1) -> None:
        """Count one hit against `limit` for `key`; raise RateLimited when over."""
        if not self.enabled:
            return
        item = _parse(limit)
        if not await self._limiter.hit(item, "tonearm", *key, cost=cost):
            raise await self._refusal(limit, item, key)

    async def check(self, limit: str, *key: str) -> None:
        """Raise RateLimited when `limit` for `key` is used up, counting nothing (pair it
        with `hit` for the events that count, e.g. only failed attempts)."""
        if not self.enabled:
            return
        item = _parse(limit)
        if not await self._limiter.test(item, "tonearm", *key):
            raise await self._refusal(limit, item, key)

    async def _refusal(self, limit: str, item: RateLimitItem, key: tuple[str, ...]) -> RateLimited:
        stats = await self._limiter.get_window_stats(item, "tonearm", *key)
        retry = max(1, math.ceil(stats.reset_time - time.time()))
        return RateLimited(
            f"Limit of {limit} reached; try again in {retry} s",
            headers={"Retry-After": str(retry)},
            extra={"retry_after": retry},
        )

    async def reset(self) -> None:
        await self.storage.reset()

    async def check_health(self) -> bool:
        return bool(await self.storage.check())

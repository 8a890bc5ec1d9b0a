"""A service's daily quota kept in the database (`service_quota`), so every worker and
restart spends from the same count: YouTube's units are the Google project's, shared by all
of the server's users. It implements the providers' `QuotaBudget`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import select, update

from tonearm import providers
from tonearm.kit.db import Database, insert_or_ignore, utcnow
from tonearm.models.connections import ServiceQuota


class DatabaseBudget:
    def __init__(
        self,
        db: Database,
        provider: str,
        limits: Mapping[str, int],
        *,
        day_of: Callable[[datetime], str],
        resets_at: Callable[[datetime], datetime],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.provider = provider
        self.limits = dict(limits)
        self.day_of = day_of
        self.resets_at = resets_at
        self.clock = clock

    def _key(self, bucket: str) -> tuple[str, str, str]:
        return self.provider, bucket, self.day_of(self.clock())

    async def used(self, bucket: str) -> int:
        provider, bucket, day = self._key(bucket)
        async with self.db.session() as s:
            found = await s.scalar(
                select(ServiceQuota.used).where(
                    ServiceQuota.provider == provider,
                    ServiceQuota.bucket == bucket,
                    ServiceQuota.day == day,
                )
            )
        return int(found or 0)

    async def spend(self, bucket: str, units: int) -> None:
        limit = self.limits.get(bucket)
        if limit is None:
            raise KeyError(f"no such quota bucket: {bucket}")
        provider, bucket, day = self._key(bucket)
        async with self.db.session() as s:
            await insert_or_ignore(
                s, ServiceQuota, {"provider": provider, "bucket": bucket, "day": day, "used": 0}
            )
            done = await s.execute(
                update(ServiceQuota)
                .where(
                    ServiceQuota.provider == provider,
                    ServiceQuota.bucket == bucket,
                    ServiceQuota.day == day,
                    ServiceQuota.used + units <= limit,
                )
                .values(used=ServiceQuota.used + units)
            )
            taken = bool(getattr(done, "rowcount", 0))
        if not taken:
            raise providers.QuotaExhausted(
                f"{self.provider}'s daily {bucket} quota is spent (this needs {units} of {limit})",
                resets_at=self.resets_at(self.clock()),
            )

    async def exhaust(self, bucket: str) -> None:
        """The service said the quota is spent: believe it until the reset."""
        provider, bucket, day = self._key(bucket)
        limit = self.limits.get(bucket, 0)
        async with self.db.session() as s:
            await insert_or_ignore(
                s, ServiceQuota, {"provider": provider, "bucket": bucket, "day": day, "used": 0}
            )
            await s.execute(
                update(ServiceQuota)
                .where(
                    ServiceQuota.provider == provider,
                    ServiceQuota.bucket == bucket,
                    ServiceQuota.day == day,
                )
                .values(used=limit)
            )

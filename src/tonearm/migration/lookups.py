"""`service_lookups` as the catalogs' LookupStore: each answer a service gave (an ISRC look-up,
a search), kept per service and catalog country and shared by every migration, so the same
question is never asked twice (nor its quota spent twice)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm import providers
from tonearm.kit.db import insert_many_or_ignore, utcnow
from tonearm.migration.catalog import track_from_json
from tonearm.models.migration import ServiceLookup

CHUNK = 500


class DatabaseLookups:
    """New answers are held in memory until `save()`: the session that holds them must not
    write while the service is being asked (a token refresh or a quota count writes in its
    own transaction meanwhile; on SQLite that would wait for this one's lock)."""

    def __init__(self, session: AsyncSession, provider: str, country: str) -> None:
        self.s = session
        self.provider = provider
        self.country = country or "--"
        self.pending: dict[str, list[providers.ServiceTrack]] = {}

    async def get_many(self, keys: Sequence[str]) -> dict[str, list[providers.ServiceTrack]]:
        out: dict[str, list[providers.ServiceTrack]] = {
            k: self.pending[k] for k in keys if k in self.pending
        }
        keys = [k for k in dict.fromkeys(keys) if k not in out]
        for start in range(0, len(keys), CHUNK):
            rows = await self.s.execute(
                select(ServiceLookup.key, ServiceLookup.tracks).where(
                    ServiceLookup.provider == self.provider,
                    ServiceLookup.country == self.country,
                    ServiceLookup.key.in_(keys[start : start + CHUNK]),
                )
            )
            for key, tracks in rows.all():
                out[key] = [track_from_json(t) for t in tracks]
        return out

    async def put_many(self, answers: dict[str, list[providers.ServiceTrack]]) -> None:
        self.pending.update(answers)

    async def save(self) -> None:
        answers, self.pending = self.pending, {}
        now = utcnow()
        rows = [
            {
                "provider": self.provider,
                "country": self.country,
                "key": key,
                "tracks": [t.to_json() for t in tracks],
                "created_at": now,
            }
            for key, tracks in answers.items()
        ]
        for start in range(0, len(rows), CHUNK):
            await insert_many_or_ignore(self.s, ServiceLookup, rows[start : start + CHUNK])

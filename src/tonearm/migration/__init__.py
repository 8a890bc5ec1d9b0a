"""Migration: playlists moved between streaming services, the Tonearm library and playlist
files, matched track by track with the matching engine against the target's catalog, with a
report of every decision, review, resume after a crash or a spent quota, and sync pairs kept
in step on an interval.

The face: MigrationService, MigrationNotFound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tonearm.platform.domain import Domain, lazy_exports

if TYPE_CHECKING:
    from fastapi import APIRouter

    from tonearm.migration.errors import MigrationNotFound
    from tonearm.migration.service import MigrationService


def _routers() -> list[APIRouter]:
    from tonearm.migration.endpoints import router, sync_router

    return [router, sync_router]


DOMAIN = Domain(name="migration", routers=_routers, job_modules=("tonearm.migration.tasks",))

__getattr__ = lazy_exports(
    __name__,
    {
        "MigrationService": "tonearm.migration.service",
        "MigrationNotFound": "tonearm.migration.errors",
    },
)

__all__ = ["DOMAIN", "MigrationNotFound", "MigrationService"]

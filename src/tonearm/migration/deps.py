"""Builds the migration and sync services for a request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from tonearm.connections import TokenKeeper
from tonearm.migration.service import MigrationService
from tonearm.migration.sync import SyncService
from tonearm.platform.deps import DbSession, State


async def migration_service(session: DbSession, state: State) -> MigrationService:
    return MigrationService(session, state.settings, state.get(TokenKeeper))


async def sync_service(session: DbSession, state: State) -> SyncService:
    return SyncService(session, state.settings, state.get(TokenKeeper))


Migrations = Annotated[MigrationService, Depends(migration_service)]
Syncs = Annotated[SyncService, Depends(sync_service)]

"""The migration domain's errors."""

from __future__ import annotations

from tonearm.kit.errors import BadRequest, Conflict, NotFound


class MigrationNotFound(NotFound):
    code, title = "migration_not_found", "Migration not found"


class MigrationTrackNotFound(NotFound):
    code, title = "migration_track_not_found", "No such track in this migration"


class SyncPairNotFound(NotFound):
    code, title = "sync_pair_not_found", "Sync pair not found"


class MigrationBusy(Conflict):
    code, title = "migration_busy", "The migration is still running"


class MigrationFinished(Conflict):
    code, title = "migration_finished", "The migration has finished"


class BadSide(BadRequest):
    code, title = "migration_side_invalid", "This source or target cannot be used"


class NotACandidate(Conflict):
    code, title = "migration_choice_invalid", "Choose one of the candidates, or skip the track"

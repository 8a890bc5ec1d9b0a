"""The one list of domains. `app.py`, `cli.py` and `worker.py` iterate it and name none.

Adding a domain: its folder (with `DOMAIN` in its face), one line here, its models module and
its migration. See docs/ARCHITECTURE.md, "Adding a domain".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tonearm import (
    accounts,
    connections,
    library,
    listening,
    migration,
    playlists,
    streaming,
    subsonic,
)
from tonearm.platform.domain import Domain

if TYPE_CHECKING:
    from tonearm.platform.state import AppState

DOMAINS: list[Domain] = [
    accounts.DOMAIN,
    library.DOMAIN,
    streaming.DOMAIN,
    listening.DOMAIN,
    connections.DOMAIN,
    playlists.DOMAIN,
    migration.DOMAIN,
    subsonic.DOMAIN,
]


def register_jobs() -> None:
    """Tell the job registry which modules hold the domains' handlers and periodic tasks."""
    from tonearm.jobs import registry

    registry.use_modules([m for d in DOMAINS for m in d.job_modules])


def install(state: AppState) -> AppState:
    """Give the state every domain's process-wide components."""
    register_jobs()
    for domain in DOMAINS:
        if domain.install is not None:
            domain.install(state)
    return state

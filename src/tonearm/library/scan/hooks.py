"""What other domains do once a root is scanned, registered at install (the playlists domain
imports the playlist files it finds). The library names none of them: a domain adds its hook
to the `ScanHooks` component the library provides, and the `library.scan` job runs them after
the scan has committed, each in its own session; a failing hook is logged and reported, and
never fails the scan."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import structlog

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ScannedRoot:
    root_id: uuid.UUID
    owner_id: uuid.UUID
    path: str  # the root's folder, absolute


AfterScan = Callable[[Any, ScannedRoot], Awaitable[dict[str, Any]]]  # (AppState, root)


@dataclass
class ScanHooks:
    hooks: dict[str, AfterScan] = field(default_factory=dict)

    def add(self, name: str, hook: AfterScan) -> None:
        self.hooks[name] = hook

    async def run(self, state: Any, root: ScannedRoot) -> dict[str, Any]:
        """Each hook's report by its name; {"error": ...} for one that failed."""
        out: dict[str, Any] = {}
        for name, hook in self.hooks.items():
            try:
                out[name] = await hook(state, root)
            except Exception as exc:
                log.exception("after_scan_failed", hook=name, root_id=str(root.root_id))
                out[name] = {"error": type(exc).__name__}
        return out


async def run_after_scan(state: Any, root_id: uuid.UUID) -> dict[str, Any]:
    """The hooks of this process for a scanned root (none when the state has no `ScanHooks`:
    a process whose domains were not installed)."""
    from tonearm.models.library import LibraryRoot

    try:
        hooks = state.get(ScanHooks) if state is not None else None
    except LookupError:
        return {}
    if hooks is None or not hooks.hooks:
        return {}
    async with state.db.session() as s:
        root = await s.get(LibraryRoot, root_id)
    if root is None:
        return {}
    return await hooks.run(state, ScannedRoot(root.id, root.owner_id, root.path))

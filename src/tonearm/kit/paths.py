"""Is this path inside that folder? The one check, for every place that opens a file by a
name it did not choose (library roots, scanned tracks, the SPA's files)."""

from __future__ import annotations

from pathlib import Path


def is_inside(path: Path, base: Path) -> bool:
    """`path` is `base` or lies under it. Both must already be resolved (links followed)."""
    return path == base or path.is_relative_to(base)


def resolve_inside(base: Path, relative: str | Path) -> Path | None:
    """`base / relative` with every link resolved, or None when that leads outside `base`
    (`..`, an absolute `relative`, a link pointing elsewhere). Existence is not checked."""
    root = base.resolve()
    try:
        path = (root / relative).resolve()
    except (OSError, RuntimeError):  # a link loop
        return None
    return path if path != root and path.is_relative_to(root) else None

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


def sweep_stale(folder: Path, older_than: float) -> int:
    """Delete the files under `folder` unmodified for `older_than` seconds, then the folders
    left empty (a crashed job's scratch folder); how many files went. Blocking: run it in a
    thread. A file written to keeps a fresh mtime, so work in progress is never taken."""
    import contextlib
    import os
    import time

    cutoff = time.time() - older_than
    count = 0
    if not folder.is_dir():
        return 0
    walked = list(os.walk(folder, topdown=False))  # children first
    # A folder's mtime as found: removing what is inside it touches it.
    stale_dirs = set()
    for dirpath, _dirnames, _filenames in walked:
        with contextlib.suppress(OSError):
            if Path(dirpath).lstat().st_mtime < cutoff:
                stale_dirs.add(dirpath)
    for dirpath, _dirnames, filenames in walked:
        here = Path(dirpath)
        for name in filenames:
            path = here / name
            try:
                if path.lstat().st_mtime < cutoff:
                    path.unlink()
                    count += 1
            except FileNotFoundError:
                pass  # finished (renamed or removed) by its owner meanwhile
        if here != folder and dirpath in stale_dirs:
            with contextlib.suppress(OSError):  # not empty (in use), or gone already
                here.rmdir()
    return count

"""`tonearm scan DIR`: the same scan as the `library.scan` job, run in the foreground with a
progress bar. The operator names the folder, so it need not be in TONEARM_LIBRARY_ROOTS."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from tonearm.accounts import find_user, first_admin
from tonearm.config import get_settings
from tonearm.kit.errors import TonearmError
from tonearm.library.scan.hooks import run_after_scan
from tonearm.library.scan.roots import ensure_root
from tonearm.library.scan.scanner import RootMissing, Scanner, ScanOptions, ScanReport
from tonearm.models.library import Visibility


def run_scan(
    console: Console,
    directory: Path,
    user: str | None,
    visibility: str | None,
    full: bool,
    process: bool,
    workers: int | None,
) -> int:
    """Exit code: 0 done, 1 refused or failed, 2 bad arguments."""
    try:
        vis = Visibility(visibility) if visibility else None
    except ValueError:
        console.print("[red]--visibility must be private, unlisted or public[/red]")
        return 2
    folder = directory.expanduser().resolve()
    if not folder.is_dir():
        console.print(f"[red]{folder} is not a folder[/red]")
        return 2
    from tonearm.platform.migrate import upgrade

    settings = get_settings()
    upgrade(settings.effective_database_url)
    options = ScanOptions(full=full, process=process, workers=workers or settings.scan_workers)
    try:
        report, after = asyncio.run(_run(console, folder, user, vis, options))
    except (TonearmError, RootMissing, LookupError) as exc:
        console.print(f"[red]{getattr(exc, 'title', None) or exc}[/red]")
        return 1
    _print_report(console, report)
    playlists = after.get("playlists")
    if isinstance(playlists, dict) and "added" in playlists:
        console.print(
            "playlist files: "
            + ", ".join(
                f"{playlists.get(k, 0)} {k}" for k in ("added", "updated", "unchanged", "failed")
            )
        )
    return 1 if report.errors else 0


async def _run(
    console: Console,
    folder: Path,
    user: str | None,
    visibility: Visibility | None,
    options: ScanOptions,
) -> tuple[ScanReport, dict[str, Any]]:
    from tonearm.platform.state import build_state, install_domains

    state = install_domains(build_state(get_settings()))
    try:
        async with state.db.session() as s:
            owner = await find_user(s, user) if user else None
            admin = await first_admin(s) if owner is None else None
            root = await ensure_root(
                s,
                folder,
                owner.id if owner else None,
                visibility,
                default_owner=admin.id if admin else None,
            )
            root_id = root.id
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            found = bar.add_task("files found", total=None, rate="")
            read: TaskID | None = None
            started = time.perf_counter()

            async def progress(phase: str, done: int, total: int) -> None:
                nonlocal read, started
                if phase == "walk":
                    bar.update(found, completed=done)
                    return
                if read is None:
                    bar.update(found, total=bar.tasks[found].completed)
                    read = bar.add_task("files processed", total=total, rate="")
                    started = time.perf_counter()
                elapsed = max(time.perf_counter() - started, 1e-6)
                bar.update(read, completed=done, rate=f"{done / elapsed:,.0f} tracks/s")

            report = await Scanner(state.db, root_id, options, progress).run()
        return report, await run_after_scan(state, root_id)
    finally:
        await state.close()


def _print_report(console: Console, r: ScanReport) -> None:
    table = Table("", "count", title=f"scan of {r.root}", show_header=False)
    for label, value in (
        ("files found", r.files),
        ("folders", r.folders),
        ("unchanged folders", r.unchanged_folders),
        ("added", r.added),
        ("updated", r.updated),
        ("moved", r.moved),
        ("missing", r.missing),
        ("restored", r.restored),
        ("skipped (unreadable)", r.skipped),
        ("duplicates", r.duplicates),
        ("errors", r.errors),
        ("links not followed", r.links_skipped),
        ("processing jobs queued", r.jobs),
        ("new folder covers (tracks)", r.artwork_refreshed),
        ("tracks grouped into their folder's album", r.regrouped),
    ):
        table.add_row(label, str(value))
    table.add_row("elapsed", f"{r.elapsed:.2f} s")
    console.print(table)

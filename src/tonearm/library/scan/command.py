"""The `tonearm scan` command's signature (light: the CLI imports it to list its commands)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def scan(
    directory: Annotated[Path, typer.Argument(help="Folder to scan (it becomes a library root)")],
    user: Annotated[
        str | None, typer.Option(help="Owner (username or email); default: the first admin")
    ] = None,
    visibility: Annotated[
        str | None, typer.Option(help="private, unlisted or public (new root: private)")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Ignore folder fingerprints")] = False,
    process: Annotated[
        bool, typer.Option("--process/--no-process", help="Queue HLS/waveform/artwork jobs")
    ] = True,
    workers: Annotated[int | None, typer.Option(help="Tag-reading processes")] = None,
) -> None:
    """Scan a music folder in place: new, changed, moved and missing files."""
    from rich.console import Console

    from tonearm.library.scan.cli import run_scan  # the scanner loads only for this command

    code = run_scan(Console(), directory, user, visibility, full, process, workers)
    if code:
        raise typer.Exit(code)

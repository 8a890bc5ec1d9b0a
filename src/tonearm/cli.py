"""The `tonearm` command line (Typer). A composition root: the platform's commands here, each
domain's (`user`, `scan`, ...) added by its record in `DOMAINS`."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from tonearm import domains
from tonearm.config import get_settings
from tonearm.platform.datafolder import DataFolderError, data_folder, require_existing

#: Commands that create the data folder, its keys and database, or that never touch them.
CREATES_DATA = {"serve", "db upgrade", "restore"}
NO_DATA = {"openapi", "settings-table", "keys generate", "db revision"}
#: Commands that read the database only, never the keys.
DB_ONLY = {"db vacuum"}


def _user_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from tonearm.kit.crypto import KeyringError
    from tonearm.kit.errors import TonearmError
    from tonearm.platform.backup import BackupError

    return (
        DataFolderError,
        BackupError,
        TonearmError,
        KeyringError,
        OperationalError,
        ProgrammingError,
    )


def _one_line(exc: BaseException) -> str:
    text = getattr(exc, "title", None) or str(getattr(exc, "orig", None) or exc)
    line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    if not isinstance(exc, DataFolderError) and hasattr(exc, "orig"):
        return f"database error: {line} (is the schema at head? run `tonearm db upgrade`)"
    return line


class _Group(TyperGroup):
    """Every command's user errors (no database, a domain refusal) become one line on stderr
    and exit code 1, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _user_errors() as exc:
            typer.echo(f"tonearm: {_one_line(exc)}", err=True)
            raise typer.Exit(1) from None


#: Long-running commands that configure their own logs (the servers); the others print their
#: own output, so their logs show warnings and errors only, unless TONEARM_LOG_LEVEL says more.
LOGS_ITSELF = {"serve", "worker", "scheduler"}


def _quiet_logs() -> None:
    from tonearm.kit.logging import configure_logging

    settings = get_settings()
    level = settings.log_level if "log_level" in settings.model_fields_set else "WARNING"
    configure_logging(level, json=False)


def _guard(command: str) -> None:
    """Say which data folder is in use; refuse to create one outside `serve`/`db upgrade`."""
    if command in NO_DATA:
        return
    settings = get_settings()
    typer.echo(f"tonearm: data folder {data_folder(settings)}", err=True)
    if command not in CREATES_DATA:
        require_existing(settings, keys=command not in DB_ONLY)


app = typer.Typer(help="Tonearm: self-hosted music platform.", no_args_is_help=True, cls=_Group)
db_app = typer.Typer(help="Database schema and upkeep.", no_args_is_help=True)
keys_app = typer.Typer(help="Encryption keys for stored secrets.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
console = Console()


def factory():  # type: ignore[no-untyped-def]
    """uvicorn --factory entry point (each worker process builds its own app)."""
    from tonearm.app import create_app

    return create_app()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    migrate: Annotated[bool, typer.Option(help="Apply migrations first")] = True,
) -> None:
    """Serve the API and the web app (and, embedded, the jobs and the scheduler)."""
    import subprocess

    import uvicorn

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.resolved_secret_key()  # create the key once, before workers race for it
    if migrate:
        # In a child process: Alembic's modules then never weigh on the serving process.
        done = subprocess.run([sys.executable, "-m", "tonearm", "db", "upgrade"], check=False)
        if done.returncode != 0:
            raise typer.Exit(done.returncode)
    if workers > 1:
        prom = settings.data_dir / "prometheus"
        shutil.rmtree(prom, ignore_errors=True)
        prom.mkdir(parents=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(prom)
    from tonearm.platform.httpserver import IMPORT_PATH as GUARDED_HTTP

    uvicorn.run(
        "tonearm.cli:factory",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        http=GUARDED_HTTP,  # header size, count and read-time limits (431, disconnect)
        timeout_keep_alive=settings.http_keep_alive_seconds,
        log_config=None,
        access_log=False,
        proxy_headers=False,
        server_header=False,
    )


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(help="Worker processes/threads")] = 2,
    loglevel: Annotated[str, typer.Option(help="Celery log level")] = "INFO",
) -> None:
    """Run a Celery worker (needs TONEARM_BROKER_URL)."""
    from tonearm import worker as celery_worker

    celery_worker.run(concurrency=concurrency, loglevel=loglevel)


@app.command()
def scheduler() -> None:
    """Run the periodic scheduler on its own (safe to start twice: one leader per tick)."""
    from tonearm.jobs.cli_support import run_scheduler

    run_scheduler()


@app.command()
def openapi() -> None:
    """Print the OpenAPI document (used to generate the web client)."""
    from tonearm.app import create_app

    spec = create_app().openapi()
    sys.stdout.write(json.dumps(spec, indent=2, sort_keys=False) + "\n")


@app.command("settings-table")
def settings_table(
    write: Annotated[
        Path | None,
        typer.Option(help="Replace the table between the markers in this file (README.md)."),
    ] = None,
) -> None:
    """Print the configuration table (markdown), generated from the settings models."""
    from tonearm.configdoc import readme_with_table
    from tonearm.configdoc import settings_table as table

    if write is None:
        sys.stdout.write(table())
        return
    write.write_text(readme_with_table(write.read_text()))
    console.print(f"Updated the settings table in {write}")


def _print_report(title: str, report: Any) -> None:
    lines = [(title, "green")] + [(f"  {ln}", "") for ln in report.lines]
    lines += [(f"  note: {ln}", "yellow") for ln in report.notes]
    for text, style in lines:  # plain text (paths are not markup), never wrapped
        console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)


@app.command()
def backup(
    directory: Annotated[Path, typer.Argument(help="A new or empty folder for the backup")],
) -> None:
    """Back up the database (online, safe while `serve` runs), the media and the keys."""
    from tonearm.platform import backup as backups

    report = backups.backup(get_settings(), directory)
    _print_report(f"backed up to {directory}", report)


@app.command()
def restore(
    directory: Annotated[Path, typer.Argument(help="A folder `tonearm backup` wrote")],
    force: Annotated[
        bool, typer.Option(help="Overwrite a database, media or keys already in place")
    ] = False,
) -> None:
    """Restore a backup into the configured database and data folder (stop `serve` first)."""
    from tonearm.platform import backup as backups

    report = backups.restore(get_settings(), directory, force=force)
    _print_report(f"restored from {directory}", report)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from tonearm.kit import crypto
    from tonearm.platform.migrate import upgrade

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.resolved_secret_key()  # the keys are created here (or by `serve`), nowhere else
    crypto.load_keys(settings.fernet_keys(), settings.data_dir)
    upgrade(settings.effective_database_url, revision)
    console.print(f"[green]database at {revision}[/green]")


@db_app.command("revision")
def db_revision(
    message: Annotated[str, typer.Option("-m", "--message", help="What the migration does")],
) -> None:
    """Write a new, empty migration after the head (date-prefixed, generated id)."""
    from tonearm.platform.migrate import new_revision

    console.print(f"[green]wrote {new_revision(message)}[/green]")


@db_app.command("vacuum")
def db_vacuum() -> None:
    """Compact the database and rebuild the search index (safe while the server runs)."""
    from tonearm.kit.db import Database
    from tonearm.platform.maintenance import vacuum

    hooks = [d.after_vacuum for d in domains.DOMAINS if d.after_vacuum is not None]

    async def run() -> None:
        db = Database(get_settings().effective_database_url)
        try:
            await vacuum(db.engine, hooks)
        finally:
            await db.dispose()

    asyncio.run(run())
    console.print("[green]database compacted, search index rebuilt[/green]")


@keys_app.command("rotate")
def keys_rotate(
    drop_old: Annotated[
        bool, typer.Option(help="After re-encrypting, forget the old keys (key file mode)")
    ] = False,
) -> None:
    """Re-encrypt every stored secret with a new key.

    Key file mode (embedded): a new key is generated and put first in data/encryption.keys.
    Environment mode (TONEARM_ENCRYPTION_KEYS): put the new key first in the variable yourself
    (`tonearm keys generate`), keep the old ones after it, then run this command."""
    from tonearm.platform import keyrotation

    settings = get_settings()
    count = asyncio.run(keyrotation.rotate_all(settings, drop_old=drop_old))
    console.print(f"[green]re-encrypted {count} stored secret(s) with the newest key[/green]")


@keys_app.command("generate")
def keys_generate() -> None:
    """Print a new Fernet key (for TONEARM_ENCRYPTION_KEYS)."""
    from cryptography.fernet import Fernet

    sys.stdout.write(Fernet.generate_key().decode() + "\n")


for _domain in domains.DOMAINS:
    if _domain.cli is not None:
        _domain.cli(app)


@app.callback()
def _every_command(ctx: typer.Context) -> None:
    # Commands that enqueue (a scan) validate against the handlers, so the registry must know
    # every domain's job modules; done here, not at import, to keep `--help` light.
    domains.register_jobs()
    from tonearm.platform.state import set_installer

    set_installer(domains.install)  # `tonearm scan` runs the domains' after-scan hooks
    if ctx.invoked_subcommand not in LOGS_ITSELF:
        _quiet_logs()
    if ctx.invoked_subcommand not in {"db", "keys"}:  # those groups guard in their callback
        _guard(str(ctx.invoked_subcommand))


@db_app.callback()
def _db_command(ctx: typer.Context) -> None:
    _guard(f"db {ctx.invoked_subcommand}")


@keys_app.callback()
def _keys_command(ctx: typer.Context) -> None:
    _guard(f"keys {ctx.invoked_subcommand}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()

"""The `tonearm` command line (Typer)."""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tonearm.config import get_settings

app = typer.Typer(help="Tonearm: self-hosted music platform.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema and upkeep.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
keys_app = typer.Typer(help="Encryption keys for stored secrets.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
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
    uvicorn.run(
        "tonearm.cli:factory",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
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
    from tonearm.jobs.cli_support import run_worker

    run_worker(concurrency=concurrency, loglevel=loglevel)


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


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from tonearm.kit.migrate import upgrade

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.effective_database_url, revision)
    console.print(f"[green]database at {revision}[/green]")


@db_app.command("vacuum")
def db_vacuum() -> None:
    """Compact the database and rebuild the search index (safe while the server runs)."""
    from tonearm.kit.db import Database
    from tonearm.library.search import compact

    async def run() -> None:
        db = Database(get_settings().effective_database_url)
        try:
            await compact(db.engine)
        finally:
            await db.dispose()

    asyncio.run(run())
    console.print("[green]database compacted, search index rebuilt[/green]")


async def _with_service(fn):  # type: ignore[no-untyped-def]
    from tonearm.accounts.service import AccountsService
    from tonearm.state import build_state

    state = build_state(get_settings())
    try:
        async with state.db.session() as session:
            svc = AccountsService(session, state.settings, state.signer, state.outbox)
            return await fn(svc)
    finally:
        await state.close()


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(prompt=True)],
    username: Annotated[str, typer.Option(prompt=True)],
    password: Annotated[str | None, typer.Option(help="Prompted when omitted")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Give the admin role")] = False,
    artist: Annotated[bool, typer.Option("--artist", help="Give the artist role")] = False,
) -> None:
    """Create a user (email counts as verified)."""
    from pydantic import TypeAdapter, ValidationError

    from tonearm.accounts.schemas import RegisterIn
    from tonearm.kit.errors import TonearmError
    from tonearm.models.accounts import Role

    if password is None:
        password = getpass.getpass("Password: ")
    try:
        data = TypeAdapter(RegisterIn).validate_python(
            {"email": email, "username": username, "password": password}
        )
    except ValidationError as exc:
        for err in exc.errors():
            console.print(f"[red]{'.'.join(map(str, err['loc']))}: {err['msg']}[/red]")
        raise typer.Exit(2) from exc
    role = Role.admin if admin else Role.artist if artist else Role.listener
    from tonearm.kit.migrate import upgrade

    get_settings().data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(get_settings().effective_database_url)
    try:
        user = asyncio.run(
            _with_service(
                lambda svc: svc.create_user(data.email, data.username, data.password, role=role)
            )
        )
    except TonearmError as exc:
        console.print(f"[red]{exc.title}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"[green]created {user.username} ({user.role.value}) {user.id}[/green]")


@user_app.command("list")
def user_list(limit: int = 200) -> None:
    """List users."""
    from tonearm.kit.pagination import PageParams

    async def run(svc):  # type: ignore[no-untyped-def]
        rows, _ = await svc.list_users(PageParams(limit=limit))
        return rows

    rows = asyncio.run(_with_service(run))
    table = Table("id", "username", "email", "role", "verified", "created")
    for u in rows:
        table.add_row(
            str(u.id),
            u.username,
            u.email or "",
            u.role.value,
            "yes" if u.email_verified_at else "no",
            u.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)


@app.command()
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
    from tonearm.library.scan_cli import run_scan

    code = run_scan(console, directory, user, visibility, full, process, workers)
    if code:
        raise typer.Exit(code)


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
    from tonearm.kit import keyrotation

    settings = get_settings()
    count = asyncio.run(keyrotation.rotate_all(settings, drop_old=drop_old))
    console.print(f"[green]re-encrypted {count} stored secret(s) with the newest key[/green]")


@keys_app.command("generate")
def keys_generate() -> None:
    """Print a new Fernet key (for TONEARM_ENCRYPTION_KEYS)."""
    from cryptography.fernet import Fernet

    sys.stdout.write(Fernet.generate_key().decode() + "\n")


def main() -> None:
    app()


if __name__ == "__main__":
    main()

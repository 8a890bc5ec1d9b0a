"""`tonearm user create`, `tonearm user list`."""

from __future__ import annotations

import asyncio
import getpass
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tonearm.config import get_settings

app = typer.Typer(help="User accounts.", no_args_is_help=True)
console = Console()


async def _with_service(fn):  # type: ignore[no-untyped-def]
    from tonearm.accounts.components import install
    from tonearm.accounts.deps import service_for
    from tonearm.platform.state import build_state

    state = build_state(get_settings())
    install(state)
    try:
        async with state.db.session() as session:
            svc = service_for(state, session)
            return await fn(svc)
    finally:
        await state.close()


@app.command("create")
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
    from tonearm.platform.migrate import upgrade

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


@app.command("list")
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

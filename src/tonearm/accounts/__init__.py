"""Accounts: users, sessions and refresh tokens, email links, phone OTP, roles, and the
email and SMS outbox. The face other domains import:

    find_user, get_user, first_admin -> UserRef     who a user is (for roots, ownership)
    can_publish(role)                               the one rule for making things public
    Outbox, EmailMessage, SmsMessage                send after commit
    UserNotFound
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tonearm.platform.domain import Domain, lazy_exports

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter

    from tonearm.accounts.directory import UserRef, find_user, first_admin, get_user
    from tonearm.accounts.errors import UserNotFound
    from tonearm.accounts.senders import EmailMessage, Outbox, SmsMessage
    from tonearm.platform.principal import can_publish
    from tonearm.platform.state import AppState


def _routers() -> list[APIRouter]:
    from tonearm.accounts.endpoints import routers

    return list(routers)


def _cli(root: typer.Typer) -> None:
    from tonearm.accounts.cli import app

    root.add_typer(app, name="user")


def _install(state: AppState) -> None:
    from tonearm.accounts.components import install

    install(state)


DOMAIN = Domain(
    name="accounts",
    routers=_routers,
    job_modules=("tonearm.accounts.tasks",),
    cli=_cli,
    install=_install,
)

__getattr__ = lazy_exports(
    __name__,
    {
        "UserRef": "tonearm.accounts.directory",
        "find_user": "tonearm.accounts.directory",
        "first_admin": "tonearm.accounts.directory",
        "get_user": "tonearm.accounts.directory",
        "UserNotFound": "tonearm.accounts.errors",
        "EmailMessage": "tonearm.accounts.senders",
        "Outbox": "tonearm.accounts.senders",
        "SmsMessage": "tonearm.accounts.senders",
        "can_publish": "tonearm.platform.principal",
    },
)

__all__ = [
    "DOMAIN",
    "EmailMessage",
    "Outbox",
    "SmsMessage",
    "UserNotFound",
    "UserRef",
    "can_publish",
    "find_user",
    "first_admin",
    "get_user",
]

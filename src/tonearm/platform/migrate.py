"""Run the Alembic migrations programmatically (serve on start, `db upgrade`, tests)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

_PKG = Path(__file__).resolve().parent.parent


def _script_location() -> Path:
    # A checkout (editable install) keeps them at the repository root; a wheel carries a copy.
    for candidate in (_PKG.parent.parent / "migrations", _PKG / "_migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise RuntimeError("migrations folder not found")


# New revisions get Alembic's generated ids behind a date prefix, so two domains developed at
# the same time never both write "0006". (0001-0005 keep their hand-numbered ids: databases
# already carry them.)
FILE_TEMPLATE = "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_script_location()))
    cfg.set_main_option("file_template", FILE_TEMPLATE)
    cfg.attributes["url"] = url
    return cfg


def new_revision(message: str) -> Path:
    """Write an empty migration after the current head; returns its path."""
    script = command.revision(alembic_config(""), message=message)
    assert script is not None and not isinstance(script, list)
    return Path(script.path)


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "head") -> None:
    # env.py calls asyncio.run(); keep it off the running loop.
    await asyncio.to_thread(upgrade, url, revision)

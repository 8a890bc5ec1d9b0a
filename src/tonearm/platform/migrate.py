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


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_script_location()))
    cfg.attributes["url"] = url
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "head") -> None:
    # env.py calls asyncio.run(); keep it off the running loop.
    await asyncio.to_thread(upgrade, url, revision)

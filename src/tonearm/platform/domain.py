"""The record a domain hands to the composition roots (`app.py`, `cli.py`, the Celery worker).

A domain's face (`<domain>/__init__.py`) exports `DOMAIN = Domain(...)`; `tonearm.domains`
lists them. The roots iterate that list and never name a domain, so adding one touches its
own folder and one line there. Everything heavy is reached through callables or module
names, so building the list imports nothing a process does not use.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer
    from fastapi import APIRouter
    from sqlalchemy.ext.asyncio import AsyncEngine

    from tonearm.config import Settings
    from tonearm.platform.state import AppState


@dataclass(frozen=True)
class Domain:
    name: str
    #: Its routers, in the order they appear in the OpenAPI document.
    routers: Callable[[], Sequence[APIRouter]] = lambda: ()
    #: Modules whose import registers its `@job` handlers and `@periodic` tasks.
    job_modules: Sequence[str] = ()
    #: Adds its commands (or a sub-app) to the `tonearm` CLI.
    cli: Callable[[typer.Typer], None] | None = None
    #: Builds the domain's process-wide components into the state (`state.provide(...)`) and
    #: registers start/stop hooks, readiness probes and metric samplers (`state.lifecycle`).
    install: Callable[[AppState], None] | None = None
    #: Request-body limits above the global one, by path (large uploads).
    body_limits: Callable[[Settings], Mapping[str, int]] | None = None
    #: Run by `tonearm db vacuum` after the database is compacted (rebuild derived indexes).
    after_vacuum: Callable[[AsyncEngine], Awaitable[None]] | None = None


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], object]:
    """A module `__getattr__` for a face: each exported name is imported from the module that
    defines it on first use, so importing a face (as `domains.py`, and so the CLI, does) costs
    only its `DOMAIN` record. The face names the same things under `TYPE_CHECKING` for mypy."""

    def __getattr__(name: str) -> object:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__

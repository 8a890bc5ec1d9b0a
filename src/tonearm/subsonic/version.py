"""Tonearm's version, as `serverVersion` says it."""

from __future__ import annotations

import functools
import importlib.metadata


@functools.cache
def server_version() -> str:
    try:
        return importlib.metadata.version("tonearm")
    except importlib.metadata.PackageNotFoundError:
        return "0"

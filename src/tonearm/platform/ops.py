"""Operational routes: /health, /ready (every readiness probe the domains registered) and
/metrics (Prometheus, after running the registered samplers)."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.metadata
import os
import platform
import shutil
import time
from pathlib import Path
from typing import Any, Literal

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import text

from tonearm.kit import metrics
from tonearm.kit.errors import responses
from tonearm.platform.auth import AdminUser
from tonearm.platform.deps import get_state
from tonearm.platform.principal import InsufficientRole, NotAuthenticated
from tonearm.platform.state import AppState

log = structlog.get_logger(__name__)

router = APIRouter(tags=["ops"])


@router.get("/health", operation_id="ops-health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


async def _check(name: str, coro: Any, timeout: float = 3.0) -> tuple[str, str]:
    try:
        ok = await asyncio.wait_for(coro, timeout)
        return name, "ok" if ok is not False else "failed"
    except Exception as exc:
        return name, f"failed: {type(exc).__name__}"


async def _db_ok(state: AppState) -> bool:
    async with state.db.engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
    return True


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str]


@router.get(
    "/ready",
    operation_id="ops-ready",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "A dependency is not reachable"}},
)
async def ready(request: Request) -> JSONResponse:
    state = get_state(request)
    checks = [_check("database", _db_ok(state)), _check("storage", state.storage.check())]
    if state.settings.redis_url:
        checks.append(_check("redis", state.limiter.check_health()))
    for name, probe in state.lifecycle.readiness.items():
        checks.append(_check(name, probe()))
    results = dict(await asyncio.gather(*checks))
    ok = all(v == "ok" for v in results.values())
    return JSONResponse(
        {"status": "ok" if ok else "unavailable", "checks": results},
        status_code=200 if ok else 503,
    )


@router.get(
    "/metrics",
    operation_id="ops-metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def prometheus(request: Request) -> Response:
    for sampler in get_state(request).lifecycle.metric_samplers:
        try:
            await sampler()
        except Exception:
            log.exception("metric_sampler_failed")
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)


# --- the admin area's server page ----------------------------------------------------------

_STARTED = time.time()


class ServerInfo(BaseModel):
    version: str
    python: str
    uptime_seconds: float
    data_dir: str
    disk: dict[str, int] = Field(description="total, used and free bytes of the data folder's disk")
    database: dict[str, Any]
    storage: dict[str, Any]
    sections: dict[str, dict[str, Any]] = Field(
        description="What each part reports (jobs: queue depth; accounts; library)"
    )


def _tree_bytes(root: Path) -> int:
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


async def _database(state: AppState) -> dict[str, Any]:
    engine = state.db.engine
    dialect = engine.dialect.name
    out: dict[str, Any] = {"dialect": dialect}
    async with engine.connect() as conn:
        if dialect == "sqlite":
            out["version"] = (await conn.execute(text("select sqlite_version()"))).scalar()
            pages = (await conn.execute(text("pragma page_count"))).scalar() or 0
            size = (await conn.execute(text("pragma page_size"))).scalar() or 0
            out["size_bytes"] = int(pages) * int(size)
        else:
            out["version"] = (await conn.execute(text("show server_version"))).scalar()
            out["size_bytes"] = (
                await conn.execute(text("select pg_database_size(current_database())"))
            ).scalar()
    return out


@router.get(
    "/api/v1/admin/server",
    operation_id="admin-server-info",
    tags=["admin"],
    responses=responses(NotAuthenticated, InsufficientRole),
)
async def server_info(request: Request, _admin: AdminUser) -> ServerInfo:
    """Version, database, storage, queue depth and disk use, for the admin area."""
    state = get_state(request)
    settings = state.settings
    disk = shutil.disk_usage(settings.data_dir)
    storage: dict[str, Any]
    if settings.s3.bucket:
        storage = {"backend": "s3", "bucket": settings.s3.bucket}
    else:
        root = getattr(state.storage, "root", settings.data_dir / "media")
        storage = {
            "backend": "local",
            "path": str(root),
            "used_bytes": await asyncio.to_thread(_tree_bytes, Path(root)),
        }
    sections = {}
    for name, hook in state.lifecycle.info.items():
        try:
            sections[name] = await asyncio.wait_for(hook(), 10)
        except Exception as exc:  # one part failing must not hide the rest
            log.warning("server_info_failed", part=name, error=type(exc).__name__)
            sections[name] = {"error": type(exc).__name__}
    return ServerInfo(
        version=_version(),
        python=platform.python_version(),
        uptime_seconds=round(time.time() - _STARTED, 1),
        data_dir=str(settings.data_dir),
        disk={"total": disk.total, "used": disk.used, "free": disk.free},
        database=await _database(state),
        storage=storage,
        sections=sections,
    )


def _version() -> str:
    try:
        return importlib.metadata.version("tonearm")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"

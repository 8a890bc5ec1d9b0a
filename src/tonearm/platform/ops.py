"""Operational routes: /health, /ready (every readiness probe the domains registered) and
/metrics (Prometheus, after running the registered samplers)."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import text

from tonearm.kit import metrics
from tonearm.platform.deps import get_state
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

"""create_app(): the platform's routers and middleware, every domain's routers, the lifespan.
A composition root: it iterates `DOMAINS` and names no domain."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from tonearm import domains
from tonearm.config import Settings, get_settings
from tonearm.jobs import runtime as jobs_runtime
from tonearm.jobs.endpoints import admin_router as jobs_admin_router
from tonearm.jobs.endpoints import router as jobs_router
from tonearm.kit.errors import install_error_handlers
from tonearm.kit.logging import configure_logging
from tonearm.platform import ops, spa
from tonearm.platform.allow import install_method_not_allowed
from tonearm.platform.apidocs import install_docs
from tonearm.platform.compress import CompressJSONMiddleware
from tonearm.platform.files import router as files_router
from tonearm.platform.guards import IdempotencyMiddleware, RateLimitMiddleware
from tonearm.platform.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from tonearm.platform.openapi import install_openapi
from tonearm.platform.state import build_state

log = structlog.get_logger(__name__)


def create_app(settings: Settings | None = None, *, migrate: bool = False) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.json_logs)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = build_state(settings)
        if migrate:
            from tonearm.platform.migrate import upgrade_async

            await upgrade_async(settings.effective_database_url)
        domains.install(state)
        jobs_runtime.install(state)
        app.state.tonearm = state
        await state.lifecycle.start()
        # Everything allocated so far lives as long as the process: keep it out of the
        # cyclic GC's generations so collections stay short under load.
        gc.collect()
        gc.freeze()
        # A request that builds many objects at once (an import matching 10,000 entries, a
        # large page) triggers a young collection every 700 allocations by default, each
        # promoting survivors into ever fuller scans; 20,000 cuts the collector's share of
        # such a request from about a third to a few per cent.
        gc.set_threshold(20_000, 20, 20)
        log.info("started", database=state.db.dialect, env=settings.env)
        try:
            yield
        finally:
            await state.lifecycle.stop()
            await state.close()

    app = FastAPI(
        title="Tonearm",
        version="0.1.0",
        summary="Self-hosted music platform API",
        openapi_url="/api/openapi.json",
        docs_url=None,  # served by install_docs, from local assets
        redoc_url=None,
        lifespan=lifespan,
        # An API path is exact: no undocumented 307 to the path with(out) a trailing slash
        # (and an odd path such as `/stream/x/` is a 404, not a redirect to its route).
        redirect_slashes=False,
    )
    install_error_handlers(app)
    install_method_not_allowed(app)
    install_openapi(app)
    install_docs(app)

    body_limits: dict[str, int] = {}
    for domain in domains.DOMAINS:
        for router in domain.routers():
            app.include_router(router)
        if domain.body_limits is not None:
            body_limits.update(domain.body_limits(settings))
    for router in (jobs_router, jobs_admin_router, files_router, ops.router):
        app.include_router(router)
    app.include_router(spa.spa_router(spa.resolve_dist(settings.web_dist)))  # catch-all: last

    # Outermost last.
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(RateLimitMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes, overrides=body_limits
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Retry-After", "Content-Range"],
        )
    app.add_middleware(CompressJSONMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.is_production)
    app.add_middleware(RequestContextMiddleware, skip_log_paths=("/health", "/metrics"))
    return app

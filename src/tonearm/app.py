"""create_app(): routers, middleware, lifespan. Nothing else."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from tonearm import ops, web
from tonearm.accounts.endpoints import routers as accounts_routers
from tonearm.config import Settings, get_settings
from tonearm.jobs import runtime as jobs_runtime
from tonearm.jobs.endpoints import router as jobs_router
from tonearm.kit.errors import install_error_handlers
from tonearm.kit.guards import IdempotencyMiddleware, RateLimitMiddleware
from tonearm.kit.logging import configure_logging
from tonearm.kit.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
)
from tonearm.kit.storage.endpoints import router as files_router
from tonearm.library.catalog.endpoints import router as library_router
from tonearm.library.ingest.endpoints import router as upload_router
from tonearm.library.scan.endpoints import router as scan_router
from tonearm.library.search.endpoints import router as search_router
from tonearm.listening.endpoints import router as listening_router
from tonearm.state import build_state
from tonearm.streaming.endpoints import router as streaming_router

log = structlog.get_logger(__name__)


def create_app(settings: Settings | None = None, *, migrate: bool = False) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.json_logs)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = build_state(settings)
        if migrate:
            from tonearm.kit.migrate import upgrade_async

            await upgrade_async(settings.effective_database_url)
        app.state.tonearm = state
        app.state.storage = state.storage
        jobs_runtime.install(state)
        await ops.start(state)
        # Everything allocated so far lives as long as the process: keep it out of the
        # cyclic GC's generations so collections stay short under load.
        gc.collect()
        gc.freeze()
        log.info("started", database=state.db.dialect, env=settings.env)
        try:
            yield
        finally:
            await ops.stop(state)
            await state.close()

    app = FastAPI(
        title="Tonearm",
        version="0.1.0",
        summary="Self-hosted music platform API",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    install_error_handlers(app)

    for router in (
        *accounts_routers,
        jobs_router,
        library_router,
        upload_router,
        search_router,
        scan_router,
        streaming_router,
        listening_router,
        files_router,
        *ops.routers(),
    ):
        app.include_router(router)
    app.include_router(web.spa_router(web.resolve_dist(settings.web_dist)))

    # Outermost last.
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(RateLimitMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        overrides={"/api/v1/library/uploads": settings.upload_max_request_bytes},
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
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.is_production)
    app.add_middleware(RequestContextMiddleware, skip_log_paths=("/health", "/metrics"))
    return app

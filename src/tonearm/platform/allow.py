"""405 with every method the path has. Starlette answers a method a path does not take from
the first route whose path matched, so `Allow` named only that route's methods (`OPTIONS
/api/v1/me` said `GET`, not `GET, PATCH`); this handler asks every route."""

from __future__ import annotations

from fastapi import FastAPI, Request, routing
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from tonearm.kit.errors import problem_response


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    scope = {**request.scope, "method": "\x00"}  # a method no route takes: path matches only
    iter_contexts = getattr(routing, "iter_route_contexts", None)
    found: set[str] = set()
    for route in iter_contexts(app.routes) if iter_contexts else app.routes:
        methods = getattr(route, "methods", None)
        if methods and route.matches(scope)[0] is not Match.NONE:
            found.update(methods)
    return sorted(found)


def install_method_not_allowed(app: FastAPI) -> None:
    @app.exception_handler(405)
    async def _method_not_allowed(request: Request, exc: HTTPException) -> JSONResponse:
        allow = allowed_methods(app, request)
        return problem_response(
            request,
            status=405,
            code="method_not_allowed",
            title="Method not allowed",
            headers={"Allow": ", ".join(allow)},
        )

"""The OpenAPI document names every status the server answers, so the generated client knows
them all, not only the errors an endpoint lists in `responses=`. Added per route, from what
the route is made of:

- its dependencies' errors, as they declare them with `kit.errors.documents` (the auth
  dependencies: 401/403 and the bearer security scheme; the role guard: 403; paging: 400
  `invalid_cursor`), found by walking the route's dependency tree;
- a JSON body: 400 `malformed_json`; any parameter or body: 422 `validation_error` (FastAPI
  documents its own `HTTPValidationError` shape, which this server never sends);
- the middleware in front of every route: 429 on the rate-limited `/api` routes, 413 (and a bad
  Content-Length) on methods that carry a body, and the `Idempotency-Key` header with its
  answers on `/api` POSTs.

Every error is a problem document, sent as `application/problem+json`, and said so here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from tonearm.kit.errors import (
    DOCUMENTED_ERRORS,
    PROBLEM_JSON,
    MalformedJson,
    PayloadTooLarge,
    Problem,
    RateLimited,
    TonearmError,
    ValidationFailed,
)
from tonearm.platform.auth import optional_principal, principal_for_event_stream, require_principal
from tonearm.platform.guards import IDEMPOTENCY_ERRORS, RateLimitMiddleware

PROBLEM_REF = "#/components/schemas/Problem"
BEARER = "bearer"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Sent by platform.middleware.BodySizeLimitMiddleware before any route runs.
_BAD_CONTENT_LENGTH = (400, "Invalid Content-Length (`bad_content_length`)")

IDEMPOTENCY_HEADER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Run this POST once: a replay with the same key gets the first answer "
    "(with `Idempotency-Replayed: true`), for 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}

Doc = tuple[int, str]  # status, "Title (`code`)"


def _doc(err: type[TonearmError]) -> Doc:
    return err.status, f"{err.title} (`{err.code}`)"


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    for dep in dependant.dependencies:
        yield dep
        yield from _dependants(dep)


def _api_routes(app: FastAPI) -> Iterator[Any]:
    """Each API route as the app serves it (FastAPI >= 0.16x keeps included routers nested:
    a route context carries the effective path and dependencies)."""
    iter_contexts = getattr(routing, "iter_route_contexts", None)
    contexts: list[Any] = list(iter_contexts(app.routes) if iter_contexts else app.routes)
    for ctx in contexts:
        if isinstance(getattr(ctx, "original_route", ctx), APIRoute) and ctx.include_in_schema:
            yield ctx


def _calls(route: APIRoute) -> list[Callable[..., Any]]:
    return [d.call for d in _dependants(route.dependant) if d.call is not None]


def _has_params(route: APIRoute) -> bool:
    return any(
        d.path_params or d.query_params or d.header_params or d.cookie_params or d.body_params
        for d in (route.dependant, *_dependants(route.dependant))
    )


def route_errors(route: APIRoute, method: str) -> list[Doc]:
    """What `route` can answer besides its own `responses=`, for `method`."""
    docs: list[Doc] = []
    for call in _calls(route):
        docs.extend(_doc(e) for e in getattr(call, DOCUMENTED_ERRORS, ()))
    if route.body_field is not None:
        docs.append(_doc(MalformedJson))
    if route.body_field is not None or _has_params(route):
        docs.append(_doc(ValidationFailed))
    api = route.path.startswith("/api/")
    if api and not route.path.startswith(RateLimitMiddleware.EXEMPT):
        docs.append(_doc(RateLimited))
    if method in _BODY_METHODS:
        docs.extend([_doc(PayloadTooLarge), _BAD_CONTENT_LENGTH])
    if api and method == "POST":
        docs.extend(_doc(e) for e in IDEMPOTENCY_ERRORS)
    return docs


def _security(route: APIRoute) -> list[dict[str, list[str]]] | None:
    calls = _calls(route)
    if require_principal in calls or principal_for_event_stream in calls:
        return [{BEARER: []}]
    if optional_principal in calls:
        return [{BEARER: []}, {}]
    return None


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
    }


def _is_problem(resp: dict[str, Any]) -> bool:
    """An error answer the problem handlers render (not, say, /ready's 503 report)."""
    refs = {media.get("schema", {}).get("$ref") for media in resp.get("content", {}).values()}
    return refs <= {PROBLEM_REF, "#/components/schemas/HTTPValidationError", None}


def _add(responses: dict[str, Any], status: int, piece: str) -> None:
    key = str(status)
    existing = responses.get(key)
    if existing is None:
        responses[key] = _problem_response(piece)
    elif piece not in existing.get("description", ""):
        existing["description"] = f"{existing['description']}; {piece}"


def _describe(spec: dict[str, Any], app: FastAPI) -> None:
    for route in _api_routes(app):
        for method in sorted(route.methods):
            op = spec["paths"].get(route.path_format, {}).get(method.lower())
            if op is None:
                continue
            responses = op["responses"]
            # FastAPI's own 422 (`HTTPValidationError`) is not what this server sends.
            if responses.get("422", {}).get("description") == "Validation Error":
                del responses["422"]
            for status, piece in route_errors(route, method):
                _add(responses, status, piece)
            for key, resp in responses.items():
                if int(key) >= 400 and _is_problem(resp):
                    resp["content"] = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}
            op["responses"] = dict(sorted(responses.items()))
            if method == "POST" and route.path.startswith("/api/"):
                op.setdefault("parameters", []).append(IDEMPOTENCY_HEADER)
            security = _security(route)
            if security is not None:
                op["security"] = security

    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    if "Problem" not in schemas:
        schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components["securitySchemes"] = {
        BEARER: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    }


def install_openapi(app: FastAPI) -> None:
    """Make `app.openapi()` build the complete document (once, then cached)."""
    base = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = base()
            _describe(spec, app)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

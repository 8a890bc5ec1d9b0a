"""RFC 9457 problem details. Domain errors are classes carrying their status and stable code;
one set of handlers renders every error, including the framework's own, as problem+json."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, ClassVar, TypeVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """What every error response looks like."""

    type: str = "about:blank"
    title: str
    status: int
    code: str
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


class TonearmError(Exception):
    """Base for domain errors. Subclasses set status, code and title."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra or {}

    @classmethod
    def response_doc(cls) -> dict[str, Any]:
        return {"model": Problem, "description": f"{cls.title} (`{cls.code}`)"}


class BadRequest(TonearmError):
    status, code, title = 400, "bad_request", "Bad request"


class Unauthorized(TonearmError):
    status, code, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None, **kw: Any) -> None:
        kw.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kw)


class Forbidden(TonearmError):
    status, code, title = 403, "forbidden", "Forbidden"


class NotFound(TonearmError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(TonearmError):
    status, code, title = 409, "conflict", "Conflict"


class PayloadTooLarge(TonearmError):
    status, code, title = 413, "payload_too_large", "Request body too large"


class UnsupportedMedia(TonearmError):
    status, code, title = 415, "unsupported_media", "Unsupported media type"


class Unprocessable(TonearmError):
    status, code, title = 422, "unprocessable", "Unprocessable content"


class RateLimited(TonearmError):
    status, code, title = 429, "rate_limited", "Too many requests"


class ServiceUnavailable(TonearmError):
    status, code, title = 503, "service_unavailable", "Service unavailable"


class MalformedJson(BadRequest):
    code, title = "malformed_json", "Malformed JSON body"


class ValidationFailed(Unprocessable):
    code, title = "validation_error", "Request validation failed"


F = TypeVar("F", bound=Callable[..., Any])
DOCUMENTED_ERRORS = "__tonearm_errors__"


def documents(*errors: type[TonearmError]) -> Callable[[F], F]:
    """Marks a FastAPI dependency with the errors it raises: every route that depends on it,
    directly or through another dependency, lists them in the OpenAPI document."""

    def mark(fn: F) -> F:
        setattr(fn, DOCUMENTED_ERRORS, (*getattr(fn, DOCUMENTED_ERRORS, ()), *errors))
        return fn

    return mark


def responses(*errors: type[TonearmError]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: documents each error class by status."""
    out: dict[int | str, dict[str, Any]] = {}
    for err in errors:
        doc = out.setdefault(err.status, {"model": Problem, "description": ""})
        piece = f"{err.title} (`{err.code}`)"
        doc["description"] = f"{doc['description']}; {piece}" if doc["description"] else piece
    return out


def problem_response(
    request: Request | None,
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://tonearm.dev/problems/{code}",
        "title": title,
        "status": status,
        "code": code,
    }
    if detail and detail != title:
        body["detail"] = detail
    if request is not None:
        body["instance"] = request.url.path
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media",
    416: "range_not_satisfiable",
    422: "validation_error",
    429: "rate_limited",
    503: "service_unavailable",
}


def _clean_errors(errors: Any) -> list[dict[str, Any]]:
    out = []
    for e in errors:
        item = {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        out.append(item)
    return out


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TonearmError)
    async def _domain(request: Request, exc: TonearmError) -> JSONResponse:
        return problem_response(
            request,
            status=exc.status,
            code=exc.code,
            title=exc.title,
            detail=exc.detail,
            headers=exc.headers,
            **exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _clean_errors(exc.errors())
        malformed = any(e["type"] == "json_invalid" for e in errors)
        err = MalformedJson if malformed else ValidationFailed
        return problem_response(
            request, status=err.status, code=err.code, title=err.title, errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        code = _STATUS_CODES.get(status, f"http_{status}")
        title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
        if status == 404 and exc.detail in (None, "Not Found"):
            code, title = "route_not_found", "No such route"
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem_response(
            request,
            status=status,
            code=code,
            title=title,
            detail=detail,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, exc: ClientDisconnect) -> JSONResponse:
        # The client left mid-request (an upload cancelled): nothing is wrong here, and no one
        # reads the answer; 499 (nginx's "client closed request") tells the access log so.
        log.info("client_disconnected", path=request.url.path)
        return problem_response(
            request, status=499, code="client_disconnected", title="Client closed request"
        )

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path)
        return problem_response(
            request, status=500, code="internal_error", title="Internal server error"
        )

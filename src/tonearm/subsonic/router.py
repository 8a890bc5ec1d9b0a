"""The Subsonic API's one route: `/rest/<method>` with or without `.view`, GET or POST (a
form body: the `formPost` extension), answered in XML, JSON or JSONP. Each method is a
handler registered by name (`@method("ping", public=True)`); an unknown one gets a Subsonic
error, never an HTML 404."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from tonearm.accounts import UserRef
from tonearm.platform.deps import client_ip, get_state
from tonearm.platform.state import AppState
from tonearm.subsonic import errors
from tonearm.subsonic.auth import SubsonicAuth
from tonearm.subsonic.errors import SubsonicError
from tonearm.subsonic.responses import envelope, error_body, render

log = structlog.get_logger(__name__)

MAX_FORM_BYTES = 256 * 1024


@dataclass
class Call:
    """One Subsonic request, as a handler sees it."""

    params: Mapping[str, str]
    lists: Mapping[str, list[str]]  # repeated parameters (`id=1&id=2`)
    session: AsyncSession
    state: AppState
    user: UserRef | None
    request: Request

    @property
    def me(self) -> UserRef:
        assert self.user is not None
        return self.user

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.params.get(name, default)

    def need(self, name: str) -> str:
        value = self.params.get(name)
        if value is None or value == "":
            raise errors.missing(name)
        return value

    def integer(self, name: str, default: int, *, low: int = 0, high: int = 10**9) -> int:
        value = self.params.get(name)
        if value is None or value == "":
            return default
        try:
            return max(low, min(high, int(value)))
        except ValueError:
            raise SubsonicError(errors.GENERIC, f"{name} must be a number") from None


Handler = Callable[[Call], Awaitable[dict[str, Any] | Response]]


@dataclass(frozen=True)
class Method:
    name: str
    handler: Handler
    public: bool = False


METHODS: dict[str, Method] = {}


def method(name: str, *, public: bool = False) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        METHODS[name.lower()] = Method(name, fn, public)
        return fn

    return register


router = APIRouter(prefix="/rest", include_in_schema=False)


async def _params(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    pairs = list(request.query_params.multi_items())
    if request.method == "POST":
        kind = request.headers.get("content-type", "")
        if kind.startswith("application/x-www-form-urlencoded"):
            body = await request.body()
            if len(body) > MAX_FORM_BYTES:
                raise SubsonicError(errors.GENERIC, "The form is too large")
            from urllib.parse import parse_qsl

            pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    params: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for key, value in pairs:
        params.setdefault(key, value)
        lists.setdefault(key, []).append(value)
    return params, lists


@router.api_route("/{name}", methods=["GET", "POST"])
async def rest(name: str, request: Request) -> Response:
    state = get_state(request)
    fmt = callback = None
    try:
        params, lists = await _params(request)
        fmt, callback = params.get("f"), params.get("callback")
        found = METHODS.get(name.removesuffix(".view").lower())
        if found is None:
            raise SubsonicError(errors.NOT_FOUND, f"Unknown or unsupported method: {name}")
        async with state.db.session() as s:
            user = None
            if not found.public or params.get("u") or params.get("apiKey"):
                auth = SubsonicAuth(s, state.limiter, state.settings.rate_limit_login_account_ip)
                try:
                    user = await auth.user(params, client_ip(request))
                except SubsonicError:
                    if not found.public:
                        raise
            answer = await found.handler(Call(params, lists, s, state, user, request))
        if isinstance(answer, Response):
            return answer
        return render(fmt, callback, envelope(answer))
    except SubsonicError as exc:
        return render(fmt, callback, error_body(exc), exc.http_status)

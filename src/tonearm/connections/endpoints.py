"""Routes for /api/v1/connections: the services a user can connect, OAuth start and callback,
pasted tokens, disconnecting, and the user's own OAuth app. Thin: parse, call the service,
shape the answer."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import RedirectResponse

from tonearm import providers
from tonearm.connections import errors
from tonearm.connections.deps import Connections
from tonearm.connections.schemas import (
    AppIn,
    AuthorizeIn,
    AuthorizeOut,
    ConnectionOut,
    DisconnectOut,
    ServiceList,
    ServiceOut,
    TokenIn,
)
from tonearm.connections.service import DEFAULT_RETURN, ServiceStatus
from tonearm.kit.errors import TonearmError, responses
from tonearm.models.connections import Connection
from tonearm.platform.auth import CurrentUser

router = APIRouter(prefix="/api/v1/connections", tags=["connections"])
SERVICE = responses(errors.UnknownService)


def _connection(row: Connection, own_app: bool = False) -> ConnectionOut:
    return ConnectionOut(
        id=row.id,
        account_id=row.account_id,
        account_name=row.account_name,
        status="reconnect" if row.status == "reconnect" else "active",
        connected_at=row.created_at,
        expires_at=row.expires_at,
        scope=row.scope,
        uses_own_app=own_app,
        last_error=row.last_error,
    )


def _service(st: ServiceStatus) -> ServiceOut:
    s = st.service
    return ServiceOut(
        slug=s.slug,
        name=s.name,
        kind=s.kind,
        auth=s.auth,
        capabilities=sorted(s.capabilities),
        configured=st.configured,
        own_app_allowed=s.own_app,
        own_app_help=s.own_app_help,
        own_app_client_id=st.own_app.client_id if st.own_app else None,
        connection=_connection(st.connection, st.uses_own_app) if st.connection else None,
    )


@router.get("", operation_id="connections-list")
async def list_connections(svc: Connections, user: CurrentUser) -> ServiceList:
    statuses = await svc.statuses(user.id)
    return ServiceList(
        items=[_service(st) for st in statuses],
        callback_urls={
            st.service.slug: svc.callback_url(st.service.slug)
            for st in statuses
            if st.service.auth == "oauth"
        },
    )


@router.post(
    "/{slug}/authorize",
    operation_id="connections-authorize",
    responses=responses(
        errors.UnknownService, errors.WrongAuthKind, providers.ProviderNotConfigured
    ),
)
async def authorize(
    slug: str, body: AuthorizeIn, svc: Connections, user: CurrentUser
) -> AuthorizeOut:
    """The service's sign-in page to send the browser to. The state and PKCE verifier stay
    on the server (single use, ten minutes)."""
    return AuthorizeOut(url=await svc.authorize(user.id, slug, body.return_to))


@router.get(
    "/{slug}/callback",
    operation_id="connections-callback",
    status_code=status.HTTP_303_SEE_OTHER,
    response_class=RedirectResponse,
    responses={303: {"description": "Back to the app, with `connected` or `error`."}},
)
async def callback(
    slug: str,
    svc: Connections,
    state: Annotated[str | None, Query(max_length=512)] = None,
    code: Annotated[str | None, Query(max_length=4096)] = None,
    token: Annotated[
        str | None, Query(max_length=4096, description="Last.fm's name for code")
    ] = None,
    error: Annotated[str | None, Query(max_length=512)] = None,
) -> RedirectResponse:
    """Where the service sends the browser back. Always a redirect into the app: on failure
    with `error=<code>` (the authorization is used up either way)."""
    try:
        done = await svc.complete(slug, state=state, code=code or token, error=error)
    except TonearmError as exc:
        query = urlencode({"service": slug, "error": exc.code})
        return RedirectResponse(f"{DEFAULT_RETURN}?{query}", status_code=303)
    sep = "&" if "?" in done.return_to else "?"
    return RedirectResponse(f"{done.return_to}{sep}connected={slug}", status_code=303)


@router.post(
    "/{slug}/token",
    operation_id="connections-connect-token",
    responses=responses(
        errors.UnknownService, errors.WrongAuthKind, providers.AuthRevoked, providers.ProviderError
    ),
)
async def connect_token(
    slug: str, body: TokenIn, svc: Connections, user: CurrentUser
) -> ConnectionOut:
    """Connect with a token the user copied from the service (ListenBrainz)."""
    return _connection(await svc.connect_token(user.id, slug, body.token))


@router.delete(
    "/{slug}",
    operation_id="connections-disconnect",
    responses=responses(errors.UnknownService, errors.ConnectionNotFound),
)
async def disconnect(slug: str, svc: Connections, user: CurrentUser) -> DisconnectOut:
    return DisconnectOut(revoked=await svc.disconnect(user.id, slug))


@router.put(
    "/{slug}/app",
    operation_id="connections-set-app",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(errors.UnknownService, errors.OwnAppNotAllowed),
)
async def set_app(slug: str, body: AppIn, svc: Connections, user: CurrentUser) -> Response:
    """Use your own OAuth app for this service (its client id; a secret where it needs one)."""
    await svc.set_app(user.id, slug, body.client_id, body.client_secret)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/{slug}/app",
    operation_id="connections-delete-app",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=SERVICE,
)
async def delete_app(slug: str, svc: Connections, user: CurrentUser) -> Response:
    await svc.delete_app(user.id, slug)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

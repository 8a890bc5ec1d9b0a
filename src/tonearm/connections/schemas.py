"""In and out models for /api/v1/connections."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class ConnectionOut(BaseModel):
    id: uuid.UUID
    account_id: str
    account_name: str | None
    status: Literal["active", "reconnect"] = Field(
        description="`reconnect`: the service refused to renew access; connect again."
    )
    connected_at: datetime
    expires_at: datetime | None
    scope: str | None
    uses_own_app: bool
    last_error: str | None


class ServiceOut(BaseModel):
    slug: str
    name: str
    kind: Literal["streaming", "scrobbling", "metadata"]
    auth: Literal["oauth", "token", "none"]
    capabilities: list[str]
    configured: bool = Field(description="False: the operator has not set this service up.")
    own_app_allowed: bool
    own_app_help: str | None
    own_app_client_id: str | None
    connection: ConnectionOut | None


class ServiceList(BaseModel):
    items: list[ServiceOut]
    callback_urls: dict[str, str] = Field(
        description="The redirect URI to register at each OAuth service."
    )


class AuthorizeIn(BaseModel):
    return_to: str | None = Field(None, max_length=512, description="An app path to come back to.")


class AuthorizeOut(BaseModel):
    url: str


class TokenIn(BaseModel):
    token: str = Field(min_length=1, max_length=4096)


class AppIn(BaseModel):
    client_id: str = Field(min_length=8, max_length=255, pattern=r"^[A-Za-z0-9._~-]+$")
    client_secret: str | None = Field(None, max_length=255)


class DisconnectOut(BaseModel):
    revoked: bool = Field(description="The service revoked the tokens as well.")

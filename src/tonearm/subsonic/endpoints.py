"""Routes for /api/v1/me/subsonic: the Subsonic password (generate, shown once, revoke) and
named API keys (create, shown once; list with last use; revoke)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel, Field, field_validator

from tonearm.kit.errors import responses
from tonearm.platform.auth import CurrentUser
from tonearm.platform.deps import DbSession
from tonearm.subsonic.credentials import ApiKeyNotFound, SubsonicCredentials

router = APIRouter(prefix="/api/v1/me/subsonic", tags=["subsonic"])


async def _credentials(session: DbSession) -> SubsonicCredentials:
    return SubsonicCredentials(session)


Credentials = Annotated[SubsonicCredentials, Depends(_credentials)]


class PasswordOut(BaseModel):
    password: str = Field(description="Shown this once; Subsonic apps sign in with it")


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class SubsonicStatus(BaseModel):
    password_created_at: datetime | None = Field(description="None: no Subsonic password yet")
    api_keys: list[ApiKeyOut]


class ApiKeyIn(BaseModel):
    name: str = Field(
        min_length=1,
        max_length=100,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="A name to tell the key by (no control characters)",
    )

    @field_validator("name")
    @classmethod
    def _text(cls, value: str) -> str:
        if not value.strip() or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValueError("a name is text, without control characters")
        return value.strip()


class NewApiKeyOut(ApiKeyOut):
    key: str = Field(description="Shown this once")


@router.get("", operation_id="subsonic-status")
async def subsonic_status(creds: Credentials, user: CurrentUser) -> SubsonicStatus:
    keys = await creds.keys(user.id)
    return SubsonicStatus(
        password_created_at=await creds.has_password(user.id),
        api_keys=[ApiKeyOut.model_validate(k, from_attributes=True) for k in keys],
    )


@router.post("/password", operation_id="subsonic-password-create")
async def create_password(creds: Credentials, user: CurrentUser) -> PasswordOut:
    """A new Subsonic password (an earlier one stops working)."""
    return PasswordOut(password=await creds.new_password(user.id))


@router.delete(
    "/password", operation_id="subsonic-password-delete", status_code=status.HTTP_204_NO_CONTENT
)
async def delete_password(creds: Credentials, user: CurrentUser) -> Response:
    await creds.revoke_password(user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/api-keys", operation_id="subsonic-api-keys-create", status_code=status.HTTP_201_CREATED
)
async def create_key(body: ApiKeyIn, creds: Credentials, user: CurrentUser) -> NewApiKeyOut:
    row, key = await creds.new_key(user.id, body.name)
    return NewApiKeyOut(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        key=key,
    )


@router.get("/api-keys", operation_id="subsonic-api-keys-list")
async def list_keys(creds: Credentials, user: CurrentUser) -> list[ApiKeyOut]:
    return [ApiKeyOut.model_validate(k, from_attributes=True) for k in await creds.keys(user.id)]


@router.delete(
    "/api-keys/{key_id}",
    operation_id="subsonic-api-keys-delete",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(ApiKeyNotFound),
)
async def delete_key(key_id: uuid.UUID, creds: Credentials, user: CurrentUser) -> Response:
    await creds.revoke_key(user.id, key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)

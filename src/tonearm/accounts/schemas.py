"""Request and response bodies for accounts and auth."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from tonearm.kit.text import MultiLine, OneLine

USERNAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{1,38}[A-Za-z0-9_])?$")
PHONE_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")


def _username(v: str) -> str:
    if not USERNAME_RE.match(v):
        raise ValueError(
            "3-40 characters: letters, digits, '_', '.', '-'; starting with a letter or digit"
        )
    return v


def _phone(v: str) -> str:
    cleaned = re.sub(r"[\s().-]", "", v)
    if not PHONE_RE.match(cleaned):
        raise ValueError("phone must be in international format, e.g. +15551234567")
    return cleaned


# What the validators accept, said in the OpenAPI document too (surrounding spaces are
# stripped; a phone number may carry spaces, dots, dashes and brackets anywhere).
_SEP = r"[\s().-]*"
USERNAME_DOC = r"^\s*[A-Za-z0-9](?:[A-Za-z0-9_.-]{1,38}[A-Za-z0-9_])?\s*$"
PHONE_DOC = rf"^{_SEP}\+{_SEP}[1-9](?:{_SEP}[0-9]){{6,14}}{_SEP}$"

Username = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(_username),
    WithJsonSchema({"type": "string", "pattern": USERNAME_DOC}),
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=256)]
Phone = Annotated[
    str,
    StringConstraints(max_length=32),
    AfterValidator(_phone),
    WithJsonSchema({"type": "string", "maxLength": 32, "pattern": PHONE_DOC}),
]
OtpCodeStr = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str | None
    username: str
    display_name: str | None
    bio: str | None
    role: Literal["listener", "artist", "admin"]
    email_verified: bool
    created_at: datetime


class TokenPair(BaseModel):
    user: UserOut
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Access token lifetime in seconds")


class RegisterIn(BaseModel):
    email: EmailStr
    username: Username
    password: Password


class LoginIn(BaseModel):
    # Control characters go first: a NUL reaches no query (PostgreSQL refuses it: a 500 before).
    login: Annotated[
        OneLine, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)
    ]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class RefreshIn(BaseModel):
    refresh_token: str | None = Field(
        default=None, max_length=256, description="Omit to use the HttpOnly cookie"
    )


class SessionOut(BaseModel):
    id: uuid.UUID
    device: str
    ip: str | None
    user_agent: str | None
    method: str
    created_at: datetime
    last_seen_at: datetime
    current: bool


class SessionPage(BaseModel):
    items: list[SessionOut]
    next_cursor: str | None


class RevokedCount(BaseModel):
    revoked: int


class ProfilePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: (
        Annotated[OneLine, StringConstraints(strip_whitespace=True, max_length=100)] | None
    ) = None
    bio: Annotated[MultiLine, StringConstraints(max_length=2000)] | None = None
    username: Username | None = None
    email: EmailStr | None = None


class PasswordChangeIn(BaseModel):
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    new_password: Password


class EmailIn(BaseModel):
    email: EmailStr


class TokenIn(BaseModel):
    token: Annotated[str, StringConstraints(min_length=10, max_length=256)]


class PasswordResetIn(BaseModel):
    token: Annotated[str, StringConstraints(min_length=10, max_length=256)]
    password: Password


class OtpRequestIn(BaseModel):
    phone: Phone


class OtpRequested(BaseModel):
    expires_in: int


class OtpVerifyIn(BaseModel):
    phone: Phone
    code: OtpCodeStr


class Accepted(BaseModel):
    accepted: bool = True


class RoleChange(BaseModel):
    role: Literal["listener", "artist", "admin"]


# --- the admin area ------------------------------------------------------------------------
RoleName = Literal["listener", "artist", "admin"]


class AdminUserOut(UserOut):
    is_active: bool
    last_login_at: datetime | None


class AdminUserPage(BaseModel):
    items: list[AdminUserOut]
    next_cursor: str | None


class AdminUserCreate(BaseModel):
    email: EmailStr | None = None
    username: Username
    password: Password | None = Field(
        None, description="Leave out to get a link the user opens to choose one"
    )
    role: RoleName = "listener"


class AdminUserCreated(BaseModel):
    user: AdminUserOut
    reset_link: str | None = Field(
        None, description="When no password was given: the link to choose one (also emailed)"
    )


class AdminUserPatch(BaseModel):
    role: RoleName | None = None
    is_active: bool | None = Field(None, description="false: disabled, signed out everywhere")
    email_verified: bool | None = None


class ResetLink(BaseModel):
    url: str


class VerificationInfo(BaseModel):
    """Where a verification link goes: by email, or (no email set up) to the outbox folder."""

    email: str | None
    verified: bool
    delivery: Literal["email", "outbox"]
    outbox: str | None = Field(None, description="The outbox folder (shown to admins only)")

"""User look-ups other domains need (who owns a library root, the first admin): small,
read-only, and the only way outside code reaches the users table."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.accounts.errors import UserNotFound
from tonearm.models.accounts import Role, User


@dataclass(frozen=True, slots=True)
class UserRef:
    id: uuid.UUID
    username: str
    role: Role
    active: bool = True  # False: an admin disabled the account


def _ref(user: User) -> UserRef:
    return UserRef(id=user.id, username=user.username, role=user.role, active=user.is_active)


async def find_user(s: AsyncSession, login: str) -> UserRef:
    """A user by username or email (case-insensitive); UserNotFound otherwise."""
    key = login.strip().lower()
    user = await s.scalar(select(User).where(User.username_key == key))
    if user is None and "@" in key:
        user = await s.scalar(select(User).where(User.email == key))
    if user is None:
        raise UserNotFound()
    return _ref(user)


async def get_user(s: AsyncSession, user_id: uuid.UUID) -> UserRef | None:
    user = await s.get(User, user_id)
    return None if user is None else _ref(user)


async def first_admin(s: AsyncSession) -> UserRef | None:
    user = await s.scalar(
        select(User)
        .where(User.role == Role.admin, User.is_active.is_(True))
        .order_by(User.created_at, User.id)
        .limit(1)
    )
    return None if user is None else _ref(user)

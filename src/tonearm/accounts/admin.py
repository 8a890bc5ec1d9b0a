"""What an admin does to other accounts: find, create, disable and enable, delete, mark the
email verified, and hand over a password-reset link (a server without email has no other way
to reach its users). Never to the admin's own account where it could lock them out, and never
to the last active admin."""

from __future__ import annotations

import secrets
import uuid

from sqlalchemy import func, or_, select

from tonearm.accounts import errors
from tonearm.accounts.service import AccountsService
from tonearm.accounts.verification import issue_email_token
from tonearm.kit.db import utcnow
from tonearm.kit.pagination import PageParams, keyset, split_page
from tonearm.models.accounts import Role, User


class AccountsAdmin:
    def __init__(self, accounts: AccountsService) -> None:
        self.accounts = accounts
        self.s = accounts.s
        self.repo = accounts.repo

    async def find(
        self, params: PageParams, q: str | None = None, role: Role | None = None
    ) -> tuple[list[User], str | None]:
        stmt = select(User)
        if q:
            like = f"%{q.strip().lower()}%"
            stmt = stmt.where(
                or_(
                    User.username_key.like(like, escape="\\"),
                    func.lower(User.email).like(like, escape="\\"),
                    func.lower(User.display_name).like(like, escape="\\"),
                )
            )
        if role is not None:
            stmt = stmt.where(User.role == role)
        stmt = keyset(stmt, User.created_at, User.id, params, descending=False)
        rows = list((await self.s.scalars(stmt)).all())
        return split_page(rows, params, lambda u: (u.created_at, u.id))

    async def _user(self, user_id: uuid.UUID) -> User:
        user = await self.repo.user(user_id)
        if user is None:
            raise errors.UserNotFound()
        return user

    async def _other_admins(self, user: User) -> int:
        return int(
            await self.s.scalar(
                select(func.count(User.id)).where(
                    User.role == Role.admin, User.is_active.is_(True), User.id != user.id
                )
            )
            or 0
        )

    async def _guard(self, admin_id: uuid.UUID, user: User, *, losing_admin: bool) -> None:
        if user.id == admin_id:
            raise errors.NotOnYourself()
        if losing_admin and user.role is Role.admin and not await self._other_admins(user):
            raise errors.LastAdmin()

    async def create(
        self,
        email: str | None,
        username: str,
        password: str | None,
        role: Role,
    ) -> tuple[User, str | None]:
        """A new account. Without a password, it gets an unguessable one and the answer holds
        a link to choose one (also emailed when the server sends email)."""
        chosen = password or secrets.token_urlsafe(32)
        if password is None and not email:
            raise errors.NoEmailAddress("Give a password, or an email address for the link.")
        user = await self.accounts.create_user(email, username, chosen, role=role)
        link = None
        if password is None:
            link = await issue_email_token(self.accounts, user, "reset_password")
        return user, link

    async def update(
        self,
        admin_id: uuid.UUID,
        user_id: uuid.UUID,
        *,
        role: Role | None = None,
        active: bool | None = None,
        verified: bool | None = None,
    ) -> User:
        user = await self._user(user_id)
        if role is not None and role is not user.role:
            await self._guard(admin_id, user, losing_admin=role is not Role.admin)
            user.role = role
        if active is not None and active != user.is_active:
            await self._guard(admin_id, user, losing_admin=not active)
            user.is_active = active
            if not active:  # signed out everywhere, at once
                await self.repo.revoke_sessions(user.id, "disabled")
        if verified is not None:
            user.email_verified_at = (user.email_verified_at or utcnow()) if verified else None
        user.updated_at = utcnow()
        self.accounts.cache.drop_user(user.id)
        return user

    async def delete(self, admin_id: uuid.UUID, user_id: uuid.UUID) -> None:
        user = await self._user(user_id)
        await self._guard(admin_id, user, losing_admin=True)
        self.accounts.cache.drop_user(user.id)
        await self.s.delete(user)

    async def reset_link(self, user_id: uuid.UUID) -> str:
        user = await self._user(user_id)
        if user.email is None:
            raise errors.NoEmailAddress()
        return await issue_email_token(self.accounts, user, "reset_password")

"""Email verification and password reset: single-use, expiring tokens sent by link."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from tonearm.accounts import errors
from tonearm.accounts.passwords import check_new_password
from tonearm.accounts.senders import EmailMessage
from tonearm.kit import security
from tonearm.kit.db import utcnow
from tonearm.models.accounts import EmailToken, EmailTokenPurpose, User

if TYPE_CHECKING:
    from tonearm.accounts.service import AccountsService


async def issue_email_token(
    svc: AccountsService, user: User, purpose: Literal["verify_email", "reset_password"]
) -> str:
    """Issue a link, send it once the unit of work commits, and return it (an admin may hand
    a reset link over by hand where the server sends no email)."""
    assert user.email is not None
    kind = EmailTokenPurpose(purpose)
    # A new link supersedes the old ones.
    await svc.repo.spend_email_tokens(user.id, kind)
    raw = security.new_token()
    ttl = (
        timedelta(hours=svc.settings.email_token_ttl_hours)
        if kind is EmailTokenPurpose.verify_email
        else timedelta(minutes=svc.settings.password_reset_ttl_minutes)
    )
    svc.s.add(
        EmailToken(
            user_id=user.id,
            purpose=kind,
            email=user.email,
            token_hash=security.token_hash(raw),
            expires_at=utcnow() + ttl,
        )
    )
    base = svc.settings.base_url.rstrip("/")
    name = user.display_name or user.username
    if kind is EmailTokenPurpose.verify_email:
        link = f"{base}/verify-email?token={raw}"
        msg = EmailMessage(
            to=user.email,
            subject="Confirm your email for Tonearm",
            text=(
                f"Hi {name},\n\nConfirm your email address by opening this link:\n\n{link}\n\n"
                f"The link works once and expires in {svc.settings.email_token_ttl_hours} hours."
                "\n\nIf you did not sign up for Tonearm, ignore this email.\n"
            ),
        )
    else:
        link = f"{base}/reset-password?token={raw}"
        msg = EmailMessage(
            to=user.email,
            subject="Reset your Tonearm password",
            text=(
                f"Hi {name},\n\nSomeone (hopefully you) asked to reset your password. "
                f"Choose a new one here:\n\n{link}\n\nThe link works once and expires in "
                f"{svc.settings.password_reset_ttl_minutes} minutes. If you did not ask, "
                "ignore this email; your password stays as it is.\n"
            ),
        )
    svc.outbox.email_after_commit(svc.s, msg)
    return link


async def _consume(svc: AccountsService, raw: str, purpose: EmailTokenPurpose) -> EmailToken:
    token = await svc.repo.email_token(security.token_hash(raw), purpose)
    if token is None or token.used_at is not None:
        raise errors.InvalidEmailToken()
    if token.expires_at <= utcnow():
        raise errors.EmailTokenExpired()
    token.used_at = utcnow()
    return token


async def verify_email(svc: AccountsService, raw: str) -> User:
    token = await _consume(svc, raw, EmailTokenPurpose.verify_email)
    user = await svc.repo.user(token.user_id)
    if user is None or user.email != token.email:
        # The address changed since the link was sent.
        raise errors.InvalidEmailToken()
    user.email_verified_at = utcnow()
    svc.cache.drop_user(user.id)
    return user


async def forgot_password(svc: AccountsService, email: str) -> None:
    """Always succeeds from the caller's view, so it does not reveal who has an account."""
    user = await svc.repo.user_by_email(email.strip().lower())
    if user is None or not user.is_active:
        return
    await issue_email_token(svc, user, "reset_password")


async def reset_password(svc: AccountsService, raw: str, new_password: str) -> User:
    from tonearm.accounts.service import hash_password

    token = await _consume(svc, raw, EmailTokenPurpose.reset_password)
    user = await svc.repo.user(token.user_id)
    if user is None or not user.is_active:
        raise errors.InvalidEmailToken()
    # Refused here, the request rolls back: the link stays unused for a better password.
    check_new_password(new_password, username=user.username, email=user.email)
    user.password_hash = await hash_password(new_password, svc.password_cost)
    svc.cache.drop_user(user.id)
    # Whoever might have had the old password loses every session; the address is proven.
    await svc.repo.revoke_sessions(user.id, "password_reset")
    await svc.repo.spend_email_tokens(user.id, EmailTokenPurpose.reset_password)
    if user.email_verified_at is None and user.email == token.email:
        user.email_verified_at = utcnow()
    return user

"""Routes for /api/v1/auth, /api/v1/me and /api/v1/users (admin). Thin: parse, call, shape."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from tonearm.accounts import errors, otp, verification
from tonearm.accounts.admin import AccountsAdmin
from tonearm.accounts.authcache import UserView
from tonearm.accounts.deps import Accounts, Client
from tonearm.accounts.passwords import PASSWORD_POLICY_ERRORS
from tonearm.accounts.schemas import (
    Accepted,
    AdminUserCreate,
    AdminUserCreated,
    AdminUserOut,
    AdminUserPage,
    AdminUserPatch,
    EmailIn,
    LoginIn,
    OtpRequested,
    OtpRequestIn,
    OtpVerifyIn,
    PasswordChangeIn,
    PasswordResetIn,
    ProfilePatch,
    RefreshIn,
    RegisterIn,
    ResetLink,
    RevokedCount,
    RoleChange,
    RoleName,
    SessionOut,
    SessionPage,
    TokenIn,
    TokenPair,
    UserOut,
    VerificationInfo,
)
from tonearm.accounts.service import IssuedTokens
from tonearm.accounts.throttle import LoginThrottle
from tonearm.kit.errors import RateLimited, responses
from tonearm.kit.pagination import InvalidCursor, PageParams, page_params
from tonearm.models.accounts import Role, User
from tonearm.platform.auth import AdminUser, CurrentUser
from tonearm.platform.deps import State, client_ip

auth = APIRouter(prefix="/api/v1/auth", tags=["auth"])
me = APIRouter(prefix="/api/v1/me", tags=["me"])
users = APIRouter(prefix="/api/v1/users", tags=["users"])

Pages = Annotated[PageParams, Depends(page_params)]
AUTH_ERRORS = responses(errors.NotAuthenticated, errors.InvalidAccessToken, errors.SessionRevoked)


def user_out(user: User | UserView) -> UserOut:
    return UserOut(
        id=user.id,
        email=user.email,
        username=user.username,
        display_name=user.display_name,
        bio=user.bio,
        role=user.role.value,
        email_verified=user.email_verified_at is not None,
        created_at=user.created_at,
    )


def _pair(state: State, response: Response, issued: IssuedTokens) -> TokenPair:
    s = state.settings
    response.set_cookie(
        s.refresh_cookie_name,
        issued.refresh_token,
        max_age=s.refresh_token_ttl_days * 86400,
        path="/api/v1/auth",
        httponly=True,
        secure=s.secure_cookies,
        samesite="strict",
    )
    response.headers["Cache-Control"] = "no-store"
    return TokenPair(
        user=user_out(issued.user),
        access_token=issued.access_token,
        refresh_token=issued.refresh_token,
        expires_in=issued.expires_in,
    )


def _clear_cookie(state: State, response: Response) -> None:
    response.delete_cookie(state.settings.refresh_cookie_name, path="/api/v1/auth")


def _auth_limit(name: str, setting: str = "rate_limit_auth"):  # type: ignore[no-untyped-def]
    """Per IP, per route: `setting` names the limit (rate_limit_auth unless said)."""

    async def dep(request: Request, state: State) -> None:
        limit = getattr(state.settings, setting)
        await state.limiter.hit(limit, "auth", name, client_ip(request))

    return Depends(dep)


# --- auth ----------------------------------------------------------------------------------


@auth.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    operation_id="auth-register",
    dependencies=[_auth_limit("register")],
    responses=responses(
        errors.EmailTaken, errors.UsernameTaken, *PASSWORD_POLICY_ERRORS, RateLimited
    ),
)
async def register(
    body: RegisterIn, svc: Accounts, client: Client, state: State, response: Response
) -> TokenPair:
    issued = await svc.register(body.email, body.username, body.password, client)
    return _pair(state, response, issued)


@auth.post(
    "/login",
    operation_id="auth-login",
    dependencies=[_auth_limit("login")],
    responses=responses(errors.InvalidCredentials, errors.AccountDisabled, RateLimited),
)
async def login(
    body: LoginIn, svc: Accounts, client: Client, state: State, response: Response
) -> TokenPair:
    async with LoginThrottle(state.limiter, state.settings, state.secret).attempt(
        body.login, client.ip
    ):
        issued = await svc.login(body.login, body.password, client)
    return _pair(state, response, issued)


@auth.post(
    "/refresh",
    operation_id="auth-refresh",
    dependencies=[_auth_limit("refresh", "rate_limit_refresh")],
    responses=responses(errors.InvalidRefreshToken, errors.RefreshTokenReused, RateLimited),
)
async def refresh(
    request: Request,
    svc: Accounts,
    client: Client,
    state: State,
    response: Response,
    body: RefreshIn | None = None,
) -> TokenPair:
    raw = (body.refresh_token if body else None) or request.cookies.get(
        state.settings.refresh_cookie_name
    )
    if not raw:
        raise errors.InvalidRefreshToken("No refresh token in the body or cookie")
    return _pair(state, response, await svc.refresh(raw, client))


@auth.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="auth-logout",
    responses=AUTH_ERRORS,
)
async def logout(principal: CurrentUser, svc: Accounts, state: State, response: Response) -> None:
    await svc.logout(principal)
    _clear_cookie(state, response)


SESSIONS_LIMIT = _auth_limit("sessions", "rate_limit_sessions")


@auth.get(
    "/sessions",
    operation_id="auth-list-sessions",
    dependencies=[SESSIONS_LIMIT],
    responses={**AUTH_ERRORS, **responses(RateLimited)},
)
async def list_sessions(principal: CurrentUser, svc: Accounts, page: Pages) -> SessionPage:
    rows, nxt = await svc.list_sessions(principal, page)
    return SessionPage(
        items=[
            SessionOut(
                id=r.id,
                device=r.device,
                ip=r.ip,
                user_agent=r.user_agent,
                method=r.method,
                created_at=r.created_at,
                last_seen_at=r.last_seen_at,
                current=r.id == principal.session_id,
            )
            for r in rows
        ],
        next_cursor=nxt,
    )


@auth.delete(
    "/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="auth-revoke-session",
    dependencies=[SESSIONS_LIMIT],
    responses=responses(errors.SessionNotFound, RateLimited),
)
async def revoke_session(session_id: uuid.UUID, principal: CurrentUser, svc: Accounts) -> None:
    await svc.revoke_session(principal, session_id)


@auth.delete(
    "/sessions",
    operation_id="auth-revoke-other-sessions",
    dependencies=[SESSIONS_LIMIT],
    responses={**AUTH_ERRORS, **responses(RateLimited)},
)
async def revoke_other_sessions(principal: CurrentUser, svc: Accounts) -> RevokedCount:
    return RevokedCount(revoked=await svc.revoke_other_sessions(principal))


@auth.post(
    "/email/verify/request",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="auth-request-email-verification",
    dependencies=[_auth_limit("verify-request")],
    responses={**AUTH_ERRORS, **responses(RateLimited)},
)
async def request_email_verification(principal: CurrentUser, svc: Accounts) -> Accepted:
    await svc.send_verification(await svc.load_user(principal))
    return Accepted()


@auth.post(
    "/email/verify",
    operation_id="auth-verify-email",
    dependencies=[_auth_limit("verify")],
    responses=responses(errors.InvalidEmailToken, errors.EmailTokenExpired, RateLimited),
)
async def verify_email(body: TokenIn, svc: Accounts) -> UserOut:
    return user_out(await verification.verify_email(svc, body.token))


@auth.post(
    "/password/forgot",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="auth-forgot-password",
    dependencies=[_auth_limit("forgot")],
    responses=responses(RateLimited),
)
async def forgot_password(body: EmailIn, svc: Accounts) -> Accepted:
    await verification.forgot_password(svc, body.email)
    return Accepted()


@auth.post(
    "/password/reset",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="auth-reset-password",
    dependencies=[_auth_limit("reset")],
    responses=responses(
        errors.InvalidEmailToken, errors.EmailTokenExpired, *PASSWORD_POLICY_ERRORS, RateLimited
    ),
)
async def reset_password(body: PasswordResetIn, svc: Accounts) -> None:
    await verification.reset_password(svc, body.token, body.password)


@auth.post(
    "/otp/request",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="auth-otp-request",
    dependencies=[_auth_limit("otp-request")],
    responses=responses(errors.OtpRequestLimited, RateLimited),
)
async def otp_request(body: OtpRequestIn, svc: Accounts, state: State) -> OtpRequested:
    key = otp.phone_key(state.secret, body.phone)
    await state.limiter.hit(state.settings.rate_limit_otp, "otp-phone", key)
    return OtpRequested(expires_in=await otp.request_code(svc, state.secret, body.phone))


@auth.post(
    "/otp/verify",
    operation_id="auth-otp-verify",
    dependencies=[_auth_limit("otp-verify")],
    responses=responses(
        errors.OtpInvalid, errors.OtpExpired, errors.OtpAttemptsExceeded, RateLimited
    ),
)
async def otp_verify(
    body: OtpVerifyIn, svc: Accounts, client: Client, state: State, response: Response
) -> TokenPair:
    issued = await otp.verify_code(svc, state.secret, body.phone, body.code, client)
    return _pair(state, response, issued)


# --- me ------------------------------------------------------------------------------------


@me.get("", operation_id="me-get", responses=AUTH_ERRORS)
async def get_me(principal: CurrentUser) -> UserOut:
    return user_out(principal.user)


@me.patch(
    "", operation_id="me-update", responses=responses(errors.UsernameTaken, errors.EmailTaken)
)
async def update_me(body: ProfilePatch, principal: CurrentUser, svc: Accounts) -> UserOut:
    changes = body.model_dump(exclude_unset=True)
    return user_out(await svc.update_profile(principal, changes))


@me.post(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="me-change-password",
    responses=responses(errors.WrongPassword, *PASSWORD_POLICY_ERRORS),
)
async def change_password(body: PasswordChangeIn, principal: CurrentUser, svc: Accounts) -> None:
    await svc.change_password(principal, body.current_password, body.new_password)


# --- users (admin) -------------------------------------------------------------------------


@users.patch(
    "/{user_id}/role",
    operation_id="users-set-role",
    responses=responses(errors.InsufficientRole, errors.UserNotFound),
)
async def set_role(
    user_id: uuid.UUID, body: RoleChange, _admin: AdminUser, svc: Accounts
) -> UserOut:
    return user_out(await svc.set_role(user_id, body.role))


async def accounts_admin(svc: Accounts) -> AccountsAdmin:
    return AccountsAdmin(svc)


Admin = Annotated[AccountsAdmin, Depends(accounts_admin)]


def admin_user_out(user: User) -> AdminUserOut:
    return AdminUserOut(
        **user_out(user).model_dump(), is_active=user.is_active, last_login_at=user.last_login_at
    )


@users.get(
    "",
    operation_id="users-list",
    responses=responses(errors.InsufficientRole, InvalidCursor),
)
async def admin_list_users(
    _admin: AdminUser,
    svc: Admin,
    page: Pages,
    q: Annotated[str | None, Query(max_length=100, description="In username, email, name")] = None,
    role: RoleName | None = None,
) -> AdminUserPage:
    """Every account, oldest first, with whether it is active and when it last signed in."""
    rows, nxt = await svc.find(page, q, Role(role) if role else None)
    return AdminUserPage(items=[admin_user_out(u) for u in rows], next_cursor=nxt)


@users.post(
    "",
    status_code=status.HTTP_201_CREATED,
    operation_id="admin-users-create",
    responses=responses(
        errors.InsufficientRole,
        errors.EmailTaken,
        errors.UsernameTaken,
        errors.NoEmailAddress,
        *PASSWORD_POLICY_ERRORS,
    ),
)
async def admin_create_user(
    body: AdminUserCreate, _admin: AdminUser, svc: Admin
) -> AdminUserCreated:
    """Create an account. Without a password, the answer holds a link for the user to choose
    one (emailed too, when the server sends email)."""
    user, link = await svc.create(
        str(body.email) if body.email else None, body.username, body.password, Role(body.role)
    )
    return AdminUserCreated(user=admin_user_out(user), reset_link=link)


@users.patch(
    "/{user_id}",
    operation_id="admin-users-update",
    responses=responses(
        errors.InsufficientRole, errors.UserNotFound, errors.LastAdmin, errors.NotOnYourself
    ),
)
async def admin_update_user(
    user_id: uuid.UUID, body: AdminUserPatch, admin: AdminUser, svc: Admin
) -> AdminUserOut:
    """Change the role, disable (signed out everywhere at once) or enable, or mark the email
    address verified."""
    user = await svc.update(
        admin.id,
        user_id,
        role=Role(body.role) if body.role else None,
        active=body.is_active,
        verified=body.email_verified,
    )
    return admin_user_out(user)


@users.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="admin-users-delete",
    responses=responses(
        errors.InsufficientRole, errors.UserNotFound, errors.LastAdmin, errors.NotOnYourself
    ),
)
async def admin_delete_user(user_id: uuid.UUID, admin: AdminUser, svc: Admin) -> None:
    """Delete the account and everything it owns (its tracks, plays, loves, sessions)."""
    await svc.delete(admin.id, user_id)


@users.post(
    "/{user_id}/reset-link",
    operation_id="admin-users-reset-link",
    responses=responses(errors.InsufficientRole, errors.UserNotFound, errors.NoEmailAddress),
)
async def admin_reset_link(user_id: uuid.UUID, _admin: AdminUser, svc: Admin) -> ResetLink:
    """A new password-reset link for the user (emailed too, when the server sends email), to
    hand over where it does not. Earlier links stop working."""
    return ResetLink(url=await svc.reset_link(user_id))


@me.get("/verification", operation_id="me-verification", responses=AUTH_ERRORS)
async def verification_info(principal: CurrentUser, state: State) -> VerificationInfo:
    """Where this user's verification link went: by email, or, on a server that sends no
    email (the embedded default), to its outbox folder, which admins are told."""
    settings = state.settings
    outbox = settings.email_backend == "console"
    return VerificationInfo(
        email=principal.user.email,
        verified=principal.user.email_verified_at is not None,
        delivery="outbox" if outbox else "email",
        outbox=str(settings.data_dir / "outbox")
        if outbox and principal.role is Role.admin
        else None,
    )


routers = [auth, me, users]

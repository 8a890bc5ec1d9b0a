"""Accounts' domain errors, each with its status and stable code."""

from __future__ import annotations

from tonearm.kit.errors import (
    BadRequest,
    Conflict,
    NotFound,
    RateLimited,
    TonearmError,
    Unauthorized,
    Unprocessable,
)

# Defined by the platform (its auth dependencies raise them), named here with the rest.
from tonearm.platform.principal import AccountDisabled as AccountDisabled
from tonearm.platform.principal import InsufficientRole as InsufficientRole
from tonearm.platform.principal import InvalidAccessToken as InvalidAccessToken
from tonearm.platform.principal import NotAuthenticated as NotAuthenticated
from tonearm.platform.principal import SessionRevoked as SessionRevoked


class CommitThenRaise:
    """Mixin: the unit of work commits before this error propagates (e.g. a revoked token
    family or a counted OTP attempt must stick even though the request fails)."""

    commit_transaction = True


class InvalidCredentials(Unauthorized):
    code, title = "invalid_credentials", "Wrong login or password"


class InvalidRefreshToken(Unauthorized):
    code, title = "invalid_refresh_token", "Refresh token is invalid or expired"


class RefreshTokenReused(CommitThenRaise, Unauthorized):
    code, title = "refresh_token_reused", "Refresh token was already used; session revoked"


class EmailTaken(Conflict):
    code, title = "email_taken", "That email is already registered"


class UsernameTaken(Conflict):
    code, title = "username_taken", "That username is taken"


class SessionNotFound(NotFound):
    code, title = "session_not_found", "Session not found"


class UserNotFound(NotFound):
    code, title = "user_not_found", "User not found"


class LastAdmin(Conflict):
    code, title = "last_admin", "This is the last active admin: make another user an admin first"


class NotOnYourself(Conflict):
    code, title = "not_on_yourself", "You cannot do this to your own account"


class NoEmailAddress(Conflict):
    code, title = "no_email_address", "This user has no email address"


class WrongPassword(BadRequest):
    code, title = "wrong_password", "Current password is wrong"


class PasswordTooCommon(Unprocessable):
    code = "password_too_common"
    title = "This password is in a list of commonly used passwords; choose another"


class PasswordMatchesAccount(Unprocessable):
    code = "password_matches_account"
    title = "This password is your username or email address; choose another"


class InvalidEmailToken(BadRequest):
    code, title = "invalid_token", "This link is invalid or was already used"


class EmailTokenExpired(BadRequest):
    code, title = "token_expired", "This link has expired"


class OtpInvalid(CommitThenRaise, Unauthorized):
    code, title = "otp_invalid", "Wrong or unknown code"


class OtpExpired(Unauthorized):
    code, title = "otp_expired", "This code has expired; request a new one"


class OtpAttemptsExceeded(CommitThenRaise, TonearmError):
    status, code, title = 429, "otp_attempts_exceeded", "Too many wrong codes; request a new one"


class OtpRequestLimited(RateLimited):
    code, title = "otp_rate_limited", "Too many codes requested for this phone"

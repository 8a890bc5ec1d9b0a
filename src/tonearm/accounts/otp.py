"""Phone OTP sign-in: a 6-digit code, stored keyed-hashed, valid 5 minutes, 5 tries per code,
at most 3 codes per phone per hour. A verified phone signs in its user or creates one."""

from __future__ import annotations

import math
import secrets
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from tonearm.accounts import errors
from tonearm.accounts.senders import SmsMessage
from tonearm.kit import security
from tonearm.kit.db import utcnow
from tonearm.models.accounts import OtpCode, Role, User

if TYPE_CHECKING:
    from tonearm.accounts.service import AccountsService, ClientInfo, IssuedTokens

REQUESTS_PER_HOUR = 3


def phone_key(secret: str, phone: str) -> str:
    return security.keyed_hash(f"{secret}:phone", phone)


def _code_hash(secret: str, key: str, code: str) -> str:
    return security.keyed_hash(f"{secret}:otp", f"{key}:{code}")


async def request_code(svc: AccountsService, secret: str, phone: str) -> int:
    """Create and send a code. Returns its lifetime in seconds."""
    key = phone_key(secret, phone)
    now = utcnow()
    recent = await svc.repo.otp_requests_since(key, now - timedelta(hours=1))
    if len(recent) >= REQUESTS_PER_HOUR:
        retry = math.ceil((recent[0] + timedelta(hours=1) - now).total_seconds())
        raise errors.OtpRequestLimited(
            f"At most {REQUESTS_PER_HOUR} codes per hour; try again in {retry} s",
            headers={"Retry-After": str(max(retry, 1))},
        )
    await svc.repo.retire_otps(key)
    code = f"{secrets.randbelow(10**6):06d}"
    ttl = svc.settings.otp_ttl_seconds
    svc.s.add(
        OtpCode(
            phone_key=key,
            code_hash=_code_hash(secret, key, code),
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
    )
    minutes = max(1, ttl // 60)
    svc.outbox.sms_after_commit(
        svc.s,
        SmsMessage(
            to=phone,
            text=f"{code} is your Tonearm code. It expires in {minutes} minutes.",
            code=code,
        ),
    )
    return ttl


async def verify_code(
    svc: AccountsService, secret: str, phone: str, code: str, client: ClientInfo
) -> IssuedTokens:
    key = phone_key(secret, phone)
    otp = await svc.repo.latest_otp(key)
    now = utcnow()
    if otp is None:
        raise errors.OtpInvalid()
    if otp.expires_at <= now:
        raise errors.OtpExpired()
    if otp.attempts >= svc.settings.otp_max_attempts:
        raise errors.OtpAttemptsExceeded()
    otp.attempts += 1
    if not security.constant_time_equals(otp.code_hash, _code_hash(secret, key, code)):
        left = svc.settings.otp_max_attempts - otp.attempts
        if left <= 0:
            otp.consumed_at = now
            raise errors.OtpAttemptsExceeded()
        raise errors.OtpInvalid(f"Wrong code; {left} tries left", extra={"attempts_left": left})
    otp.consumed_at = now
    user = await svc.repo.user_by_phone_key(key)
    if user is None:
        from tonearm.accounts.service import generated_username

        first = await svc.repo.claim_first_user()
        username = generated_username()
        user = User(
            id=uuid.uuid4(),
            email=None,
            username=username,
            username_key=username.lower(),
            role=Role.admin if first else Role.listener,
            phone=phone,
            phone_key=key,
        )
        svc.s.add(user)
        await svc.s.flush()
    elif not user.is_active:
        raise errors.AccountDisabled()
    return await svc.start_session(user, client, "otp")

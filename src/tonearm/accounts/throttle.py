"""Sign-in throttling per account, on top of the per-IP limit every auth route has.

Two moving windows, keyed by the login name as given (so an unknown name is throttled exactly
like a real one, and nothing tells them apart), kept only as a keyed hash:

- per account and IP, strict (`rate_limit_login_account_ip`, 5 per 5 minutes): failed
  sign-ins only, so one address guessing one account is stopped while its owner signing in
  there, right, is not counted;
- per account from every IP (`rate_limit_login_account`, 20 per minute): every attempt,
  counted before the password is checked, so a guesser spread over many addresses, however
  many requests it fires at once, gets no more. Its window is short on purpose: the owner,
  signing in from elsewhere, waits at most that long once the guessing stops (the 429's
  Retry-After says how long).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from tonearm.accounts.errors import InvalidCredentials
from tonearm.config import Settings
from tonearm.kit.ratelimit import RateLimiter
from tonearm.kit.security import keyed_hash


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    limiter: RateLimiter
    settings: Settings
    secret: str

    @asynccontextmanager
    async def attempt(self, login: str, ip: str | None) -> AsyncIterator[None]:
        """Around one sign-in: raises RateLimited (429, Retry-After) past either limit, and
        counts the attempt against the account and IP if it fails with wrong credentials."""
        account = keyed_hash(self.secret, "login-account\x00" + login.strip().lower())
        here = ("login-ip", account, ip or "-")
        s = self.settings
        await self.limiter.check(s.rate_limit_login_account_ip, *here)
        await self.limiter.hit(s.rate_limit_login_account, "login-account", account)
        try:
            yield
        except InvalidCredentials:
            await self.limiter.hit(s.rate_limit_login_account_ip, *here)
            raise

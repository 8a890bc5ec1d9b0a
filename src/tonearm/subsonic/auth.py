"""Who is calling the Subsonic API: `u` + `p` (plain or `enc:` hex), `u` + `t` + `s` (the md5
of the Subsonic password and the salt) or OpenSubsonic's `apiKey`. Failed attempts count
against the user and the IP, like the login route's."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from tonearm.accounts import UserNotFound, UserRef, find_user, get_user
from tonearm.kit.errors import RateLimited
from tonearm.kit.ratelimit import RateLimiter
from tonearm.subsonic import errors
from tonearm.subsonic.credentials import SubsonicCredentials
from tonearm.subsonic.errors import SubsonicError


def _plain(p: str) -> str:
    if p.startswith("enc:"):
        try:
            return bytes.fromhex(p[4:]).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            raise SubsonicError(errors.WRONG_CREDENTIALS, "Wrong username or password") from None
    return p


class SubsonicAuth:
    def __init__(self, session: AsyncSession, limiter: RateLimiter, limit: str) -> None:
        self.s = session
        self.creds = SubsonicCredentials(session)
        self.limiter = limiter
        self.limit = limit

    async def user(self, params: Mapping[str, str], ip: str) -> UserRef:
        api_key = params.get("apiKey")
        username = params.get("u")
        if api_key:
            if username:
                raise SubsonicError(errors.MULTIPLE_AUTH, "Give apiKey alone, without u")
            return await self._by_key(api_key, ip)
        if not username:
            raise errors.missing("u")
        here = ("subsonic-auth", username.strip().lower()[:100], ip)
        try:
            await self.limiter.check(self.limit, *here)
        except RateLimited as exc:
            raise SubsonicError(
                errors.WRONG_CREDENTIALS, exc.detail or "Too many attempts"
            ) from exc
        try:
            return await self._by_password(username, params)
        except SubsonicError as exc:
            if exc.code in (errors.WRONG_CREDENTIALS, errors.TOKEN_NOT_SUPPORTED):
                await self.limiter.hit(self.limit, *here)
            raise

    async def _by_key(self, key: str, ip: str) -> UserRef:
        here = ("subsonic-key", ip)
        try:
            await self.limiter.check(self.limit, *here)
        except RateLimited as exc:
            raise SubsonicError(errors.INVALID_API_KEY, exc.detail or "Too many attempts") from exc
        row = await self.creds.by_key(key)
        user = await get_user(self.s, row.user_id) if row else None
        if user is None or not user.active:
            await self.limiter.hit(self.limit, *here)
            raise SubsonicError(errors.INVALID_API_KEY, "Invalid API key")
        return user

    async def _by_password(self, username: str, params: Mapping[str, str]) -> UserRef:
        wrong = SubsonicError(errors.WRONG_CREDENTIALS, "Wrong username or password")
        try:
            user = await find_user(self.s, username)
        except UserNotFound:
            raise wrong from None
        if not user.active:
            raise wrong
        secret = await self.creds.password(user.id)
        token, salt, password = params.get("t"), params.get("s"), params.get("p")
        if token is not None or salt is not None:
            if not token or not salt:
                raise errors.missing("s" if token else "t")
            if secret is None:
                raise SubsonicError(
                    errors.TOKEN_NOT_SUPPORTED,
                    "Token authentication needs a Subsonic password: create one in your "
                    "account settings",
                )
            expected = hashlib.md5((secret + salt).encode("utf-8")).hexdigest()  # noqa: S324
            if not hmac.compare_digest(expected, token.lower()):
                raise wrong
            return user
        if password is None:
            raise errors.missing("p")
        if secret is None or not hmac.compare_digest(_plain(password), secret):
            raise wrong
        return user

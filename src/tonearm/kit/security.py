"""Password hashing (argon2 via pwdlib), access JWTs (PyJWT) and opaque tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

ACCESS_AUDIENCE = "tonearm:access"
ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class Argon2Cost:
    time_cost: int  # passes
    memory_cost: int  # KiB
    parallelism: int  # lanes


# RFC 9106's low-memory profile (argon2-cffi's defaults), written out so that a library upgrade
# cannot change what we store.
ARGON2_COST = Argon2Cost(time_cost=3, memory_cost=64 * 1024, parallelism=4)
# The cheapest valid parameters, for TONEARM_ENV=test only: a suite registers hundreds of users.
TEST_ARGON2_COST = Argon2Cost(time_cost=1, memory_cost=8, parallelism=1)


class PasswordHasher:
    """argon2id at a given cost. A stored hash of another cost still verifies, and
    `verify` then returns its replacement at this cost."""

    def __init__(self, cost: Argon2Cost = ARGON2_COST) -> None:
        self.cost = cost
        self._hash = PasswordHash(
            (
                Argon2Hasher(
                    time_cost=cost.time_cost,
                    memory_cost=cost.memory_cost,
                    parallelism=cost.parallelism,
                ),
            )
        )
        # Verified against when the user does not exist, so an unknown login costs the same time.
        self._dummy = self._hash.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self._hash.hash(password)

    def verify(self, password: str, hashed: str | None) -> tuple[bool, str | None]:
        """(ok, new_hash). new_hash is set when the stored hash should be upgraded."""
        if hashed is None:
            self._hash.verify(password, self._dummy)
            return False, None
        try:
            return self._hash.verify_and_update(password, hashed)
        except Exception:
            return False, None


# Built at import, as before: the dummy hash costs one full hash, off any request.
_DEFAULT_HASHER = PasswordHasher(ARGON2_COST)
_hashers: dict[Argon2Cost, PasswordHasher] = {ARGON2_COST: _DEFAULT_HASHER}


def password_hasher(cost: Argon2Cost = ARGON2_COST) -> PasswordHasher:
    """The process's hasher for `cost` (one per cost, each with its dummy hash)."""
    hasher = _hashers.get(cost)
    if hasher is None:
        hasher = _hashers[cost] = PasswordHasher(cost)
    return hasher


def hash_password(password: str, cost: Argon2Cost = ARGON2_COST) -> str:
    return password_hasher(cost).hash(password)


def verify_password(
    password: str, hashed: str | None, cost: Argon2Cost = ARGON2_COST
) -> tuple[bool, str | None]:
    """(ok, new_hash). new_hash is set when the stored hash should be upgraded."""
    return password_hasher(cost).verify(password, hashed)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def chained_token(key: str, parent: str) -> str:
    """The one token that follows `parent` (HMAC-SHA256 under `key`, URL-safe base64): any
    number of callers holding `parent` derive the same successor, without it being stored."""
    digest = hmac.digest(key.encode(), parent.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    """Opaque tokens are stored only as their SHA-256 (they are high-entropy, no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_hash(key: str, value: str) -> str:
    """A stable lookup key for a secret value (HMAC-SHA256), e.g. a phone number or OTP code."""
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    role: str
    expires_at: datetime


STREAM_PURPOSE = "stream"  # signed stream URLs (tonearm.streaming.tokens)


def _derive(secret: str, purpose: str) -> str:
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).hexdigest()


class TokenSigner:
    """Signs short-lived JWTs. Each purpose gets its own derived key and audience."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def key(self, purpose: str) -> str:
        return _derive(self._secret, purpose)

    def encode(self, purpose: str, claims: dict[str, Any], ttl: timedelta) -> tuple[str, datetime]:
        now = datetime.now(UTC)
        exp = now + ttl
        payload = {**claims, "aud": f"tonearm:{purpose}", "iat": now, "exp": exp}
        return jwt.encode(payload, self.key(purpose), algorithm=ALGORITHM), exp

    def decode(self, purpose: str, token: str) -> dict[str, Any]:
        """Raises jwt.InvalidTokenError (incl. ExpiredSignatureError) on anything wrong."""
        return jwt.decode(
            token,
            self.key(purpose),
            algorithms=[ALGORITHM],
            audience=f"tonearm:{purpose}",
            options={"require": ["exp", "iat", "aud"]},
        )

    def access_token(
        self, user_id: uuid.UUID, session_id: uuid.UUID, role: str, ttl: timedelta
    ) -> tuple[str, datetime]:
        return self.encode(
            "access", {"sub": str(user_id), "sid": str(session_id), "role": role}, ttl
        )

    def stream_token_user(self, token: str) -> uuid.UUID:
        """The user a signed stream token names (signature, audience and expiry checked; no
        database): what the rate limit counts a stream request against."""
        return uuid.UUID(self.decode(STREAM_PURPOSE, token)["sub"])

    def read_access_token(self, token: str) -> AccessClaims:
        data = self.decode("access", token)
        return AccessClaims(
            user_id=uuid.UUID(data["sub"]),
            session_id=uuid.UUID(data["sid"]),
            role=str(data.get("role", "listener")),
            expires_at=datetime.fromtimestamp(data["exp"], UTC),
        )

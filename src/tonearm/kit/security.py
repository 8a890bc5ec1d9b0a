"""Password hashing (argon2 via pwdlib), access JWTs (PyJWT) and opaque tokens."""

from __future__ import annotations

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

_hasher = PasswordHash((Argon2Hasher(),))
# Verified against when the user does not exist, so an unknown login costs the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

ACCESS_AUDIENCE = "tonearm:access"
ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str | None) -> tuple[bool, str | None]:
    """(ok, new_hash). new_hash is set when the stored hash should be upgraded."""
    if hashed is None:
        _hasher.verify(password, _DUMMY_HASH)
        return False, None
    try:
        return _hasher.verify_and_update(password, hashed)
    except Exception:
        return False, None


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


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

    def read_access_token(self, token: str) -> AccessClaims:
        data = self.decode("access", token)
        return AccessClaims(
            user_id=uuid.UUID(data["sub"]),
            session_id=uuid.UUID(data["sid"]),
            role=str(data.get("role", "listener")),
            expires_at=datetime.fromtimestamp(data["exp"], UTC),
        )

"""Stream tokens: HS256 JWTs naming the user, the track and an expiry (the Lufy scheme).
They ride in the URL path, so players fetch playlists and segments without custom headers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from tonearm.kit.security import TokenSigner
from tonearm.streaming.errors import StreamTokenExpired, StreamTokenInvalid

PURPOSE = "stream"


@dataclass(frozen=True, slots=True)
class StreamGrant:
    user_id: uuid.UUID
    track_id: uuid.UUID
    expires_at: datetime


def issue(
    signer: TokenSigner, user_id: uuid.UUID, track_id: uuid.UUID, ttl: timedelta
) -> tuple[str, datetime]:
    return signer.encode(PURPOSE, {"sub": str(user_id), "tid": str(track_id)}, ttl)


def read(signer: TokenSigner, token: str) -> StreamGrant:
    try:
        data = signer.decode(PURPOSE, token)
        return StreamGrant(
            user_id=uuid.UUID(data["sub"]),
            track_id=uuid.UUID(data["tid"]),
            expires_at=datetime.fromtimestamp(data["exp"]).astimezone(),
        )
    except jwt.ExpiredSignatureError as exc:
        raise StreamTokenExpired() from exc
    except (jwt.InvalidTokenError, KeyError, ValueError) as exc:
        raise StreamTokenInvalid() from exc

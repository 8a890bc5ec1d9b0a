"""Stream tokens: HS256 JWTs naming the user, the session that asked, the track and an expiry
(the Lufy scheme). They ride in the URL path, so players fetch playlists and segments without
custom headers; the service checks the session is still alive on each use, so logging out or
revoking the session ends them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from tonearm.kit.security import STREAM_PURPOSE, TokenSigner
from tonearm.streaming.errors import StreamTokenExpired, StreamTokenInvalid

PURPOSE = STREAM_PURPOSE


@dataclass(frozen=True, slots=True)
class StreamGrant:
    user_id: uuid.UUID
    session_id: uuid.UUID
    track_id: uuid.UUID
    expires_at: datetime


def issue(
    signer: TokenSigner,
    user_id: uuid.UUID,
    track_id: uuid.UUID,
    ttl: timedelta,
    *,
    session_id: uuid.UUID,
) -> tuple[str, datetime]:
    claims = {"sub": str(user_id), "sid": str(session_id), "tid": str(track_id)}
    return signer.encode(PURPOSE, claims, ttl)


def read(signer: TokenSigner, token: str) -> StreamGrant:
    try:
        data = signer.decode(PURPOSE, token)
        return StreamGrant(
            user_id=uuid.UUID(data["sub"]),
            session_id=uuid.UUID(data["sid"]),  # a token without one (older) is invalid
            track_id=uuid.UUID(data["tid"]),
            expires_at=datetime.fromtimestamp(data["exp"]).astimezone(),
        )
    except jwt.ExpiredSignatureError as exc:
        raise StreamTokenExpired() from exc
    except (jwt.InvalidTokenError, KeyError, ValueError) as exc:
        raise StreamTokenInvalid() from exc

"""The process-wide services a running app holds (built in the lifespan, closed at shutdown)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import structlog

from tonearm.accounts.authcache import AuthCache
from tonearm.accounts.senders import Outbox, make_email_sender, make_sms_sender
from tonearm.config import Settings
from tonearm.kit import crypto
from tonearm.kit.db import Database
from tonearm.kit.ratelimit import RateLimiter
from tonearm.kit.security import TokenSigner
from tonearm.kit.storage import Storage, create_storage
from tonearm.streaming.live import TranscodeSlots

log = structlog.get_logger(__name__)


@dataclass
class AppState:
    settings: Settings
    db: Database
    secret: str
    signer: TokenSigner
    limiter: RateLimiter
    outbox: Outbox
    auth_cache: AuthCache
    storage: Storage
    transcode_slots: TranscodeSlots
    extras: dict[str, Any] = field(default_factory=dict)

    async def close(self) -> None:
        await self.db.dispose()


def build_state(settings: Settings) -> AppState:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    secret = settings.resolved_secret_key()
    crypto.configure(crypto.load_keys(settings.fernet_keys(), settings.data_dir))
    db = Database(
        settings.effective_database_url,
        echo=settings.database_echo,
        pool_size=settings.database_pool_size,
    )
    return AppState(
        settings=settings,
        db=db,
        secret=secret,
        signer=TokenSigner(secret),
        limiter=RateLimiter(settings.redis_url, enabled=settings.rate_limit_enabled),
        outbox=Outbox(make_email_sender(settings), make_sms_sender(settings)),
        auth_cache=AuthCache(settings.auth_cache_seconds),
        storage=create_storage(settings),
        transcode_slots=TranscodeSlots(
            settings.transcode_max_live, settings.transcode_max_live_per_user
        ),
    )

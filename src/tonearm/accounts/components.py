"""What the accounts domain keeps per process: the session cache, the outbox (email and SMS
senders) and the `Authenticator` behind the platform's auth dependencies."""

from __future__ import annotations

from tonearm.accounts.authcache import AuthCache
from tonearm.accounts.deps import session_authenticator
from tonearm.accounts.senders import Outbox, make_email_sender, make_sms_sender
from tonearm.platform.state import AppState


def install(state: AppState) -> None:
    settings = state.settings
    state.provide(AuthCache(settings.auth_cache_seconds))
    state.provide(Outbox(make_email_sender(settings), make_sms_sender(settings)))
    state.provide(session_authenticator(state))

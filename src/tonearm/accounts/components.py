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

    async def accounts_info() -> dict[str, object]:
        from sqlalchemy import func, select

        from tonearm.models.accounts import Role, User

        async with state.db.session() as s:
            rows = (
                await s.execute(
                    select(User.role, User.is_active, func.count()).group_by(
                        User.role, User.is_active
                    )
                )
            ).all()
        users = sum(int(n) for _, _, n in rows)
        return {
            "users": users,
            "disabled": sum(int(n) for _, active, n in rows if not active),
            "admins": sum(int(n) for role, active, n in rows if role is Role.admin and active),
            "email": "outbox folder"
            if settings.email_backend == "console"
            else settings.email_backend,
        }

    state.lifecycle.info["accounts"] = accounts_info

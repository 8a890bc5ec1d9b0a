"""Accounts jobs: purge long-expired sessions, refresh tokens, email links and codes."""

from __future__ import annotations

from datetime import timedelta

from tonearm.accounts.repository import AccountsRepository
from tonearm.jobs.context import JobContext
from tonearm.jobs.registry import job
from tonearm.jobs.scheduler import periodic

ACCOUNT_TOKENS_GRACE = timedelta(days=1)


@periodic("accounts.purge_expired", every=timedelta(hours=1))
@job("accounts.purge_expired", retries=2)
async def purge_expired(ctx: JobContext) -> dict[str, int]:
    """Delete tokens and codes that expired more than a day ago. Idempotent."""
    async with ctx.session() as s:
        tokens = await AccountsRepository(s).purge_expired(ACCOUNT_TOKENS_GRACE)
    return {"account_tokens": tokens}

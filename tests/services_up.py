"""Exit 0 when both PostgreSQL and Redis answer (used by `make test`)."""

from __future__ import annotations

import asyncio
import sys

import asyncpg
import redis.asyncio as redis

from tests.pgutil import asyncpg_dsn


async def main(pg_url: str, redis_url: str) -> int:
    try:
        conn = await asyncio.wait_for(asyncpg.connect(asyncpg_dsn(pg_url)), 3)
        await conn.close()
        r = redis.from_url(redis_url)
        await asyncio.wait_for(r.ping(), 3)
        await r.aclose()
    except Exception as exc:
        print(f"not reachable: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))

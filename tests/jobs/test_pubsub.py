"""kit.events: the in-memory and the Redis pub/sub behave the same."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest

from tonearm.kit.events import MemoryPubSub, PubSub, RedisPubSub

REDIS_URL = os.environ.get("TONEARM_TEST_REDIS_URL")


@pytest.fixture(params=["memory", "redis"])
async def pair(request: pytest.FixtureRequest) -> AsyncIterator[tuple[PubSub, PubSub]]:
    """(publisher, subscriber side): one object in memory, two 'processes' on Redis."""
    if request.param == "memory":
        ps = MemoryPubSub()
        yield ps, ps
        await ps.close()
        return
    if not REDIS_URL:
        pytest.skip("TONEARM_TEST_REDIS_URL is not set")
    prefix = f"tonearm-test-{uuid.uuid4().hex[:8]}:"
    a, b = RedisPubSub(REDIS_URL, prefix=prefix), RedisPubSub(REDIS_URL, prefix=prefix)
    try:
        yield a, b
    finally:
        await a.close()
        await b.close()


async def test_publish_reaches_subscribers_of_that_channel(pair: tuple[PubSub, PubSub]) -> None:
    pub, side = pair
    async with (
        side.subscribe("job:1") as s1,
        side.subscribe("job:1") as s2,
        side.subscribe("job:2") as other,
    ):
        await pub.publish("job:1", {"type": "progress", "progress": 0.5})
        await pub.publish("job:1", {"type": "done"})
        for sub in (s1, s2):
            assert await sub.get(timeout=5) == {"type": "progress", "progress": 0.5}
            assert await sub.get(timeout=5) == {"type": "done"}
        assert await other.get(timeout=0.1) is None


async def test_iteration_and_unsubscribe(pair: tuple[PubSub, PubSub]) -> None:
    pub, side = pair
    got: list[int] = []
    sub = side.subscribe("chan")
    async with sub:

        async def consume() -> None:
            async for msg in sub:
                got.append(msg["n"])
                if len(got) == 3:
                    return

        task = asyncio.create_task(consume())
        for n in range(3):
            await pub.publish("chan", {"n": n})
        await asyncio.wait_for(task, 5)
    assert got == [0, 1, 2]
    # After leaving, nothing is queued for the closed subscription.
    await pub.publish("chan", {"n": 99})
    await asyncio.sleep(0.05)
    assert sub.queue.empty()


async def test_slow_subscriber_drops_oldest() -> None:
    ps = MemoryPubSub()
    async with ps.subscribe("c", maxsize=2) as sub:
        for n in range(5):
            await ps.publish("c", {"n": n})
        assert sub.dropped == 3
        assert [(await sub.get(0))["n"] for _ in range(2)] == [3, 4]  # type: ignore[index]

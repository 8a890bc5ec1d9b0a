"""Publish/subscribe for live events (job progress, ...): in memory by default, Redis when
TONEARM_REDIS_URL is set so that every process sees every event.

    async with pubsub.subscribe("job:123") as sub:   # subscribed once __aenter__ returns
        state = await read_state()                    # so nothing published after this is lost
        async for message in sub: ...

Messages are JSON-able dicts. Delivery is best effort (at most once): a subscriber that falls
more than `maxsize` messages behind loses the oldest ones, so consumers that need the final
state must be able to re-read it from the database.

The Redis implementation shares ONE pub/sub connection per process and fans messages out to
local subscribers, so a thousand open event streams cost one Redis connection, not a thousand.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any, Protocol

import orjson
import structlog

log = structlog.get_logger(__name__)

Message = dict[str, Any]


class PubSub(Protocol):
    async def publish(self, channel: str, message: Message) -> None: ...

    def subscribe(self, channel: str, *, maxsize: int = 1000) -> Subscription: ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...


class Subscription:
    """A local queue of messages for one channel. Use as `async with` (or just iterate)."""

    def __init__(self, hub: _Hub, channel: str, maxsize: int) -> None:
        self._hub = hub
        self.channel = channel
        self.queue: asyncio.Queue[Message] = asyncio.Queue(maxsize)
        self.dropped = 0
        self._active = False

    async def __aenter__(self) -> Subscription:
        if not self._active:
            self._active = True
            await self._hub.add(self)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._active:
            self._active = False
            await self._hub.remove(self)

    def deliver(self, message: Message) -> None:
        while True:
            try:
                self.queue.put_nowait(message)
                return
            except asyncio.QueueFull:
                with contextlib.suppress(asyncio.QueueEmpty):
                    self.queue.get_nowait()
                    self.dropped += 1

    async def get(self, timeout: float | None = None) -> Message | None:
        """The next message, or None after `timeout` seconds without one."""
        await self.__aenter__()
        with contextlib.suppress(asyncio.QueueEmpty):
            return self.queue.get_nowait()
        if timeout is not None and timeout <= 0:
            return None
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None

    def __aiter__(self) -> AsyncIterator[Message]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Message]:
        await self.__aenter__()
        while True:
            yield await self.queue.get()


class _Hub:
    """Local fan-out: channel -> subscriptions. `on_first`/`on_last` hook the transport."""

    def __init__(self) -> None:
        self.subs: dict[str, set[Subscription]] = {}

    async def add(self, sub: Subscription) -> None:
        first = sub.channel not in self.subs
        self.subs.setdefault(sub.channel, set()).add(sub)
        if first:
            await self.on_first(sub.channel)

    async def remove(self, sub: Subscription) -> None:
        subs = self.subs.get(sub.channel)
        if subs is None:
            return
        subs.discard(sub)
        if not subs:
            del self.subs[sub.channel]
            await self.on_last(sub.channel)

    def deliver(self, channel: str, message: Message) -> None:
        for sub in list(self.subs.get(channel, ())):
            sub.deliver(message)

    async def on_first(self, channel: str) -> None:
        return None

    async def on_last(self, channel: str) -> None:
        return None


class MemoryPubSub(_Hub):
    """In-process pub/sub (embedded mode: one process, or tests)."""

    async def publish(self, channel: str, message: Message) -> None:
        # Round-trip through JSON so both implementations hand subscribers the same shapes.
        self.deliver(channel, orjson.loads(orjson.dumps(message)))

    def subscribe(self, channel: str, *, maxsize: int = 1000) -> Subscription:
        return Subscription(self, channel, maxsize)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self.subs.clear()


class RedisPubSub(_Hub):
    """Redis pub/sub with one shared subscriber connection per process."""

    def __init__(self, url: str, *, prefix: str = "tonearm:") -> None:
        super().__init__()
        import redis.asyncio as aioredis

        self.prefix = prefix
        self.redis = aioredis.Redis.from_url(url)
        self._ps: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._confirmed: dict[str, asyncio.Event] = {}
        self._closed = False

    async def publish(self, channel: str, message: Message) -> None:
        await self.redis.publish(self.prefix + channel, orjson.dumps(message))

    def subscribe(self, channel: str, *, maxsize: int = 1000) -> Subscription:
        return Subscription(self, channel, maxsize)

    async def ping(self) -> bool:
        return bool(await self.redis.ping())

    async def on_first(self, channel: str) -> None:
        async with self._lock:
            if self._ps is None:
                self._ps = self.redis.pubsub()
            confirmed = self._confirmed[channel] = asyncio.Event()
            await self._ps.subscribe(self.prefix + channel)
            if self._reader is None or self._reader.done():
                self._reader = asyncio.create_task(self._read(), name="redis-pubsub-reader")
        # Wait for Redis to confirm: from then on, every publish reaches us.
        try:
            await asyncio.wait_for(confirmed.wait(), 5.0)
        except TimeoutError:
            log.warning("pubsub_subscribe_unconfirmed", channel=channel)

    async def on_last(self, channel: str) -> None:
        async with self._lock:
            self._confirmed.pop(channel, None)
            if self._ps is not None and not self._closed:
                try:
                    await self._ps.unsubscribe(self.prefix + channel)
                except Exception:
                    log.warning("pubsub_unsubscribe_failed", channel=channel, exc_info=True)

    async def _read(self) -> None:
        backoff = 0.1
        while not self._closed:
            try:
                msg = await self._ps.get_message(ignore_subscribe_messages=False, timeout=1.0)
                backoff = 0.1
            except asyncio.CancelledError:
                raise
            except Exception:
                # redis-py reconnects and re-subscribes on the next call.
                log.warning("pubsub_read_failed", exc_info=True)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if msg is None:
                continue
            raw_channel = msg.get("channel")
            if isinstance(raw_channel, bytes):
                raw_channel = raw_channel.decode()
            channel = str(raw_channel)[len(self.prefix) :]
            if msg["type"] == "subscribe":
                event = self._confirmed.get(channel)
                if event is not None:
                    event.set()
            elif msg["type"] == "message":
                try:
                    data = orjson.loads(msg["data"])
                except orjson.JSONDecodeError:
                    log.warning("pubsub_bad_message", channel=channel)
                    continue
                self.deliver(channel, data)

    async def close(self) -> None:
        self._closed = True
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._ps is not None:
            with contextlib.suppress(Exception):
                await self._ps.aclose()
        self.subs.clear()
        await self.redis.aclose()


def make_pubsub(redis_url: str | None) -> MemoryPubSub | RedisPubSub:
    return RedisPubSub(redis_url) if redis_url else MemoryPubSub()

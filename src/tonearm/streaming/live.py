"""Live transcodes: PyAV encodes in a worker thread while chunks flow to the client through a
small queue (back-pressure: the encoder waits for a slow client). When the client goes away
the response is cancelled, the encoder stops at its next chunk, and nothing is cached. A
finished transcode is kept in the cache (storage + `transcode_cache`), evicted LRU past a cap.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import threading
import uuid
from collections import Counter
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import structlog

from tonearm.streaming.errors import TranscodeBusy

log = structlog.get_logger(__name__)

_DONE = object()


class TranscodeSlots:
    """At most `per_server` live transcodes in this process, `per_user` per user."""

    def __init__(self, per_server: int, per_user: int) -> None:
        self.per_server = per_server
        self.per_user = per_user
        self.active = 0
        self.by_user: Counter[uuid.UUID] = Counter()

    def acquire(self, user: uuid.UUID) -> None:
        if self.active >= self.per_server:
            raise TranscodeBusy(
                f"The server runs {self.per_server} live transcodes already",
                headers={"Retry-After": "5"},
            )
        if self.by_user[user] >= self.per_user:
            raise TranscodeBusy(
                f"You have {self.per_user} live transcodes running",
                headers={"Retry-After": "5"},
            )
        self.active += 1
        self.by_user[user] += 1

    def release(self, user: uuid.UUID) -> None:
        self.active -= 1
        self.by_user[user] -= 1
        if self.by_user[user] <= 0:
            del self.by_user[user]


async def live_transcode(
    source: AbstractAsyncContextManager[Path],
    fmt: str,
    bitrate: int,
    *,
    slots: TranscodeSlots,
    user: uuid.UUID,
    on_complete: Callable[[Path], Awaitable[None]],
    tmp_dir: Path,
) -> AsyncGenerator[bytes]:
    """Yield encoded bytes. `on_complete(path)` gets the whole output file if the encode
    finished and the client read all of it; the file is removed afterwards either way."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=8)
    stop = threading.Event()
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="transcode-", suffix=f".{fmt}")
    out = os.fdopen(fd, "wb")
    finished = False

    def produce(src: Path) -> None:
        from tonearm.media.audio import transcode_iter  # PyAV loads on first use

        gen = transcode_iter(src, fmt, bitrate)
        try:
            for chunk in gen:
                if stop.is_set():
                    break
                out.write(chunk)
                fut = asyncio.run_coroutine_threadsafe(queue.put(chunk), loop)
                while not stop.is_set():
                    try:
                        fut.result(timeout=0.5)
                        break
                    except TimeoutError:
                        continue
            else:
                asyncio.run_coroutine_threadsafe(queue.put(_DONE), loop).result()
        except BaseException as exc:
            if not stop.is_set():
                asyncio.run_coroutine_threadsafe(queue.put(exc), loop).result()
        finally:
            close = getattr(gen, "close", None)
            if close is not None:
                close()

    slots.acquire(user)
    try:
        async with source as src:
            worker = loop.run_in_executor(None, produce, src)
            try:
                while True:
                    item = await queue.get()
                    if item is _DONE:
                        finished = True
                        break
                    if isinstance(item, BaseException):
                        raise item
                    yield item  # type: ignore[misc]
            finally:
                stop.set()
                # Drain so a producer blocked on put() can see the stop flag.
                while not queue.empty():
                    queue.get_nowait()
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(asyncio.shield(worker), 10)
    finally:
        slots.release(user)
        out.close()
        try:
            if finished:
                await on_complete(Path(tmp_name))
        except Exception:
            log.exception("transcode_cache_store_failed")
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)

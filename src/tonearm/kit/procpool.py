"""A process pool for CPU-heavy work (decoding, DSP) so the event loop stays responsive.

The pool is created on first use (most processes never need it) with the forkserver start
method on Linux (spawn elsewhere): forking a process that holds an event loop, database
connections and threads is unsafe. Functions and arguments must be picklable, i.e. functions
defined at the top level of an importable module.

`mode="thread"` runs the work in a thread instead; Celery's prefork children use it, since
they already are single-job worker processes and cannot portably start their own children.
"""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Literal, TypeVar

import structlog

log = structlog.get_logger(__name__)

T = TypeVar("T")


def die_with_parent(parent_pid: int) -> None:
    """A pool initializer (`initargs=(os.getpid(),)`): this worker exits as soon as the
    process that made the pool dies, even by SIGKILL. A worker blocked on its task queue
    would otherwise outlive a crashed server, and so would the fork server: each worker holds
    the fd whose closing tells the fork server to exit. A daemon thread waits on a pidfd of
    the parent (Linux 5.3+), else checks on it every second."""
    threading.Thread(target=_watch, args=(parent_pid,), name="parent-watch", daemon=True).start()


def _watch(parent_pid: int) -> None:
    import select
    import time

    try:
        fd = os.pidfd_open(parent_pid)
    except ProcessLookupError:
        os._exit(1)  # gone already
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])  # readable once the process has exited
        os._exit(1)
    while True:
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass  # alive, another user's (a reused pid would be too: checked once a second)
        time.sleep(1.0)


def _start_method() -> str:
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if sys.platform.startswith("linux") and "forkserver" in methods else "spawn"


class ProcessPool:
    def __init__(self, size: int = 2, *, mode: Literal["process", "thread"] = "process") -> None:
        self.size = max(1, size)
        self.mode = mode
        self._executor: Executor | None = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        return self._executor is not None

    def _get(self) -> Executor:
        with self._lock:
            if self._executor is None:
                if self.mode == "thread":
                    self._executor = ThreadPoolExecutor(self.size, thread_name_prefix="cpu")
                else:
                    ctx = multiprocessing.get_context(_start_method())
                    self._executor = ProcessPoolExecutor(
                        self.size,
                        mp_context=ctx,
                        initializer=die_with_parent,
                        initargs=(os.getpid(),),
                    )
                log.debug("procpool_started", size=self.size, mode=self.mode)
            return self._executor

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        call = functools.partial(fn, *args, **kwargs) if kwargs else functools.partial(fn, *args)
        executor = self._get()
        try:
            return await loop.run_in_executor(executor, call)
        except BrokenProcessPool:
            # A child died (OOM killer, segfault in a codec): start a fresh pool next time.
            with self._lock:
                if self._executor is executor:
                    self._executor = None
            executor.shutdown(wait=False, cancel_futures=True)
            raise

    async def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)

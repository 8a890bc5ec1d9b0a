"""Server-Sent Events for one job: the current state, then progress, then the final event.

We write the stream with Starlette's StreamingResponse rather than sse-starlette: the format
is four lines of code, and owning the generator lets us subscribe before reading the state
(no lost events) and re-read the row whenever the pub/sub is quiet, so an event it missed (a
Redis reconnect, a slow consumer, or, with the in-memory pub/sub, a job running in a sibling
`serve` worker) still reaches the client and the final state still ends the stream.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import orjson

from tonearm.jobs.context import job_channel, owner_channel
from tonearm.jobs.repository import JobRepository
from tonearm.jobs.schemas import FINAL_EVENT, job_event
from tonearm.kit.db import Database
from tonearm.kit.events import PubSub

KEEPALIVE_SECONDS = 15.0
FINAL_TYPES = frozenset(FINAL_EVENT.values())
HEADERS = {
    "Cache-Control": "no-cache, no-transform",
    "X-Accel-Buffering": "no",  # nginx: do not buffer the stream
    "Connection": "keep-alive",
}


def format_event(event: str, data: dict[str, Any], event_id: int | None = None) -> bytes:
    out = b""
    if event_id is not None:
        out += b"id: %d\n" % event_id
    return out + b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


async def _read(db: Database, job_id: uuid.UUID, owner_id: uuid.UUID) -> Any:
    async with db.session() as s:
        return await JobRepository(s).get_owned(job_id, owner_id)


async def job_events(
    db: Database,
    pubsub: PubSub,
    job_id: uuid.UUID,
    owner_id: uuid.UUID,
    *,
    keepalive: float = KEEPALIVE_SECONDS,
    recheck: float | None = None,
) -> AsyncIterator[bytes]:
    """`recheck`: also re-read the row this often and send what changed. For the in-memory
    pub/sub, which cannot see a job running in a sibling process (`serve --workers N`)."""
    loop = asyncio.get_running_loop()
    interval = min(keepalive, recheck or keepalive)
    seq = 0
    async with pubsub.subscribe(job_channel(job_id)) as sub:
        # Subscribed first, then read: anything published after the read reaches `sub`.
        job = await _read(db, job_id, owner_id)
        if job is None:
            return
        seq += 1
        yield format_event("state", job_event(job, "state"), seq)
        if job.status.finished:
            seq += 1
            yield format_event(FINAL_EVENT[job.status], job_event(job), seq)
            return
        yield b"retry: 3000\n\n"
        last_sent = loop.time()
        last_seen = (job.status, job.progress, job.message)
        while True:
            message = await sub.get(timeout=interval)
            if message is None:
                job = await _read(db, job_id, owner_id)
                if job is None:
                    return
                if job.status.finished:
                    seq += 1
                    yield format_event(FINAL_EVENT[job.status], job_event(job), seq)
                    return
                if (job.status, job.progress, job.message) != last_seen:
                    last_seen = (job.status, job.progress, job.message)
                    seq += 1
                    last_sent = loop.time()
                    yield format_event("progress", job_event(job, "progress"), seq)
                elif loop.time() - last_sent >= keepalive - 0.001:
                    last_sent = loop.time()
                    yield b": keep-alive\n\n"
                continue
            event = str(message.get("type", "progress"))
            last_seen = (message.get("status"), message.get("progress"), message.get("message"))
            seq += 1
            last_sent = loop.time()
            yield format_event(event, message, seq)
            if event in FINAL_TYPES:
                return


WATCH_LIMIT = 500  # most unfinished jobs one owner stream starts from and re-reads


async def owner_events(
    db: Database,
    pubsub: PubSub,
    owner_id: uuid.UUID,
    follow: list[uuid.UUID],
    *,
    keepalive: float = KEEPALIVE_SECONDS,
    recheck: float | None = None,
) -> AsyncIterator[bytes]:
    """All of one owner's jobs in one stream, which stays open: first a `state` event for each
    job named in `follow` (finished or not) and each unfinished one, then every job's events as
    they happen (a job enqueued later included). When the pub/sub is quiet, the jobs last seen
    unfinished are re-read, so a missed event still arrives."""
    loop = asyncio.get_running_loop()
    interval = min(keepalive, recheck or keepalive)
    seq = 0
    open_jobs: dict[uuid.UUID, tuple[Any, ...]] = {}
    async with pubsub.subscribe(owner_channel(owner_id)) as sub:
        async with db.session() as s:
            jobs = await JobRepository(s).watched(owner_id, follow, WATCH_LIMIT)
        for job in jobs:
            seq += 1
            yield format_event("state", job_event(job, "state"), seq)
            if not job.status.finished:
                open_jobs[job.id] = (job.status.value, job.progress, job.message)
        yield b"retry: 3000\n\n"
        last_sent = loop.time()
        while True:
            message = await sub.get(timeout=interval)
            if message is not None:
                event = str(message.get("type", "progress"))
                try:
                    job_id = uuid.UUID(str(message.get("id")))
                except ValueError:
                    continue
                if event in FINAL_TYPES:
                    open_jobs.pop(job_id, None)
                elif len(open_jobs) < WATCH_LIMIT or job_id in open_jobs:
                    open_jobs[job_id] = (
                        message.get("status"),
                        message.get("progress"),
                        message.get("message"),
                    )
                seq += 1
                last_sent = loop.time()
                yield format_event(event, message, seq)
                continue
            if open_jobs:
                async with db.session() as s:
                    rows = await JobRepository(s).get_many_owned(owner_id, list(open_jobs))
                for gone in set(open_jobs) - {job.id for job in rows}:
                    del open_jobs[gone]
                for job in rows:
                    now = (job.status.value, job.progress, job.message)
                    if job.status.finished:
                        open_jobs.pop(job.id, None)
                    elif now == open_jobs.get(job.id):
                        continue
                    else:
                        open_jobs[job.id] = now
                    data = job_event(job)
                    seq += 1
                    last_sent = loop.time()
                    yield format_event(data["type"], data, seq)
            if loop.time() - last_sent >= keepalive - 0.001:
                last_sent = loop.time()
                yield b": keep-alive\n\n"

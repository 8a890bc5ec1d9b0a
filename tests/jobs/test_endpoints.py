"""The /api/v1/jobs routes: owner scoping, pagination, cancel, Server-Sent Events."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn

from tests.jobs.conftest import wait_for
from tests.jobs.factories import auth, register
from tests.jobs.handlers import gate
from tonearm.jobs import sse
from tonearm.jobs.context import JobConfig
from tonearm.jobs.runners import LocalRunner
from tonearm.jobs.runtime import JobRuntime
from tonearm.jobs.service import enqueue
from tonearm.models.jobs import JobStatus
from tonearm.platform.state import AppState


async def _enqueue(state: AppState, owner: uuid.UUID, kind: str, **kw: Any) -> uuid.UUID:
    async with state.db.session() as s:
        job = await enqueue(s, kind, owner_id=owner, **kw)
    return job.id


def parse_sse(raw: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in raw.split("\n\n"):
        name, data = None, None
        for line in block.splitlines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
        if name is not None and data is not None:
            events.append((name, data))
    return events


@pytest.mark.usefixtures("job_runner")
async def test_get_and_owner_scoping(
    client: httpx.AsyncClient, state: AppState, fast_jobs: JobConfig
) -> None:
    token_a, user_a = await register(client)
    token_b, _ = await register(client)
    job_id = await _enqueue(state, user_a, "tests.noop", value=3)
    await wait_for(state.db, job_id)

    r = await client.get(f"/api/v1/jobs/{job_id}", headers=auth(token_a))
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == str(job_id)
    assert body["status"] == "succeeded"
    assert body["result"] == {"value": 3}
    assert body["progress"] == 1.0

    for method, path in [
        ("GET", f"/api/v1/jobs/{job_id}"),
        ("POST", f"/api/v1/jobs/{job_id}/cancel"),
        ("GET", f"/api/v1/jobs/{job_id}/events"),
        ("GET", f"/api/v1/jobs/{uuid.uuid4()}"),
    ]:
        r = await client.request(method, path, headers=auth(token_b))
        assert r.status_code == 404, (method, path, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["code"] == "job_not_found"

    r = await client.get("/api/v1/jobs", headers=auth(token_b))
    assert r.json() == {"items": [], "next_cursor": None}
    r = await client.get(f"/api/v1/jobs/{job_id}")
    assert r.status_code == 401


@pytest.mark.usefixtures("job_runner")
async def test_list_paginates_newest_first(
    client: httpx.AsyncClient, state: AppState, fast_jobs: JobConfig
) -> None:
    token, user = await register(client)
    _, other = await register(client)
    ids = [await _enqueue(state, user, "tests.noop", value=i) for i in range(5)]
    await _enqueue(state, other, "tests.noop")
    for job_id in ids:
        await wait_for(state.db, job_id)

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        r = await client.get("/api/v1/jobs", params=params, headers=auth(token))
        assert r.status_code == 200, r.text
        page = r.json()
        pages += 1
        assert len(page["items"]) <= 2
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == [str(i) for i in reversed(ids)]

    r = await client.get("/api/v1/jobs?status=succeeded", headers=auth(token))
    assert len(r.json()["items"]) == 5
    r = await client.get("/api/v1/jobs?status=queued", headers=auth(token))
    assert r.json()["items"] == []
    r = await client.get("/api/v1/jobs?status=bogus", headers=auth(token))
    assert r.status_code == 422
    r = await client.get("/api/v1/jobs?cursor=nonsense!", headers=auth(token))
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"


async def test_cancel_endpoint(
    client: httpx.AsyncClient, state: AppState, paused_runner: LocalRunner
) -> None:
    token, user = await register(client)
    queued = await _enqueue(state, user, "tests.noop")
    r = await client.post(f"/api/v1/jobs/{queued}/cancel", headers=auth(token))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled"
    r = await client.post(f"/api/v1/jobs/{queued}/cancel", headers=auth(token))
    assert r.status_code == 409 and r.json()["code"] == "job_finished"

    await paused_runner.start()
    running = await _enqueue(state, user, "tests.gated")
    await wait_for(state.db, running, {JobStatus.running}, pred=lambda j: j.progress >= 0.5)
    r = await client.post(f"/api/v1/jobs/{running}/cancel", headers=auth(token))
    assert r.status_code == 200
    assert r.json()["cancel_requested"] is True
    row = await wait_for(state.db, running)
    assert row.status is JobStatus.cancelled
    assert row.progress == 0.5


@pytest.mark.usefixtures("job_runner")
async def test_events_stream_progress_then_done(
    client: httpx.AsyncClient, state: AppState, fast_jobs: JobConfig
) -> None:
    """Over ASGITransport (which hands the body over once the app is done): the full
    sequence of a job that finishes while we listen."""
    token, user = await register(client)
    job_id = await _enqueue(state, user, "platform.selftest", steps=4, delay=0.05)
    async with client.stream(
        "GET", f"/api/v1/jobs/{job_id}/events", headers=auth(token), timeout=30
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["cache-control"].startswith("no-cache")
        raw = (await r.aread()).decode()
    events = parse_sse(raw)
    names = [n for n, _ in events]
    assert names[0] == "state"
    assert names[-1] == "done"
    assert "progress" in names
    assert events[-1][1]["status"] == "succeeded"
    assert events[-1][1]["result"]["steps"] == 4


@pytest.mark.usefixtures("job_runner")
async def test_events_for_finished_job(
    client: httpx.AsyncClient, state: AppState, fast_jobs: JobConfig
) -> None:
    token, user = await register(client)
    job_id = await _enqueue(state, user, "platform.selftest", steps=1, delay=0, fail_times=9)
    await wait_for(state.db, job_id)
    r = await client.get(f"/api/v1/jobs/{job_id}/events", headers=auth(token))
    events = parse_sse(r.text)
    assert [n for n, _ in events] == ["state", "failed"]
    assert events[1][1]["error"].startswith("RuntimeError")


async def test_sse_generator_keepalive_rechecks_database(
    client: httpx.AsyncClient, state: AppState, paused_runner: LocalRunner
) -> None:
    """Changes the pub/sub never delivered (a sibling process ran the job) are read from the
    row: progress, then the final event ends the stream; a stranger's stream yields nothing."""
    from sqlalchemy import update

    from tonearm.kit.events import MemoryPubSub
    from tonearm.models.jobs import Job

    _, user = await register(client)
    job_id = await _enqueue(state, user, "tests.noop")
    silent = MemoryPubSub()  # nobody publishes here
    assert [c async for c in sse.job_events(state.db, silent, job_id, uuid.uuid4())] == []

    gen = sse.job_events(state.db, silent, job_id, user, keepalive=0.2, recheck=0.02)
    first = parse_sse((await anext(gen)).decode())
    assert first[0][0] == "state" and first[0][1]["status"] == "queued"
    assert (await anext(gen)).startswith(b"retry:")
    assert await anext(gen) == b": keep-alive\n\n"  # nothing changed for `keepalive`
    async with state.db.session() as s:
        await s.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=JobStatus.running, progress=0.3, message="re-read")
        )
    changed = parse_sse((await anext(gen)).decode())
    assert changed[0][0] == "progress"
    assert (changed[0][1]["progress"], changed[0][1]["message"]) == (0.3, "re-read")
    async with state.db.session() as s:
        await s.execute(
            update(Job).where(Job.id == job_id).values(status=JobStatus.succeeded, progress=1.0)
        )
    rest = b"".join([c async for c in gen]).decode()
    assert [n for n, _ in parse_sse(rest)] == ["done"]


@pytest.fixture
async def server(app: Any) -> AsyncIterator[str]:
    """The same app served by a real uvicorn on a free port (lifespan already running)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_config=None)
    srv = uvicorn.Server(config)
    task = asyncio.create_task(srv.serve())
    for _ in range(200):
        if srv.started:
            break
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        await asyncio.wait_for(task, 10)


@pytest.mark.usefixtures("job_runner")
async def test_events_stream_live_over_http(
    server: str, client: httpx.AsyncClient, state: AppState, fast_jobs: JobConfig
) -> None:
    """Through a real server: the first events arrive while the job is still running."""
    token, user = await register(client)
    job_id = await _enqueue(state, user, "tests.gated")
    await wait_for(state.db, job_id, {JobStatus.running}, pred=lambda j: j.progress >= 0.5)
    received: list[tuple[str, dict[str, Any]]] = []
    async with (
        httpx.AsyncClient(base_url=server, timeout=20) as http,
        http.stream("GET", f"/api/v1/jobs/{job_id}/events", headers=auth(token)) as r,
    ):
        assert r.status_code == 200
        buffer = ""
        async for chunk in r.aiter_text():
            buffer += chunk
            while "\n\n" in buffer:
                block, buffer = buffer.split("\n\n", 1)
                received += parse_sse(block + "\n\n")
                if received and received[-1][0] == "state":
                    assert received[-1][1]["status"] == "running"
                    assert received[-1][1]["progress"] == 0.5
                    gate(job_id).set()  # only now may the job finish
    names = [n for n, _ in received]
    assert names[0] == "state"
    assert names[-1] == "done"
    assert ("progress", 0.9) in [(n, d.get("progress")) for n, d in received]


@pytest.mark.usefixtures("job_runner")
async def test_disconnect_releases_the_subscription(
    server: str, client: httpx.AsyncClient, state: AppState, fast_jobs: JobConfig
) -> None:
    token, user = await register(client)
    job_id = await _enqueue(state, user, "tests.gated")
    await wait_for(state.db, job_id, {JobStatus.running})
    hub = state.get(JobRuntime).pubsub
    channel = f"job:{job_id}"
    async with (
        httpx.AsyncClient(base_url=server, timeout=20) as http,
        http.stream("GET", f"/api/v1/jobs/{job_id}/events", headers=auth(token)) as r,
    ):
        async for chunk in r.aiter_text():
            if "event: state" in chunk:
                break
        assert channel in hub.subs
    for _ in range(250):
        if channel not in hub.subs:
            break
        await asyncio.sleep(0.02)
    assert channel not in hub.subs
    gate(job_id).set()
    await wait_for(state.db, job_id)


@pytest.mark.usefixtures("job_runner")
async def test_events_accept_access_token_in_query_for_eventsource(
    client: httpx.AsyncClient, state: AppState, fast_jobs: JobConfig
) -> None:
    token, user = await register(client)
    job_id = await _enqueue(state, user, "platform.selftest", steps=1, delay=0)
    await wait_for(state.db, job_id)
    r = await client.get(f"/api/v1/jobs/{job_id}/events", params={"access_token": token})
    assert r.status_code == 200
    assert [n for n, _ in parse_sse(r.text)] == ["state", "done"]
    bad = await client.get(f"/api/v1/jobs/{job_id}/events", params={"access_token": "x.y.z"})
    assert bad.status_code == 401
    other, _ = await register(client)
    foreign = await client.get(f"/api/v1/jobs/{job_id}/events", params={"access_token": other})
    assert foreign.status_code == 404
    # Only the events stream takes a token in the URL.
    assert (
        await client.get(f"/api/v1/jobs/{job_id}", params={"access_token": token})
    ).status_code == 401


async def _read_events(
    blocks: AsyncIterator[str], until: Any, received: list[tuple[str, dict[str, Any]]]
) -> None:
    async for block in blocks:
        received += parse_sse(block + "\n\n")
        if until(received):
            return


async def _sse_blocks(r: httpx.Response) -> AsyncIterator[str]:
    buffer = ""
    async for chunk in r.aiter_text():
        buffer += chunk
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            yield block


@pytest.mark.usefixtures("job_runner")
async def test_one_stream_follows_all_of_the_callers_jobs(
    server: str, client: httpx.AsyncClient, state: AppState, fast_jobs: JobConfig
) -> None:
    """GET /jobs/events: a named finished job and the unfinished ones first, then the events
    of every job of the caller, one enqueued after the stream opened included; another
    user's jobs never appear."""
    token, user = await register(client)
    _, stranger = await register(client)
    done_id = await _enqueue(state, user, "tests.noop", value=1)
    await wait_for(state.db, done_id)
    running_id = await _enqueue(state, user, "tests.gated")
    await wait_for(state.db, running_id, {JobStatus.running})
    foreign_id = await _enqueue(state, stranger, "tests.noop", value=2)
    received: list[tuple[str, dict[str, Any]]] = []
    async with (
        httpx.AsyncClient(base_url=server, timeout=20) as http,
        http.stream(
            "GET", "/api/v1/jobs/events", params={"job_id": str(done_id)}, headers=auth(token)
        ) as r,
    ):
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        blocks = _sse_blocks(r)
        await _read_events(blocks, lambda ev: len(ev) >= 2, received)
        first = {d["id"]: (n, d["status"]) for n, d in received[:2]}
        assert first == {
            str(done_id): ("state", "succeeded"),
            str(running_id): ("state", "running"),
        }
        later_id = await _enqueue(state, user, "tests.noop", value=3)
        gate(running_id).set()

        def both_done(ev: list[tuple[str, dict[str, Any]]]) -> bool:
            ended = {d["id"] for n, d in ev if n == "done"}
            return {str(running_id), str(later_id)} <= ended

        await _read_events(blocks, both_done, received)
    ids = {d["id"] for _, d in received}
    assert str(foreign_id) not in ids
    async with httpx.AsyncClient(base_url=server, timeout=20) as http:
        assert (await http.get("/api/v1/jobs/events")).status_code == 401
        bad = await http.get("/api/v1/jobs/events", params={"job_id": "x"}, headers=auth(token))
        assert bad.status_code == 422
    later = [d for n, d in received if d["id"] == str(later_id) and n == "done"]
    assert later[0]["result"] == {"value": 3}


async def test_owner_stream_rechecks_jobs_it_saw_unfinished(
    client: httpx.AsyncClient, state: AppState, paused_runner: LocalRunner
) -> None:
    """With a pub/sub that delivers nothing (the job ran in a sibling process), the stream
    re-reads the jobs it last saw unfinished and sends what changed; it stays open."""
    from sqlalchemy import update

    from tonearm.kit.events import MemoryPubSub
    from tonearm.models.jobs import Job

    _, user = await register(client)
    job_id = await _enqueue(state, user, "tests.noop")
    gen = sse.owner_events(state.db, MemoryPubSub(), user, [], keepalive=0.2, recheck=0.02)
    first = parse_sse((await anext(gen)).decode())
    assert first[0][0] == "state" and first[0][1]["status"] == "queued"
    assert (await anext(gen)).startswith(b"retry:")
    assert await anext(gen) == b": keep-alive\n\n"
    async with state.db.session() as s:
        await s.execute(
            update(Job).where(Job.id == job_id).values(status=JobStatus.succeeded, progress=1.0)
        )
    done = parse_sse((await anext(gen)).decode())
    assert [(n, d["id"]) for n, d in done] == [("done", str(job_id))]
    assert await anext(gen) == b": keep-alive\n\n"  # still open, nothing left to re-read
    await gen.aclose()

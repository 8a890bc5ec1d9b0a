"""The admin area's jobs: every user's, filtered by kind, state and owner; retry; cancel."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.jobs.conftest import wait_for
from tests.jobs.factories import auth, register
from tests.jobs.handlers import gate
from tonearm.jobs.context import JobConfig
from tonearm.jobs.service import enqueue
from tonearm.models.jobs import JobStatus
from tonearm.platform.state import AppState


async def _enqueue(state: AppState, owner: uuid.UUID | None, kind: str, **kw: object) -> uuid.UUID:
    async with state.db.session() as s:
        job = await enqueue(s, kind, owner_id=owner, **kw)
    return job.id


@pytest.mark.usefixtures("job_runner")
async def test_admin_lists_filters_retries_and_cancels_every_users_jobs(
    client: httpx.AsyncClient, state: AppState, fast_jobs: JobConfig
) -> None:
    admin_token, admin_id = await register(client)  # the first user: admin
    user_token, user_id = await register(client)
    failed = await _enqueue(state, user_id, "platform.selftest", steps=1, delay=0, fail_times=9)
    await wait_for(state.db, failed)
    done = await _enqueue(state, admin_id, "tests.noop", value=1)
    await wait_for(state.db, done)
    running = await _enqueue(state, user_id, "tests.gated")
    await wait_for(state.db, running, {JobStatus.running})

    r = await client.get("/api/v1/admin/jobs", headers=auth(admin_token))
    assert r.status_code == 200
    ids = {j["id"]: j for j in r.json()["items"]}
    assert {str(failed), str(done), str(running)} <= set(ids)
    assert ids[str(failed)]["owner_id"] == str(user_id)
    r = await client.get(
        "/api/v1/admin/jobs", headers=auth(admin_token), params={"status": "failed"}
    )
    assert [j["id"] for j in r.json()["items"]] == [str(failed)]
    r = await client.get(
        "/api/v1/admin/jobs", headers=auth(admin_token), params={"kind": "tests.noop"}
    )
    assert [j["id"] for j in r.json()["items"]] == [str(done)]
    r = await client.get(
        "/api/v1/admin/jobs", headers=auth(admin_token), params={"owner_id": str(user_id)}
    )
    assert {j["id"] for j in r.json()["items"]} == {str(failed), str(running)}
    counts = (await client.get("/api/v1/admin/jobs/counts", headers=auth(admin_token))).json()
    assert {"kind": "platform.selftest", "status": "failed", "count": 1} in counts["items"]

    # Retry: the failed job runs again from its first attempt (and fails again, 9 times).
    r = await client.post(f"/api/v1/admin/jobs/{failed}/retry", headers=auth(admin_token))
    assert r.status_code == 200 and r.json()["status"] == "queued" and r.json()["attempts"] == 0
    row = await wait_for(state.db, failed)
    assert row.status is JobStatus.failed and row.attempts >= 1
    r = await client.post(f"/api/v1/admin/jobs/{done}/retry", headers=auth(admin_token))
    assert (r.status_code, r.json()["code"]) == (409, "job_not_retryable")

    # Cancel another user's running job.
    r = await client.post(f"/api/v1/admin/jobs/{running}/cancel", headers=auth(admin_token))
    assert r.status_code == 200 and r.json()["cancel_requested"] is True
    row = await wait_for(state.db, running)
    assert row.status is JobStatus.cancelled
    gate(running).set()

    # Only admins; a user's own routes still see only their own jobs.
    for path in ("/api/v1/admin/jobs", "/api/v1/admin/jobs/counts"):
        assert (await client.get(path, headers=auth(user_token))).status_code == 403
    r = await client.post(f"/api/v1/admin/jobs/{done}/retry", headers=auth(user_token))
    assert r.status_code == 403
    r = await client.post(f"/api/v1/admin/jobs/{uuid.uuid4()}/retry", headers=auth(admin_token))
    assert (r.status_code, r.json()["code"]) == (404, "job_not_found")


async def test_server_info_for_admins(client: httpx.AsyncClient, state: AppState) -> None:
    admin_token, _ = await register(client)
    user_token, _ = await register(client)
    r = await client.get("/api/v1/admin/server", headers=auth(admin_token))
    assert r.status_code == 200, r.text
    info = r.json()
    assert info["database"]["dialect"] in ("sqlite", "postgresql")
    assert info["database"]["size_bytes"] > 0
    assert info["disk"]["total"] > info["disk"]["free"] >= 0
    assert info["sections"]["accounts"]["users"] == 2
    assert info["sections"]["accounts"]["admins"] == 1
    assert {"queued", "running", "failed", "runner"} <= set(info["sections"]["jobs"])
    assert info["sections"]["library"]["tracks"] == 0
    assert info["storage"]["backend"] in ("local", "s3")
    assert (await client.get("/api/v1/admin/server", headers=auth(user_token))).status_code == 403
    assert (await client.get("/api/v1/admin/server")).status_code == 401

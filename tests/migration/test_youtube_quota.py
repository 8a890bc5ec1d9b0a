"""A transfer to YouTube within its daily quota: the estimate is shown first, the run parks
when the day's searches are spent (a job queued for after the reset), and resumes the next
day without asking YouTube again what it already answered."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import delete, select

from tests.fakes.youtube import FakeYoutube
from tests.migration.conftest import Env
from tests.services import connect, wired
from tonearm.connections import TokenKeeper
from tonearm.migration.flows import MigrationFlow
from tonearm.models.connections import ServiceQuota
from tonearm.models.jobs import Job
from tonearm.platform.state import AppState
from tonearm.providers.youtube.quota import next_reset


@pytest.fixture
async def youtube(
    env: Env, state: AppState, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[FakeYoutube]:
    fake = FakeYoutube(env.songs.spotify, search_daily_quota=3)  # YouTube has Spotify's songs
    async with wired(
        state,
        monkeypatch,
        google=(
            fake,
            {"auth_url": "/o/oauth2/v2/auth", "token_url": ""},
            {"client_id": fake.client_id, "client_secret": SecretStr(fake.client_secret)},
        ),
    ) as servers:
        section = state.settings.youtube.model_copy(
            update={"api_url": servers["google"].url + "/youtube/v3", "search_daily_quota": 3}
        )
        monkeypatch.setattr(state.settings, "youtube", section)
        assert await connect(env.client, env.h, "youtube") == "/migrate?connected=youtube"
        yield fake


async def test_the_estimate_comes_first_then_the_run_waits_for_the_reset(
    env: Env, youtube: FakeYoutube, state: AppState
) -> None:
    keys = [*env.songs.by_isrc[:5]]
    pid = env.spotify.add_playlist(env.spotify_user, "For YouTube", keys)
    body: dict[str, Any] = {
        "source": {"kind": "service", "service": "spotify"},
        "target": {"kind": "service", "service": "youtube"},
        "playlists": [pid],
    }
    m = await env.migrate(body, status="review")
    assert m["estimate"]["days"] >= 2 and m["estimate"]["limited_by"] == "search"
    assert m["counts"]["looked_up"] == 0 and youtube.calls["GET search"] == 0

    r = await env.client.post(f"/api/v1/migrations/{m['id']}/apply", headers=env.h)
    m = await env.settle(r.json(), "waiting")
    assert youtube.calls["GET search"] == 3  # the day's searches, then it stopped asking
    resume = datetime.fromisoformat(m["resume_at"])
    assert abs((resume - next_reset(datetime.now(resume.tzinfo))).total_seconds()) < 5
    async with state.db.session() as s:
        later = await s.get(Job, uuid.UUID(m["job_id"]))
        assert later is not None and later.status.value == "queued"
        assert later.run_after >= resume.replace(microsecond=0)

    # The next day: the quota is back (here: the counts are cleared), the job resumes.
    async with state.db.session() as s:
        await s.execute(delete(ServiceQuota))
    youtube.quota_used.clear()
    flow = MigrationFlow(state.db.session, state.settings, state.storage, state.get(TokenKeeper))
    outcome = await flow.run(uuid.UUID(m["id"]))
    assert youtube.calls["GET search"] == 5  # 3 yesterday, the 2 left today, none twice
    if outcome.status == "review":  # a video title the engine is not sure of: the user picks
        for row in await env.tracks(m["id"], bucket="undecided"):
            choice = {"choice": row["candidates"][0]["id"]}
            path = f"/api/v1/migrations/{m['id']}/tracks/{row['id']}"
            assert (await env.client.patch(path, headers=env.h, json=choice)).status_code == 200
        r = await env.client.post(f"/api/v1/migrations/{m['id']}/apply", headers=env.h)
        outcome_status = (await env.settle(r.json()))["status"]
    else:
        outcome_status = outcome.status
    assert outcome_status == "done", outcome
    assert youtube.calls["GET search"] == 5
    (target,) = youtube.playlists.values()
    assert len(youtube.video_ids(target)) == 5
    async with state.db.session() as s:
        assert (await s.scalars(select(ServiceQuota))).all()  # counted in the database

"""Embedded vs scale-out: the same upload -> process -> stream flow on S3 storage (a real
S3-compatible server, moto's server mode), where segments are served by presigned URLs."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.conftest import client_for, make_settings, running
from tests.kit.test_storage import BUCKET, moto_endpoint  # noqa: F401  (fixture)
from tests.library.factories import upload, wait_job
from tonearm.app import create_app
from tonearm.config import S3Settings
from tonearm.platform.migrate import upgrade_async

pytestmark = pytest.mark.s3


async def test_hls_segments_through_presigned_urls(
    moto_endpoint: str,  # noqa: F811
    tmp_path: Path,
    tagged_mp3: Path,
) -> None:
    # Its own database, so the session app's job runner never picks up these jobs.
    db_url = f"sqlite+aiosqlite:///{tmp_path / 's3.db'}"
    await upgrade_async(db_url)
    settings = make_settings(
        tmp_path,
        db_url,
        redis_url=None,
        s3=S3Settings(
            bucket=BUCKET,
            endpoint_url=moto_endpoint,
            access_key_id="testing",
            secret_access_key="testing",
            prefix=f"stream-{uuid.uuid4().hex}/",
        ),
    )
    application = create_app(settings)
    async with running(application, jobs=True), client_for(application) as c:
        h = bearer(await register(c))
        item = (await upload(c, h, tagged_mp3)).json()["items"][0]
        job = await wait_job(c, h, item["job_id"])
        assert job["status"] == "succeeded", job
        assert not (tmp_path / "media").exists()  # nothing went to local disk
        tid = item["track"]["id"]
        url = (await c.post(f"/api/v1/tracks/{tid}/stream", headers=h)).json()["hls_url"]
        base = url.rsplit("/", 1)[0]
        master = await c.get(url)
        assert master.status_code == 200 and "a128/index.m3u8" in master.text
        media = await c.get(f"{base}/a128/index.m3u8")
        assert media.status_code == 200
        segs = [ln for ln in media.text.splitlines() if ln and not ln.startswith("#")]
        assert segs and all(s.startswith(moto_endpoint) for s in segs)
        assert all("X-Amz-Signature=" in s for s in segs)
        async with httpx.AsyncClient() as direct:
            seg = await direct.get(segs[0])
            assert seg.status_code == 200 and len(seg.content) > 1000
            # (moto does not check signatures, so tampering is not tested against it)
        redirect = await c.get(f"{base}/a128/seg_00001.ts")
        assert redirect.status_code == 302
        assert redirect.headers["location"].startswith(moto_endpoint)
        # Range on the original works the same on S3.
        part = await c.get(f"/api/v1/tracks/{tid}/audio", headers={**h, "Range": "bytes=0-99"})
        assert part.status_code == 206 and len(part.content) == 100
        art = (await c.get(f"/api/v1/library/tracks/{tid}", headers=h)).json()["artwork"]
        async with httpx.AsyncClient() as direct:
            assert (await direct.get(art["small"])).status_code == 200

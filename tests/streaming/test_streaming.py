from __future__ import annotations

import asyncio
import io
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import av
import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.library.factories import upload, wait_job
from tonearm.streaming import tokens
from tonearm.streaming.live import TranscodeSlots


async def _ready_track(
    client: httpx.AsyncClient, path: Path
) -> tuple[dict[str, str], dict[str, Any]]:
    """Upload and wait for processing (HLS, waveform): the test needs the job_runner."""
    h = bearer(await register(client))
    item = (await upload(client, h, path)).json()["items"][0]
    job = await wait_job(client, h, item["job_id"])
    assert job["status"] == "succeeded", job
    return h, item["track"]


def _decoded_seconds(data: bytes) -> float:
    with av.open(io.BytesIO(data)) as c:
        samples = 0
        rate = 0
        for frame in c.decode(audio=0):
            samples += frame.samples
            rate = frame.sample_rate
    return samples / rate


@pytest.mark.usefixtures("job_runner")
async def test_hls_with_signed_token(client: httpx.AsyncClient, tagged_mp3: Path) -> None:
    h, track = await _ready_track(client, tagged_mp3)
    grant = await client.post(f"/api/v1/tracks/{track['id']}/stream", headers=h)
    assert grant.status_code == 200, grant.text
    url = grant.json()["hls_url"]
    assert url.startswith("/api/v1/stream/") and url.endswith("/master.m3u8")
    assert url.split("/")[4] == grant.json()["token"]
    progressive = await client.get(grant.json()["audio_url"] + "&format=original")
    assert progressive.status_code == 200  # the token alone opens the audio
    master = await client.get(url)  # no bearer: the token in the path is the credential
    assert master.status_code == 200
    assert master.headers["content-type"].startswith("application/vnd.apple.mpegurl")
    body = master.text
    for rung in ("a64/index.m3u8", "a128/index.m3u8", "a256/index.m3u8"):
        assert rung in body
    assert 'CODECS="mp4a.40.2"' in body
    base = url.rsplit("/", 1)[0]
    media = await client.get(f"{base}/a128/index.m3u8")
    assert media.status_code == 200
    segments = [ln for ln in media.text.splitlines() if ln and not ln.startswith("#")]
    assert segments and "#EXT-X-ENDLIST" in media.text
    seg = await client.get(f"{base}/a128/{segments[0]}")
    assert seg.status_code == 200 and len(seg.content) > 1000
    total = 0.0
    for name in segments:
        total += _decoded_seconds((await client.get(f"{base}/a128/{name}")).content)
    assert abs(total - track["duration"]) < 0.5


@pytest.mark.usefixtures("job_runner")
async def test_hls_token_tampering_expiry_and_paths(
    client: httpx.AsyncClient, tagged_mp3: Path, state: Any
) -> None:
    h, track = await _ready_track(client, tagged_mp3)
    url = (await client.post(f"/api/v1/tracks/{track['id']}/stream", headers=h)).json()["hls_url"]
    token = url.split("/")[4]
    tampered = token[:-3] + ("aaa" if token[-3:] != "aaa" else "bbb")
    r = await client.get(f"/api/v1/stream/{tampered}/master.m3u8")
    assert r.status_code == 401 and r.json()["code"] == "stream_token_invalid"
    me = (await client.get("/api/v1/me", headers=h)).json()
    import uuid

    expired, _ = tokens.issue(
        state.signer,
        uuid.UUID(me["id"]),
        uuid.UUID(track["id"]),
        timedelta(seconds=-1),
        session_id=uuid.uuid4(),
    )
    r = await client.get(f"/api/v1/stream/{expired}/master.m3u8")
    assert r.status_code == 401 and r.json()["code"] == "stream_token_expired"
    # An access token is not a stream token.
    r = await client.get(f"/api/v1/stream/{h['Authorization'][7:]}/master.m3u8")
    assert r.status_code == 401
    for bad in ("../../secret.key", "a64/../../x", "a64/seg_1.exe", "nope.m3u8"):
        r = await client.get(f"/api/v1/stream/{token}/{bad}")
        assert r.status_code == 404, bad
    r = await client.get(f"/api/v1/stream/{token}/a64/seg_99999.ts")
    assert r.status_code == 404


@pytest.mark.usefixtures("job_runner")
async def test_other_users_private_track_is_404(
    client: httpx.AsyncClient, tagged_mp3: Path
) -> None:
    _, track = await _ready_track(client, tagged_mp3)
    other = bearer(await register(client))
    for method, url in (
        ("post", f"/api/v1/tracks/{track['id']}/stream"),
        ("get", f"/api/v1/tracks/{track['id']}/audio"),
        ("get", f"/api/v1/tracks/{track['id']}/waveform"),
    ):
        r = await getattr(client, method)(url, headers=other)
        assert r.status_code == 404, (url, r.text)
        assert r.json()["code"] == "track_not_found"


@pytest.mark.usefixtures("job_runner")
async def test_original_with_ranges(client: httpx.AsyncClient, tagged_mp3: Path) -> None:
    h, track = await _ready_track(client, tagged_mp3)
    url = f"/api/v1/tracks/{track['id']}/audio"
    size = tagged_mp3.stat().st_size
    whole = await client.get(url, headers=h)
    assert whole.status_code == 200 and whole.content == tagged_mp3.read_bytes()
    assert whole.headers["accept-ranges"] == "bytes"
    cases = {
        "bytes=0-99": (0, 99),
        "bytes=100-": (100, size - 1),
        "bytes=-50": (size - 50, size - 1),
        f"bytes=10-{size + 500}": (10, size - 1),
    }
    data = tagged_mp3.read_bytes()
    for header, (start, end) in cases.items():
        r = await client.get(url, headers={**h, "Range": header})
        assert r.status_code == 206, header
        assert r.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert r.content == data[start : end + 1]
    for header in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}"):
        r = await client.get(url, headers={**h, "Range": header})
        assert r.status_code == 416, header
        assert r.headers["content-range"] == f"bytes */{size}"
    ignored = await client.get(url, headers={**h, "Range": "items=0-1"})
    assert ignored.status_code == 200


@pytest.mark.usefixtures("job_runner")
async def test_transcode_then_cache_with_ranges(
    client: httpx.AsyncClient, tagged_mp3: Path, state: Any
) -> None:
    h, track = await _ready_track(client, tagged_mp3)
    url = f"/api/v1/tracks/{track['id']}/audio?format=opus&bitrate=96"
    live = await client.get(url, headers=h)
    assert live.status_code == 200
    assert live.headers["content-type"].startswith("audio/ogg")
    assert abs(_decoded_seconds(live.content) - track["duration"]) < 0.3
    cached = await client.get(url, headers=h)
    assert cached.status_code == 200
    assert cached.headers["accept-ranges"] == "bytes"
    assert int(cached.headers["content-length"]) == len(cached.content)
    part = await client.get(url, headers={**h, "Range": "bytes=0-9"})
    assert part.status_code == 206 and len(part.content) == 10
    # The stream token works in a query string too (for <audio src>).
    token = (
        (await client.post(f"/api/v1/tracks/{track['id']}/stream", headers=h))
        .json()["hls_url"]
        .split("/")[4]
    )
    via_token = await client.get(f"{url}&token={token}")
    assert via_token.status_code == 200


@pytest.mark.usefixtures("job_runner")
async def test_transcode_cache_is_capped(
    client: httpx.AsyncClient, tagged_mp3: Path, state: Any
) -> None:
    from sqlalchemy import select

    from tonearm.models.streaming import TranscodeCacheEntry

    h, track = await _ready_track(client, tagged_mp3)
    old = state.settings.transcode_cache_bytes
    state.settings.transcode_cache_bytes = 150_000
    try:
        for br in (64, 96, 128):
            r = await client.get(
                f"/api/v1/tracks/{track['id']}/audio?format=mp3&bitrate={br}", headers=h
            )
            assert r.status_code == 200
    finally:
        state.settings.transcode_cache_bytes = old
    async with state.db.session() as s:
        rows = (await s.scalars(select(TranscodeCacheEntry))).all()
    assert sum(r.size for r in rows) <= 150_000
    assert 1 <= len(rows) < 3
    assert rows[-1].bitrate == 128 or any(r.bitrate == 128 for r in rows)


@pytest.mark.usefixtures("job_runner")
async def test_live_transcodes_are_capped(
    client: httpx.AsyncClient, tagged_mp3: Path, state: Any
) -> None:
    h, track = await _ready_track(client, tagged_mp3)
    slots = state.get(TranscodeSlots)
    old = slots.per_user
    slots.per_user = 0
    try:
        r = await client.get(f"/api/v1/tracks/{track['id']}/audio?format=aac", headers=h)
    finally:
        slots.per_user = old
    assert r.status_code == 429
    assert r.json()["code"] == "transcode_busy"
    assert r.headers["retry-after"]
    assert slots.active == 0


async def test_client_going_away_stops_the_transcode(tagged_mp3: Path, tmp_path: Path) -> None:
    import contextlib
    import uuid

    from tonearm.streaming.live import TranscodeSlots, live_transcode

    completed: list[Path] = []

    @contextlib.asynccontextmanager
    async def source():  # type: ignore[no-untyped-def]
        yield tagged_mp3

    async def on_complete(path: Path) -> None:
        completed.append(path)

    slots = TranscodeSlots(2, 2)
    gen = live_transcode(
        source(),
        "mp3",
        128,
        slots=slots,
        user=uuid.uuid4(),
        on_complete=on_complete,
        tmp_dir=tmp_path,
    )
    first = await anext(gen)
    assert first and slots.active == 1
    await gen.aclose()  # what Starlette does when the client disconnects
    await asyncio.sleep(0)
    assert slots.active == 0
    assert completed == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("job_runner")
async def test_waveform(client: httpx.AsyncClient, tagged_mp3: Path) -> None:
    h, track = await _ready_track(client, tagged_mp3)
    r = await client.get(f"/api/v1/tracks/{track['id']}/waveform", headers=h)
    assert r.status_code == 200
    data = r.json()
    assert data["buckets"] == len(data["peaks"]) == 1000
    assert all(-1 <= lo <= hi <= 1 for lo, hi in data["peaks"])
    assert max(hi for _, hi in data["peaks"]) > 0.05


@pytest.mark.parametrize("fmt", ["mp3", "aac", "flac"])
@pytest.mark.usefixtures("job_runner")
async def test_each_progressive_format_decodes(
    client: httpx.AsyncClient, tagged_mp3: Path, fmt: str
) -> None:
    h, track = await _ready_track(client, tagged_mp3)
    r = await client.get(f"/api/v1/tracks/{track['id']}/audio?format={fmt}", headers=h)
    assert r.status_code == 200
    assert abs(_decoded_seconds(r.content) - track["duration"]) < 0.3


@pytest.mark.usefixtures("job_runner")
async def test_a_track_without_hls_plays_progressively_until_packaged(
    client: httpx.AsyncClient, tagged_mp3: Path, state: Any
) -> None:
    """Before its HLS job has run (or for a scan without processing) a track still plays:
    the grant has no HLS URL and the token serves the original, ranges and all. A missing or
    failed track does not play."""
    from sqlalchemy import update

    from tonearm.models.library import Track, TrackStatus

    h, track = await _ready_track(client, tagged_mp3)
    tid = track["id"]
    async with state.db.session() as s:
        await s.execute(
            update(Track)
            .where(Track.id == uuid.UUID(tid))
            .values(hls_key=None, waveform_key=None, status=TrackStatus.processing)
        )
    listed = (await client.get(f"/api/v1/library/tracks/{tid}", headers=h)).json()
    assert (listed["streamable"], listed["hls"], listed["status"]) == (True, False, "processing")
    grant = (await client.post(f"/api/v1/tracks/{tid}/stream", headers=h)).json()
    assert grant["hls_url"] is None
    audio = await client.get(
        f"{grant['audio_url']}&format=original", headers={"Range": "bytes=0-9"}
    )
    assert audio.status_code == 206 and audio.content == tagged_mp3.read_bytes()[:10]
    assert (await client.get(f"/api/v1/stream/{grant['token']}/master.m3u8")).status_code == 404
    waveform = await client.get(f"/api/v1/tracks/{tid}/waveform", headers=h)
    assert waveform.status_code == 409 and waveform.json()["code"] == "waveform_not_ready"

    for status in (TrackStatus.failed, TrackStatus.missing):
        async with state.db.session() as s:
            await s.execute(update(Track).where(Track.id == uuid.UUID(tid)).values(status=status))
        refused = await client.post(f"/api/v1/tracks/{tid}/stream", headers=h)
        assert refused.status_code == 409 and refused.json()["code"] == "not_streamable"
        shown = (await client.get(f"/api/v1/library/tracks/{tid}", headers=h)).json()
        assert shown["streamable"] is False


@pytest.mark.usefixtures("job_runner")
async def test_the_same_transcode_finishing_twice_at_once_is_one_cache_entry(
    client: httpx.AsyncClient, tagged_mp3: Path, state: Any, tmp_path: Path
) -> None:
    """Two requests that transcode the same track and format at once both keep their result:
    the second finds the first's row (it used to fail on the unique key, after the response)."""
    from sqlalchemy import select

    from tonearm.models.streaming import TranscodeCacheEntry
    from tonearm.streaming.cache import store_in_cache

    _, track = await _ready_track(client, tagged_mp3)
    track_id = uuid.UUID(track["id"])
    out = tmp_path / "t.mp3"
    out.write_bytes(tagged_mp3.read_bytes())
    await asyncio.gather(
        *(
            store_in_cache(state.db, state.storage, track_id, "mp3", 128, out, 10**9)
            for _ in range(4)
        )
    )
    async with state.db.session() as s:
        rows = (await s.scalars(select(TranscodeCacheEntry))).all()
    assert [(r.track_id, r.format, r.bitrate) for r in rows] == [(track_id, "mp3", 128)]
    assert rows[0].size == out.stat().st_size

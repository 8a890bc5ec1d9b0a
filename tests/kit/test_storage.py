from __future__ import annotations

import hashlib
import os
import random
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tonearm.config import S3Settings, Settings
from tonearm.kit.errors import install_error_handlers
from tonearm.kit.storage import (
    PART_SIZE,
    InvalidKey,
    LocalStorage,
    RangeNotSatisfiable,
    S3Storage,
    Storage,
    StorageNotFound,
    TooLarge,
    local_copy,
    parse_range,
    sign_local_url,
    verify_local_signature,
)
from tonearm.kit.storage.base import READ_BATCH
from tonearm.kit.storage.s3 import make_client
from tonearm.kit.storage.signing import InvalidSignature, UrlExpired
from tonearm.platform.files import router
from tonearm.platform.storage import storage_from_settings

BUCKET = "tonearm-test"
SECRET = "test-secret-key"
MiB = 1024 * 1024


def s3_client(endpoint: str) -> Any:
    return make_client(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="testing",
        secret_access_key="testing",
    )


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real S3-compatible HTTP server (moto's server mode) on a free local port."""
    try:
        from moto.server import ThreadedMotoServer

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        s3_client(url).create_bucket(Bucket=BUCKET)
    except Exception as exc:  # depends on the environment
        pytest.skip(f"moto server could not start: {exc!r}")
    yield url
    server.stop()


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def storage(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Storage:
    if request.param == "local":
        root = tmp_path_factory.mktemp("storage") / "media"
        return LocalStorage(root, secret=SECRET, base_url="http://testserver")
    endpoint = request.getfixturevalue("moto_endpoint")
    # Each test gets its own prefix in the shared bucket.
    return S3Storage(s3_client(endpoint), BUCKET, prefix=f"t-{uuid.uuid4().hex}")


def blob(n: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(n)


async def generated(total: int, chunk: int = MiB, seed: int = 1) -> AsyncIterator[bytes]:
    """A body produced chunk by chunk, never whole in memory."""
    rng = random.Random(seed)
    sent = 0
    while sent < total:
        n = min(chunk, total - sent)
        yield rng.randbytes(n)
        sent += n


def expected_sha(total: int, chunk: int = MiB, seed: int = 1) -> str:
    rng = random.Random(seed)
    h = hashlib.sha256()
    sent = 0
    while sent < total:
        n = min(chunk, total - sent)
        h.update(rng.randbytes(n))
        sent += n
    return h.hexdigest()


async def read_all(storage: Storage, key: str, start: int = 0, end: int | None = None) -> bytes:
    out = bytearray()
    async for chunk in await storage.open(key, start, end):
        assert 0 < len(chunk) <= READ_BATCH  # bounded: never the whole object
        out += chunk
    return bytes(out)


async def keys(storage: Storage, prefix: str = "") -> list[str]:
    return [k async for k in storage.list(prefix)]


async def assert_nothing_left(storage: Storage, key: str) -> None:
    assert not await storage.exists(key)
    assert await keys(storage) == []
    if isinstance(storage, LocalStorage):
        leftovers = [p for p in storage.root.rglob("*") if p.is_file()]
        assert leftovers == []
    else:
        assert isinstance(storage, S3Storage)
        uploads = storage.client.list_multipart_uploads(Bucket=BUCKET, Prefix=storage.prefix)
        assert uploads.get("Uploads", []) == []
        listed = storage.client.list_objects_v2(Bucket=BUCKET, Prefix=storage.prefix)
        assert listed.get("KeyCount") == 0


# --- put / stat / open ---------------------------------------------------------------------


async def test_streamed_multipart_put(storage: Storage) -> None:
    total = 2 * PART_SIZE + 12_345  # three parts on S3
    obj = await storage.put("tracks/big.bin", generated(total), content_type="audio/flac")
    assert obj.size == total
    assert obj.sha256 == expected_sha(total)

    st = await storage.stat("tracks/big.bin")
    assert st is not None
    assert st.size == total
    assert st.content_type == "audio/flac"
    assert st.etag
    if isinstance(storage, S3Storage):
        assert "-3" in st.etag  # S3 multipart ETags end in -<number of parts>
    assert hashlib.sha256(await read_all(storage, "tracks/big.bin")).hexdigest() == obj.sha256


async def test_small_put_and_stat(storage: Storage) -> None:
    data = b"hello tonearm"
    obj = await storage.put("notes/a.txt", data, content_type="text/plain")
    assert obj.size == len(data)
    assert obj.sha256 == hashlib.sha256(data).hexdigest()
    st = await storage.stat("notes/a.txt")
    assert st is not None
    assert (st.size, st.content_type, st.sha256) == (len(data), "text/plain", obj.sha256)
    assert st.modified is not None
    assert await storage.exists("notes/a.txt")
    assert await read_all(storage, "notes/a.txt") == data

    # overwrite replaces the object and its metadata
    await storage.put("notes/a.txt", b"v2")
    assert await read_all(storage, "notes/a.txt") == b"v2"
    st2 = await storage.stat("notes/a.txt")
    assert st2 is not None and st2.size == 2 and st2.etag != st.etag


async def test_empty_object(storage: Storage) -> None:
    obj = await storage.put("empty", b"")
    assert obj.size == 0
    assert obj.sha256 == hashlib.sha256(b"").hexdigest()
    assert await read_all(storage, "empty") == b""


async def test_ranged_reads(storage: Storage) -> None:
    data = blob(200_000)
    await storage.put("r/audio.bin", data)
    size = len(data)
    assert await read_all(storage, "r/audio.bin", 0, 0) == data[:1]  # first byte
    assert await read_all(storage, "r/audio.bin", 1000, 70_000) == data[1000:70_001]  # middle
    start, end = parse_range("bytes=-100", size) or (0, 0)  # suffix
    assert await read_all(storage, "r/audio.bin", start, end) == data[-100:]
    assert await read_all(storage, "r/audio.bin", 150_000) == data[150_000:]  # open end
    assert await read_all(storage, "r/audio.bin", size - 5, size + 100) == data[-5:]  # clamped
    with pytest.raises(RangeNotSatisfiable):
        await storage.open("r/audio.bin", size)


async def test_missing_key(storage: Storage) -> None:
    with pytest.raises(StorageNotFound) as exc:
        await storage.open("nope/missing.flac")
    assert exc.value.code == "object_not_found"
    assert exc.value.status == 404
    assert await storage.stat("nope/missing.flac") is None
    assert not await storage.exists("nope/missing.flac")


# --- delete / list -------------------------------------------------------------------------


async def test_delete_is_idempotent(storage: Storage) -> None:
    await storage.put("d/x", b"1")
    await storage.delete("d/x")
    assert not await storage.exists("d/x")
    await storage.delete("d/x")
    await storage.delete("never/was")
    assert await keys(storage) == []


async def test_list_and_delete_prefix(storage: Storage) -> None:
    for key in ["a/1", "a/2", "a/b/3", "ab/4", "b/5"]:
        await storage.put(key, key.encode())
    assert await keys(storage) == ["a/1", "a/2", "a/b/3", "ab/4", "b/5"]
    assert await keys(storage, "a/") == ["a/1", "a/2", "a/b/3"]
    assert await keys(storage, "a") == ["a/1", "a/2", "a/b/3", "ab/4"]
    assert await keys(storage, "a/b/") == ["a/b/3"]
    assert await keys(storage, "zzz/") == []

    assert await storage.delete_prefix("a/") == 3
    assert await keys(storage) == ["ab/4", "b/5"]
    assert await storage.delete_prefix("a/") == 0
    with pytest.raises(InvalidKey):
        await storage.delete_prefix("")
    assert await keys(storage) == ["ab/4", "b/5"]


# --- limits and failures leave nothing behind ----------------------------------------------


async def test_max_bytes_small_body(storage: Storage) -> None:
    with pytest.raises(TooLarge) as exc:
        await storage.put("big/x", b"x" * 101, max_bytes=100)
    assert exc.value.status == 413
    with pytest.raises(TooLarge):
        await storage.put("big/x", generated(5000, chunk=1000), max_bytes=4500)
    await assert_nothing_left(storage, "big/x")


async def test_max_bytes_after_multipart_started(storage: Storage) -> None:
    # The cap is hit after the first 8 MiB part has gone up: the upload must be aborted.
    with pytest.raises(TooLarge):
        await storage.put("big/y", generated(PART_SIZE + 3 * MiB), max_bytes=PART_SIZE + 2 * MiB)
    await assert_nothing_left(storage, "big/y")


async def test_failing_body_leaves_nothing(storage: Storage) -> None:
    async def broken() -> AsyncIterator[bytes]:
        async for chunk in generated(PART_SIZE + MiB):
            yield chunk
        raise RuntimeError("client went away")

    with pytest.raises(RuntimeError):
        await storage.put("broken/z", broken())
    await assert_nothing_left(storage, "broken/z")


async def test_failed_overwrite_keeps_old_object(storage: Storage) -> None:
    await storage.put("keep/me", b"original")
    with pytest.raises(TooLarge):
        await storage.put("keep/me", generated(4000, chunk=1000), max_bytes=3000)
    assert await read_all(storage, "keep/me") == b"original"


# --- keys ----------------------------------------------------------------------------------

BAD_KEYS = [
    "",
    "/etc/passwd",
    "../escape",
    "a/../../b",
    "a/./b",
    "a\\b",
    "a\x00b",
    "a\nb",
    "a//b",
    "a/",
    ".tonearm-meta/a.json",
    "x" * 1025,
]


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_bad_keys_refused(storage: Storage, key: str) -> None:
    with pytest.raises(InvalidKey) as exc:
        await storage.put(key, b"x")
    assert exc.value.code == "invalid_storage_key"
    assert exc.value.status == 400
    for call in (storage.stat, storage.open, storage.delete, storage.exists, storage.signed_url):
        with pytest.raises(InvalidKey):
            await call(key)
    assert await keys(storage) == []


async def test_symlink_escape_refused(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media", secret=SECRET)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("top secret")
    os.symlink(outside, storage.root / "link")
    with pytest.raises(InvalidKey):
        await storage.open("link/secret.txt")
    with pytest.raises(InvalidKey):
        await storage.put("link/new.txt", b"x")
    assert not (outside / "new.txt").exists()


# --- signed URLs ---------------------------------------------------------------------------


def files_app(storage: Storage) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.tonearm = SimpleNamespace(storage=storage)
    return app


def http_client(storage: Storage) -> httpx.AsyncClient:
    """Local signed URLs hit our router in-process; S3 presigned URLs hit the moto server."""
    if isinstance(storage, LocalStorage):
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=files_app(storage)), base_url="http://testserver"
        )
    return httpx.AsyncClient(trust_env=False)


async def test_signed_url_serves_bytes_and_ranges(storage: Storage) -> None:
    data = blob(150_000, seed=7)
    await storage.put("media/song.flac", data, content_type="audio/flac")
    url = await storage.signed_url("media/song.flac", expires_in=600)
    async with http_client(storage) as client:
        full = await client.get(url)
        assert full.status_code == 200
        assert full.content == data
        assert full.headers["content-length"] == str(len(data))
        assert full.headers["content-type"] == "audio/flac"
        assert full.headers["accept-ranges"] == "bytes"
        assert full.headers["etag"]

        part = await client.get(url, headers={"Range": "bytes=100-199"})
        assert part.status_code == 206
        assert part.content == data[100:200]
        assert part.headers["content-range"] == f"bytes 100-199/{len(data)}"
        assert part.headers["content-length"] == "100"

        suffix = await client.get(url, headers={"Range": "bytes=-10"})
        assert suffix.status_code == 206
        assert suffix.content == data[-10:]

        bad = await client.get(url, headers={"Range": f"bytes={len(data)}-"})
        assert bad.status_code == 416
        if isinstance(storage, LocalStorage):  # moto leaves this header out; S3 proper sends it
            assert bad.headers["content-range"] == f"bytes */{len(data)}"


async def test_signed_url_download_name(storage: Storage) -> None:
    await storage.put("dl/x.bin", b"abc")
    url = await storage.signed_url("dl/x.bin", filename="Fête.flac", content_type="audio/flac")
    async with http_client(storage) as client:
        resp = await client.get(url)
    assert resp.status_code == 200
    assert resp.content == b"abc"
    assert resp.headers["content-type"] == "audio/flac"
    disposition = resp.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''F%C3%AAte.flac" in disposition


async def test_local_signed_url_rejections(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media", secret=SECRET, base_url="http://testserver")
    await storage.put("s/a.mp3", b"0123456789", content_type="audio/mpeg")
    url = await storage.signed_url("s/a.mp3")
    assert url.startswith("http://testserver/api/v1/files/s/a.mp3?expires=")
    async with http_client(storage) as client:
        ok = await client.get(url)
        assert ok.status_code == 200
        assert ok.headers["x-content-type-options"] == "nosniff"

        head = await client.head(url)
        assert head.status_code == 200
        assert head.headers["content-length"] == "10"
        assert head.content == b""

        cached = await client.get(url, headers={"If-None-Match": ok.headers["etag"]})
        assert cached.status_code == 304

        stale = await client.get(url, headers={"Range": "bytes=0-1", "If-Range": '"old"'})
        assert stale.status_code == 200 and stale.content == b"0123456789"

        tampered = await client.get(url[:-1] + ("0" if url[-1] != "0" else "1"))
        assert tampered.status_code == 403
        assert tampered.headers["content-type"] == "application/problem+json"
        assert tampered.json()["code"] == "invalid_signature"

        other_key = await client.get(url.replace("s/a.mp3", "s/b.mp3"))
        assert other_key.json()["code"] == "invalid_signature"

        renamed = await client.get(url + "&filename=evil.html")
        assert renamed.json()["code"] == "invalid_signature"

        unsigned = await client.get("http://testserver/api/v1/files/s/a.mp3")
        assert unsigned.status_code == 403
        assert unsigned.json()["code"] == "invalid_signature"

        expired_url = sign_local_url(
            SECRET, "s/a.mp3", int(time.time()) - 1, base_url="http://testserver"
        )
        expired = await client.get(expired_url)
        assert expired.status_code == 403
        assert expired.json()["code"] == "url_expired"

        forged = sign_local_url("another-secret", "s/a.mp3", int(time.time()) + 60)
        assert (await client.get(forged)).status_code == 403

        missing = await client.get(sign_local_url(SECRET, "s/none", int(time.time()) + 60))
        assert missing.status_code == 404
        assert missing.json()["code"] == "object_not_found"

        unsatisfiable = await client.get(url, headers={"Range": "bytes=50-60"})
        assert unsatisfiable.status_code == 416
        assert unsatisfiable.json()["code"] == "range_not_satisfiable"


def test_signature_helpers() -> None:
    exp = int(time.time()) + 60
    url = sign_local_url(SECRET, "k/ey é.flac", exp, filename="a b.flac")
    assert url.startswith("/api/v1/files/k/ey%20%C3%A9.flac?")
    sig = httpx.URL(url).params["sig"]
    verify_local_signature(SECRET, "k/ey é.flac", exp, sig, "a b.flac")
    with pytest.raises(InvalidSignature):
        verify_local_signature(SECRET, "k/ey é.flac", exp, sig)  # filename dropped
    with pytest.raises(InvalidSignature):
        verify_local_signature(SECRET, "k/ey é.flac", exp + 1, sig, "a b.flac")
    with pytest.raises(UrlExpired):
        verify_local_signature(SECRET, "k/ey é.flac", exp, sig, "a b.flac", now=exp)


# --- ranges --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("bytes=0-0", (0, 0)),
        ("bytes=0-", (0, 99)),
        ("bytes=10-19", (10, 19)),
        ("bytes=90-500", (90, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=-1000", (0, 99)),
        ("BYTES = 5 - 6", (5, 6)),
        ("items=0-5", None),
        ("bytes=a-b", None),
        ("bytes=0-1,5-6", None),
        ("bytes=-", None),
    ],
)
def test_parse_range(header: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=150-200", "bytes=-0", "bytes=5-4"])
def test_parse_range_unsatisfiable(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable) as exc:
        parse_range(header, 100)
    assert exc.value.status == 416
    assert exc.value.code == "range_not_satisfiable"
    assert exc.value.headers["Content-Range"] == "bytes */100"


def test_parse_range_empty_object() -> None:
    assert parse_range(None, 0) is None
    with pytest.raises(RangeNotSatisfiable):
        parse_range("bytes=0-", 0)
    with pytest.raises(RangeNotSatisfiable):
        parse_range("bytes=-5", 0)


# --- wiring --------------------------------------------------------------------------------


async def test_check_and_local_copy(storage: Storage) -> None:
    assert await storage.check()
    await storage.put("copy/a.flac", b"fLaC data")
    async with local_copy(storage, "copy/a.flac") as path:
        assert path.read_bytes() == b"fLaC data"
        assert path.suffix == ".flac"
    if isinstance(storage, LocalStorage):
        assert await storage.local_path("copy/a.flac") == storage.root / "copy" / "a.flac"
        with pytest.raises(StorageNotFound):
            await storage.local_path("copy/none")
    else:
        assert await storage.local_path("copy/a.flac") is None
        assert not path.exists()  # the temp download is cleaned up


def test_storage_from_settings_local(tmp_path: Path) -> None:
    storage = storage_from_settings(Settings(data_dir=tmp_path, secret_key=SECRET))
    assert isinstance(storage, LocalStorage)
    assert storage.root == (tmp_path / "media").resolve()


@pytest.mark.s3
async def test_storage_from_settings_s3(moto_endpoint: str) -> None:
    settings = Settings(
        s3=S3Settings(
            bucket=BUCKET,
            endpoint_url=moto_endpoint,
            access_key_id="testing",
            secret_access_key="testing",
            prefix="/media/",
        )
    )
    storage = storage_from_settings(settings)
    assert isinstance(storage, S3Storage)
    assert storage.prefix == "media/"
    assert await storage.check()
    await storage.put("x", b"1")
    assert s3_client(moto_endpoint).get_object(Bucket=BUCKET, Key="media/x")["Body"].read() == b"1"
    await storage.delete("x")

    missing = S3Storage(s3_client(moto_endpoint), "no-such-bucket")
    assert not await missing.check()

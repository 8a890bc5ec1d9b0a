"""File and field names in an upload are UTF-8 (RFC 7578) and kept exactly: Cyrillic, curly
quotes and emoji used to be a 500 (a Latin-1 encode), and `Björk` was stored mangled. Old
clients' Latin-1 bytes and RFC 5987 `filename*` are understood too."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.accounts.factories import bearer, register
from tests.audio_fixtures import make_audio

NAMES = ["Кино - Группа крови.mp3", "it’s a “test”.mp3", "Björk – Jóga.mp3", "🎵 ネコ.mp3"]


@pytest.fixture(scope="module")
def song(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("names") / "song.mp3"
    return make_audio(path, "mp3", seconds=1.0, tags={"title": "Names"}).read_bytes()


async def _original_name(client: httpx.AsyncClient, h: dict[str, str], body: dict) -> str:
    tid = body["items"][0]["track"]["id"]
    r = await client.get(f"/api/v1/library/tracks/{tid}", headers=h)
    assert r.status_code == 200, r.text
    return str(r.json()["original_name"])


@pytest.mark.parametrize("name", NAMES)
async def test_utf8_file_names_are_kept_exactly(
    client: httpx.AsyncClient, song: bytes, name: str
) -> None:
    h = bearer(await register(client))
    r = await client.post(
        "/api/v1/library/uploads",
        headers=h,
        files=[("files", (name, song + uuid.uuid4().bytes, "audio/mpeg"))],
    )
    assert r.status_code == 201, r.text
    assert await _original_name(client, h, r.json()) == name


def _raw_body(disposition: bytes, data: bytes, boundary: str = "tonearmb0undary") -> bytes:
    return (
        f"--{boundary}\r\n".encode()
        + b"Content-Disposition: form-data; "
        + disposition
        + b"\r\nContent-Type: audio/mpeg\r\n\r\n"
        + data
        + f"\r\n--{boundary}\r\n".encode()
        + b'Content-Disposition: form-data; name="visibility"\r\n\r\nprivate\r\n'
        + f"--{boundary}--\r\n".encode()
    )


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        (b'name="files"; filename="Bj\xf6rk.mp3"', "Björk.mp3"),  # Latin-1 from an old client
        (
            b'name="files"; filename="Kino.mp3"; filename*=UTF-8\'\'%D0%9A%D0%B8%D0%BD%D0%BE.mp3',
            "Кино.mp3",
        ),
        ('name="files"; filename="Кино ✓.mp3"'.encode(), "Кино ✓.mp3"),
    ],
)
async def test_raw_dispositions(
    client: httpx.AsyncClient, song: bytes, disposition: bytes, expected: str
) -> None:
    h = bearer(await register(client))
    r = await client.post(
        "/api/v1/library/uploads",
        headers={**h, "Content-Type": "multipart/form-data; boundary=tonearmb0undary"},
        content=_raw_body(disposition, song + uuid.uuid4().bytes),
    )
    assert r.status_code == 201, r.text
    assert await _original_name(client, h, r.json()) == expected


async def test_a_non_ascii_field_name_is_not_a_file_field(
    client: httpx.AsyncClient, song: bytes
) -> None:
    """A part under a field name we do not know (here a non-Latin-1 one) is ignored: the
    request has no `files` and says so (400), never a 500."""
    h = bearer(await register(client))
    r = await client.post(
        "/api/v1/library/uploads",
        headers={**h, "Content-Type": "multipart/form-data; boundary=tonearmb0undary"},
        content=_raw_body('name="файлы"; filename="a.mp3"'.encode(), song),
    )
    assert r.status_code == 400, r.text
    assert r.json()["code"] == "no_files"

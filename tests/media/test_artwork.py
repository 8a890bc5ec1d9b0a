from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tests.audio_fixtures import make_picture
from tonearm.kit.errors import Unprocessable
from tonearm.media.artwork import InvalidArtwork, find_folder_art, resize_artwork


def size_of(data: bytes) -> tuple[int, int]:
    img = Image.open(io.BytesIO(data))
    assert img.format == "JPEG"
    return img.size


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ((800, 800), {600: (600, 600), 256: (256, 256), 64: (64, 64)}),
        ((1200, 600), {600: (600, 300), 256: (256, 128), 64: (64, 32)}),
        ((300, 900), {600: (200, 600), 256: (85, 256), 64: (21, 64)}),
        ((100, 50), {600: (100, 50), 256: (100, 50), 64: (64, 32)}),  # never enlarged
    ],
)
def test_sizes(source: tuple[int, int], expected: dict[int, tuple[int, int]]) -> None:
    out = resize_artwork(make_picture(source))
    assert set(out) == {64, 256, 600}
    assert {k: size_of(v) for k, v in out.items()} == expected


def test_png_with_alpha_and_colour_kept() -> None:
    img = Image.new("RGBA", (400, 400), (255, 0, 0, 255))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    out = resize_artwork(buf.getvalue())
    r, g, b = Image.open(io.BytesIO(out[64])).convert("RGB").getpixel((32, 32))
    assert r > 240 and g < 15 and b < 15


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\xff\xd8\xff" + b"\x00" * 50])
def test_not_images(data: bytes) -> None:
    with pytest.raises(InvalidArtwork) as exc:
        resize_artwork(data)
    assert isinstance(exc.value, Unprocessable)
    assert exc.value.code == "invalid_artwork"


def test_decompression_bomb_is_refused() -> None:
    # A tiny PNG whose header claims 20000 x 20000 pixels (400 MP).
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 100))
        + chunk(b"IEND", b"")
    )
    with pytest.raises(InvalidArtwork, match="pixels"):
        resize_artwork(png)


def test_find_folder_art(tmp_path: Path) -> None:
    assert find_folder_art(tmp_path) is None
    (tmp_path / "back.jpg").write_bytes(b"x")
    assert find_folder_art(tmp_path) is None
    (tmp_path / "Folder.JPG").write_bytes(b"x")
    assert find_folder_art(tmp_path) == tmp_path / "Folder.JPG"
    (tmp_path / "COVER.png").write_bytes(b"x")
    assert find_folder_art(tmp_path) == tmp_path / "COVER.png"
    (tmp_path / "cover.jpg").mkdir()  # a directory is not art
    assert find_folder_art(tmp_path) == tmp_path / "COVER.png"
    assert find_folder_art(tmp_path / "missing") is None

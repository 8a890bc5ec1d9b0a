"""Album artwork: find it next to the music, and make the sizes the apps show.

Output is JPEG (quality 85, progressive at 600 px): every client decodes it (browsers, iOS
and Android media sessions, Chromecast, car head units, Subsonic apps), it needs no content
negotiation, and for photographic covers WebP's ~25 % saving is not worth a second format.

Decompression bombs: Pillow's MAX_IMAGE_PIXELS is set to MAX_PIXELS (40 MP, e.g. 6300 x
6300: larger than any real cover) for the process, and anything over it is refused before its
pixels are decoded (Pillow only warns between 1x and 2x its limit; we refuse). Only common
still-image formats are opened.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from tonearm.kit.errors import Unprocessable
from tonearm.media import COVER_SIZES

SIZES = COVER_SIZES
MAX_PIXELS = 40_000_000
MAX_BYTES = 30 * 1024 * 1024
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")
_FOLDER_NAMES = ("cover", "folder", "front", "album")
_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")


class InvalidArtwork(Unprocessable):
    status, code, title = 422, "invalid_artwork", "The image cannot be used as artwork"


def find_folder_art(directory: str | os.PathLike[str]) -> Path | None:
    """The folder's cover image: cover, folder, front, album (in that order of preference),
    .jpg/.jpeg/.png/.webp, names matched case-insensitively. None when there is none."""
    try:
        entries = {e.name.lower(): Path(e.path) for e in os.scandir(directory) if e.is_file()}
    except OSError:
        return None
    for stem in _FOLDER_NAMES:
        for ext in _EXTENSIONS:
            found = entries.get(stem + ext)
            if found is not None:
                return found
    return None


def _open(data: bytes) -> Image.Image:
    if not data:
        raise InvalidArtwork("The image is empty.")
    if len(data) > MAX_BYTES:
        raise InvalidArtwork(f"The image is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidArtwork(f"The image has more than {MAX_PIXELS} pixels.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise InvalidArtwork("Not an image (expected JPEG, PNG, WebP, GIF, BMP or TIFF).") from None
    w, h = img.size
    if w < 1 or h < 1 or w * h > MAX_PIXELS:
        raise InvalidArtwork(f"The image has more than {MAX_PIXELS} pixels.")
    return img


def resize_artwork(data: bytes, sizes: tuple[int, ...] = SIZES) -> dict[int, bytes]:
    """JPEG renditions of `data` for each size: fitted in a size x size box, aspect kept,
    never enlarged (a 200 px source gives 200 px for the 256 and 600 keys)."""
    img = _open(data)
    try:
        img.draft("RGB", (max(sizes), max(sizes)))  # JPEG: decode at a reduced scale
        img = ImageOps.exif_transpose(img)
        if img.mode in ("RGBA", "LA", "P", "PA") or "transparency" in img.info:
            rgba = img.convert("RGBA")
            img = Image.new("RGB", rgba.size, (255, 255, 255))
            img.paste(rgba, mask=rgba.getchannel("A"))
        elif img.mode != "RGB":
            img = img.convert("RGB")
        out: dict[int, bytes] = {}
        current = img
        for size in sorted(sizes, reverse=True):  # each from the previous: fast, and good
            current = current.copy()
            current.thumbnail((size, size), Image.Resampling.LANCZOS)
            buf = io.BytesIO()
            current.save(buf, "JPEG", quality=85, optimize=True, progressive=size >= 256)
            out[size] = buf.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise InvalidArtwork("The image is damaged.") from None
    return out


def mosaic(images: list[bytes], size: int = max(SIZES)) -> bytes:
    """A size x size JPEG of four covers in a 2x2 grid (a playlist's cover), each cropped to
    a square from its centre. Raises InvalidArtwork for an image that is not one."""
    if len(images) != 4:
        raise ValueError("a mosaic takes four images")
    half = size // 2
    canvas = Image.new("RGB", (half * 2, half * 2), (0, 0, 0))
    for i, data in enumerate(images):
        img = _open(data)
        try:
            img.draft("RGB", (half, half))
            tile = ImageOps.fit(img.convert("RGB"), (half, half), Image.Resampling.LANCZOS)
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
            raise InvalidArtwork("The image is damaged.") from None
        canvas.paste(tile, ((i % 2) * half, (i // 2) * half))
    buf = io.BytesIO()
    canvas.save(buf, "JPEG", quality=85, optimize=True, progressive=True)
    return buf.getvalue()

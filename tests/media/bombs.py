"""Hostile tags, synthesised: an MP3 whose ID3v2 tag holds one zlib-compressed frame that
inflates far past what it weighs (issue 9, item 2: 1 MB inflating to 1 GiB took a server from
269 MB to 3.4 GB)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from tests.audio_fixtures import make_audio

MiB = 1024 * 1024


def _syncsafe(n: int) -> bytes:
    n = min(n, (1 << 28) - 1)
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])


def make_id3_bomb(
    path: Path, *, frame: str = "APIC", inflates_to: int = 512 * MiB, version: int = 4
) -> Path:
    """A 1 s MP3 with one compressed `frame` (APIC: a "JPEG" of zeros; USLT: lyrics of "a")
    inflating to `inflates_to` bytes; the file itself weighs about inflates_to / 1000."""
    audio = make_audio(path, "mp3", seconds=1.0).read_bytes()
    head = b"\x00image/jpeg\x00\x03\x00\xff\xd8\xff" if frame == "APIC" else b"\x00eng\x00"
    fill = (b"\x00" if frame == "APIC" else b"a") * MiB
    # A full flush resets the compressor, so each MiB of fill compresses to the same bytes:
    # compress it once and repeat it (building a 1 GiB bomb takes no time), then end the
    # stream by hand: an empty final block and the Adler-32 of everything inflated.
    co = zlib.compressobj(9)
    parts = [co.compress(head) + co.flush(zlib.Z_FULL_FLUSH)]
    block = co.compress(fill) + co.flush(zlib.Z_FULL_FLUSH)
    check = zlib.adler32(head)
    for _ in range(inflates_to // MiB):
        parts.append(block)
        check = zlib.adler32(fill, check)
    rest = fill[: inflates_to % MiB]
    parts.append(co.compress(rest) + co.flush(zlib.Z_FULL_FLUSH))
    check = zlib.adler32(rest, check)
    parts.append(b"\x03\x00" + struct.pack(">L", check))  # final fixed block, no data
    body = b"".join(parts)
    total = len(head) + inflates_to
    if version == 4:  # compression + data length indicator (syncsafe; a bomb may lie in it)
        data, flags = _syncsafe(total) + body, 0x0009
        size = _syncsafe(len(data))
    else:  # v2.3: compression, with the plain 4-byte inflated size first
        data, flags = struct.pack(">L", total) + body, 0x0080
        size = struct.pack(">L", len(data))
    frame_bytes = frame.encode() + size + struct.pack(">H", flags) + data
    tag = b"ID3" + bytes([version, 0, 0]) + _syncsafe(len(frame_bytes)) + frame_bytes
    path.write_bytes(tag + audio)
    return path

"""The quick content hash of a file: sha256 over its size (8 bytes, big-endian), its first
64 KiB and its last 64 KiB.

Uploads and the folder scan both name a file by it, so the same file is one track however it
came in. It finds a moved file again without reading whole files (reading 10k files end to
end would be most of a scan's time). Tags live in those windows (ID3v2, FLAC and Vorbis
comments at the start; ID3v1, APE and an MP4 `moov` box at the end), so a re-tagged file
hashes differently (the audio-packet digest of the processing job still finds it); two
different recordings would need the same size and identical first and last 64 KiB, which
encoders do not produce.
"""

from __future__ import annotations

import hashlib
import os
from typing import BinaryIO

HASH_WINDOW = 64 * 1024


def quick_hash(fh: BinaryIO, size: int) -> tuple[str, bytes, bytes]:
    """(content hash, head, tail) of an open file of `size` bytes."""
    head = fh.read(HASH_WINDOW)
    tail = b""
    if size > HASH_WINDOW:
        fh.seek(max(HASH_WINDOW, size - HASH_WINDOW))
        tail = fh.read(HASH_WINDOW)
    h = hashlib.sha256(size.to_bytes(8, "big"))
    h.update(head)
    h.update(tail)
    return h.hexdigest(), head, tail


def quick_hash_path(path: str | os.PathLike[str]) -> str:
    with open(path, "rb") as fh:
        return quick_hash(fh, os.fstat(fh.fileno()).st_size)[0]

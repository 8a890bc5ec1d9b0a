"""Refuse a file whose ID3v2 tags would inflate past a bound, before anything inflates them.

An ID3v2.3/2.4 frame may be zlib-compressed. mutagen (`read_tags`) and FFmpeg (`probe`, HLS,
transcodes) both inflate such a frame whole, so one 1 MB frame that inflates to 1 GiB costs
each of them gigabytes. `check_tags(path)` runs first, in `probe`, in `audio.source.open_input`
and in `read_tags`, and raises `TagsTooLarge` (422) when:

- an ID3v2 tag (at the start of the file, or the ID3 chunk of a WAV or AIFF) declares more
  than `MAX_TAG_BYTES`;
- any zlib stream a parser could take for a compressed frame inflates past
  `MAX_FRAME_INFLATE`, or all of them together past `MAX_INFLATE`.

Parsers disagree on where frames start (v2.4 sizes are syncsafe, but iTunes and others wrote
plain ones, and mutagen and FFmpeg guess differently), so no frame walk is trusted: every zlib
header in the tag that sits where a compressed frame's data would (after a frame id and a
flag byte with a compression bit, v2.3 or v2.4 convention) has its stream inflated, in
bounded chunks whose output is discarded, until it ends or a bound is passed. Peak memory
is the tag itself (at most `MAX_TAG_BYTES`, which the parsers would read anyway) plus one
chunk.
"""

from __future__ import annotations

import os
import struct
import zlib
from typing import BinaryIO

from tonearm.media.errors import TagsTooLarge

MiB = 1024 * 1024
MAX_TAG_BYTES = 32 * MiB  # one ID3v2 tag as stored (covers included)
MAX_FRAME_INFLATE = 16 * MiB  # one compressed frame, inflated
MAX_INFLATE = 32 * MiB  # every compressed frame of the file, inflated
_CHUNK = 256 * 1024
_MAX_TAGS = 8  # consecutive ID3v2 tags looked at (FFmpeg reads several)
_MAX_CHUNKS = 4096  # RIFF/AIFF chunks walked looking for the ID3 one

# A frame id: 4 upper-case letters or digits.
_ID_MARKS = bytes(1 if chr(b) in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" else 0 for b in range(256))
# The second flag byte of a frame header: v2.4 %0h00kmnp (k = 0x08: compressed, p = 0x02:
# unsynchronised), v2.3 %ijk00000 (i = 0x80: compressed).
_COMPRESSED = 0x88
# zlib's first byte: deflate (CM 8) with any window size (CINFO 0..7).
_CMF = tuple((cinfo << 4) | 8 for cinfo in range(8))


def check_tags(path: str | os.PathLike[str]) -> None:
    """Raise `TagsTooLarge` if the ID3v2 tags of `path` exceed the bounds (module docstring).
    A file that cannot be opened passes: the parser that opens it next reports that."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed below)
    except OSError:
        return
    with fh:
        check_tags_in(fh)


def check_tags_in(fh: BinaryIO) -> None:
    """`check_tags` on a file already open (binary, seekable; read from its start, left at
    any position): the folder scan opens each file once for the guard, mutagen and the
    hash."""
    fh.seek(0)
    head = fh.read(12)
    starts = [0]
    if head[:4] in (b"RIFF", b"FORM") and len(head) == 12:
        starts += _id3_chunks(fh, big_endian=head[:4] == b"FORM")
    budget = [MAX_INFLATE]
    for start in starts:
        _check_tags_at(fh, start, budget)


def _id3_chunks(fh: BinaryIO, *, big_endian: bool) -> list[int]:
    fmt = ">4sL" if big_endian else "<4sL"
    offsets: list[int] = []
    pos = 12
    for _ in range(_MAX_CHUNKS):
        fh.seek(pos)
        header = fh.read(8)
        if len(header) < 8:
            break
        cid, size = struct.unpack(fmt, header)
        if cid.lower() in (b"id3 ", b"id32"):
            offsets.append(pos + 8)
        pos += 8 + size + (size & 1)
    return offsets


def _check_tags_at(fh: BinaryIO, offset: int, budget: list[int]) -> None:
    for _ in range(_MAX_TAGS):
        fh.seek(offset)
        header = fh.read(10)
        if len(header) < 10 or header[:3] != b"ID3":
            return
        version, flags = header[3], header[5]
        # What a parser can read: a damaged header may declare more than the file holds.
        size = min(_syncsafe(header[6:10]), os.fstat(fh.fileno()).st_size - offset - 10)
        if size > MAX_TAG_BYTES:
            raise TagsTooLarge(
                f"An ID3v2 tag of {size / MiB:.0f} MiB: at most {MAX_TAG_BYTES // MiB} MiB "
                "of tags are read."
            )
        if version in (3, 4):
            body = fh.read(size)
            _check_frames(body, unsynced=bool(flags & 0x80), budget=budget)
        offset += 10 + size + (10 if version == 4 and flags & 0x10 else 0)


def _check_frames(body: bytes, *, unsynced: bool, budget: list[int]) -> None:
    """Inflate every zlib stream that starts where a compressed frame's data would: 10 bytes
    after a frame header, or 14 (after a data length indicator)."""
    # Candidate frame headers: four frame-id bytes in a row, found in C (translate + find),
    # so a 5 MB cover is a few thousand candidates, not a Python loop over every byte.
    marks = body.translate(_ID_MARKS)
    start = marks.find(b"\x01\x01\x01\x01")
    while start != -1:
        if start + 11 < len(body) and body[start + 9] & _COMPRESSED:
            for pos in (start + 10, start + 14):
                if pos + 1 < len(body) and _is_zlib_header(body[pos], body[pos + 1]):
                    frame_unsynced = unsynced or bool(body[start + 9] & 0x02)
                    _inflate_bounded(body, pos, frame_unsynced, budget)
        start = marks.find(b"\x01\x01\x01\x01", start + 1)


def _is_zlib_header(cmf: int, flg: int) -> bool:
    """Deflate with any window, a valid check, no preset dictionary."""
    return cmf in _CMF and (cmf << 8 | flg) % 31 == 0 and not flg & 0x20


def _inflate_bounded(body: bytes, pos: int, unsynced: bool, budget: list[int]) -> None:
    d = zlib.decompressobj()
    inflated = 0
    view = memoryview(body)
    while pos < len(body) and not d.eof:
        end = pos + _CHUNK
        if unsynced and body[end - 1 : end] == b"\xff":
            end += 1  # keep an FF 00 pair in one chunk
        chunk = bytes(view[pos:end])
        pos = end
        if unsynced:  # the parsers undo unsynchronisation before inflating
            chunk = chunk.replace(b"\xff\x00", b"\xff")
        try:
            out = d.decompress(chunk, _CHUNK)
            while True:
                inflated += len(out)
                _spend(inflated, len(out), budget)
                if not d.unconsumed_tail:
                    break
                out = d.decompress(d.unconsumed_tail, _CHUNK)
        except zlib.error:
            return  # not a stream any parser could inflate further either


def _spend(inflated: int, produced: int, budget: list[int]) -> None:
    budget[0] -= produced
    if inflated > MAX_FRAME_INFLATE or budget[0] < 0:
        raise TagsTooLarge(
            f"A compressed ID3v2 frame inflates past {MAX_FRAME_INFLATE // MiB} MiB "
            f"(or all of them past {MAX_INFLATE // MiB} MiB): refused before inflating it."
        )


def _syncsafe(data: bytes) -> int:
    return (data[0] & 0x7F) << 21 | (data[1] & 0x7F) << 14 | (data[2] & 0x7F) << 7 | data[3] & 0x7F

"""The file side of the folder scan: walk a root, fingerprint folders, read files.

Kept free of the database and the web stack: `read_files` runs in worker processes, which
import only this module (and mutagen through `tags`).

Walking never follows a symbolic link, to a file or a folder: a link that points inside the
root names something the walk reaches anyway (following it would only add duplicates and
loops), and one that points outside would read files nobody allowed. Names starting with "."
are skipped too (".Trash", macOS "._x.mp3" resource forks).

Folder fingerprint: sha256 over the sorted (name, size, mtime_ns) of the folder's audio files
(by extension, AUDIO_EXTENSIONS) and image files (covers). Same fingerprint as at the last scan
=> nothing in the folder changed that the scan would see, and it is skipped without reading.

Content hash: `kit.filehash.quick_hash` (size, first and last 64 KiB), the same one uploads
use, so a file uploaded and then found by a scan (or the other way round) is one track.
Identical copies of a file hash the same (and count as duplicates).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tonearm.kit.filehash import quick_hash
from tonearm.kit.procpool import die_with_parent
from tonearm.media.tags import TrackTags, parse_path, read_tags

AUDIO_EXTENSIONS = frozenset(
    {".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".mp4", ".aac", ".wav", ".aiff", ".aif"}
)
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif"})
ROOT_FOLDER = "."  # the root's own relative path in scan_folders


@dataclass(slots=True)
class Folder:
    rel: str  # posix path relative to the root; "." for the root itself
    audio: list[tuple[str, int, int]] = field(default_factory=list)  # (name, size, mtime_ns)
    fingerprint: str = ""
    covers: str = ""  # the images' fingerprint alone ("" without images)


@dataclass(slots=True)
class WalkStats:
    folders: int = 0
    files: int = 0
    links_skipped: int = 0
    unreadable: list[str] = field(default_factory=list)  # folders that could not be listed


def file_rel(folder: str, name: str) -> str:
    return name if folder == ROOT_FOLDER else f"{folder}/{name}"


def folder_of(rel: str) -> str:
    head, sep, _ = rel.rpartition("/")
    return head if sep else ROOT_FOLDER


def walk(root: Path, stats: WalkStats) -> Iterator[Folder]:
    """Every folder under `root` (resolved, a directory) that holds audio or images, with its
    fingerprint. Depth first; symlinks and dot-names are never entered."""
    stack = [(str(root), ROOT_FOLDER)]
    while stack:
        path, rel = stack.pop()
        entries: list[tuple[str, int, int]] = []  # audio and images, for the fingerprint
        audio: list[tuple[str, int, int]] = []
        images: list[tuple[str, int, int]] = []
        subdirs: list[tuple[str, str]] = []
        try:
            with os.scandir(path) as it:
                for entry in it:
                    name = entry.name
                    if name.startswith("."):
                        continue
                    if entry.is_symlink():
                        stats.links_skipped += 1
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        subdirs.append((entry.path, file_rel(rel, name)))
                        continue
                    ext = os.path.splitext(name)[1].lower()
                    is_audio = ext in AUDIO_EXTENSIONS
                    if not is_audio and ext not in IMAGE_EXTENSIONS:
                        continue
                    if not entry.is_file(follow_symlinks=False):
                        continue
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    item = (name, st.st_size, st.st_mtime_ns)
                    entries.append(item)
                    (audio if is_audio else images).append(item)
        except OSError:
            stats.unreadable.append(rel)
            continue
        stats.folders += 1
        stack.extend(sorted(subdirs, reverse=True))
        if not entries:
            continue
        stats.files += len(audio)
        yield Folder(rel, audio, fingerprint(entries), fingerprint(images) if images else "")


def fingerprint(entries: list[tuple[str, int, int]]) -> str:
    h = hashlib.sha256()
    for name, size, mtime_ns in sorted(entries):
        h.update(f"{name}\x00{size}\x00{mtime_ns}\x01".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def mtime_seconds(mtime_ns: int) -> float:
    """What `tracks.file_mtime` stores (and what a rescan compares against)."""
    return mtime_ns / 1e9


# --- reading (runs in worker processes) ---------------------------------------------------


@dataclass(slots=True)
class FileResult:
    rel: str
    size: int = 0
    mtime_ns: int = 0
    content_hash: str = ""
    codec: str = ""
    container: str = ""
    tags: TrackTags | None = None  # None: mutagen could not parse it (skipped)
    error: str | None = None  # the file could not be read at all


_BY_EXTENSION = {
    ".mp3": ("mp3", "mp3"),
    ".flac": ("flac", "flac"),
    ".ogg": ("vorbis", "ogg"),
    ".oga": ("vorbis", "ogg"),
    ".opus": ("opus", "ogg"),
    ".m4a": ("aac", "mp4"),
    ".mp4": ("aac", "mp4"),
    ".aac": ("aac", "aac"),
    ".wav": ("wav", "wav"),
    ".aiff": ("aiff", "aiff"),
    ".aif": ("aiff", "aiff"),
}


def detect_codec(head: bytes, tail: bytes, ext: str) -> tuple[str, str]:
    """(codec, container) as `media.audio.FORMATS` names them, from the magic bytes already read
    for the hash (mutagen's own type detection works the same way); the extension decides
    what the bytes cannot (e.g. ADTS AAC behind an ID3 tag)."""
    if head.startswith(b"fLaC"):
        return "flac", "flac"
    if head.startswith(b"OggS"):
        return ("opus", "ogg") if b"OpusHead" in head[:512] else ("vorbis", "ogg")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav", "wav"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "aiff", "aiff"
    if head[4:8] == b"ftyp":
        for window in (head, tail):
            at = window.find(b"stsd")
            if at >= 0 and len(window) >= at + 20:
                return ("alac", "mp4") if window[at + 16 : at + 20] == b"alac" else ("aac", "mp4")
        return _BY_EXTENSION.get(ext, ("aac", "mp4"))
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return ("aac", "aac") if head[1] & 0x06 == 0 else ("mp3", "mp3")  # layer bits 00: ADTS
    return _BY_EXTENSION.get(ext, ("", ""))


def _open_nofollow(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0))


def read_file(root: str, rel: str, safe_dirs: dict[str, bool] | None = None) -> FileResult:
    out = FileResult(rel)
    path = os.path.join(root, rel)
    folder = os.path.dirname(path)
    try:
        # The walk saw a regular file inside the root. Refuse it if a folder on the way has
        # been swapped for a link since (O_NOFOLLOW covers the file itself).
        safe = None if safe_dirs is None else safe_dirs.get(folder)
        if safe is None:
            safe = os.path.realpath(folder) == os.path.normpath(folder)
            if safe_dirs is not None:
                safe_dirs[folder] = safe
        if not safe:
            raise OSError("the path now leads through a symbolic link")
        # One open file for the hash, the tag guard and mutagen (named by its path, as
        # mutagen's type detection wants).
        fh = open(path, "rb", opener=_open_nofollow)  # noqa: SIM115 (closed below)
    except OSError as exc:
        out.error = f"{type(exc).__name__}: {exc.strerror or exc}"
        return out
    with fh:
        try:
            st = os.fstat(fh.fileno())
            out.size, out.mtime_ns = st.st_size, st.st_mtime_ns
            out.content_hash, head, tail = quick_hash(fh, st.st_size)
        except OSError as exc:
            out.error = f"{type(exc).__name__}: {exc.strerror or exc}"
            return out
        ext = os.path.splitext(rel)[1].lower()
        out.codec, out.container = detect_codec(head, tail, ext)
        try:
            tags = read_tags(path, fh)
        except Exception as exc:  # a mutagen bug on a hostile file must not end the scan
            out.error = f"{type(exc).__name__}: {exc}"[:300]
            return out
    if tags.duration is None:  # mutagen could not parse it
        return out
    tags.pictures = []  # artwork is the processing job's business; do not ship it back
    if tags.from_path:
        # Guess from the path inside the root only: folders above it are not the library's.
        guessed = parse_path(rel)
        for name in tags.from_path:
            setattr(tags, name, guessed.get(name, [] if name == "artists" else None))
        tags.from_path = [n for n in guessed if n in tags.from_path]
    out.tags = tags
    return out


READER_NICE = 10  # readers yield the CPU to the writer (and, in the server, to requests)


def reader_init(parent_pid: int) -> None:
    """The pool initializer of the scan's reader processes: exit with the parent (see
    `die_with_parent`) and run at a lower priority. A reader starved the process writing the
    batches when there were as many readers as cores; niced, readers take what the writer
    leaves."""
    die_with_parent(parent_pid)
    with contextlib.suppress(OSError):  # not allowed: readers run at the parent's priority
        os.nice(READER_NICE)


def read_files(root: str, rels: list[str]) -> list[FileResult]:
    """One pool task: a chunk of files (chunks amortise the inter-process round trip)."""
    safe_dirs: dict[str, bool] = {}
    return [read_file(root, rel, safe_dirs) for rel in rels]

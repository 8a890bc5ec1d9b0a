"""The CPU side of processing a track (runs in the process pool): HLS ladder, waveform peaks
and artwork sizes, written into a scratch folder the async side then uploads to storage."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

WAVEFORM_BUCKETS = 1000


@dataclass(frozen=True)
class Rendered:
    digest: str  # of the audio packets (media.audio.audio_digest)
    hls_dir: Path | None  # None: the audio is what the existing renditions were made from
    waveform: Path | None
    artwork: dict[int, Path]  # size -> JPEG file


def render(
    src: str, out: str, folder_art_dir: str | None = None, rendered_from: str | None = None
) -> Rendered:
    """HLS, waveform and artwork for `src`. When its audio digest equals `rendered_from` (the
    digest the track's current renditions were made from: a re-tagged file, a new cover),
    only the artwork is made again."""
    # PyAV, Pillow and mutagen load on first use (this runs in a worker process).
    from tonearm.media.artwork import InvalidArtwork, find_folder_art, resize_artwork
    from tonearm.media.audio import audio_digest, package_hls, waveform_peaks
    from tonearm.media.tags import read_tags

    out_dir = Path(out)
    digest = audio_digest(src)
    hls_dir: Path | None = None
    wf: Path | None = None
    if digest != rendered_from:
        hls_dir = out_dir / "hls"
        package_hls(src, hls_dir)
        peaks = waveform_peaks(src, WAVEFORM_BUCKETS)
        wf = out_dir / "waveform.json"
        wf.write_text(
            json.dumps(
                {"buckets": len(peaks), "peaks": [[round(a, 4), round(b, 4)] for a, b in peaks]}
            )
        )
    artwork: dict[int, Path] = {}
    picture: bytes | None = None
    pictures = read_tags(src).pictures
    if pictures:
        picture = pictures[0][1]
    elif folder_art_dir:
        found = find_folder_art(folder_art_dir)
        if found is not None and found.stat().st_size < 20 * 1024 * 1024:
            picture = found.read_bytes()
    if picture:
        try:
            for size, data in resize_artwork(picture).items():
                path = out_dir / f"art_{size}.jpg"
                path.write_bytes(data)
                artwork[size] = path
        except InvalidArtwork:
            artwork = {}
    return Rendered(digest=digest, hls_dir=hls_dir, waveform=wf, artwork=artwork)


def walk_files(root: Path) -> list[Path]:
    out: list[Path] = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            out.append(Path(dirpath) / name)
    return sorted(out)

"""HLS packaging speed: our one-pass, three-rung ladder vs the ffmpeg CLI doing the same.

Builds a 5-minute stereo 44.1 kHz FLAC, then times `package_hls` (AAC-LC 64/128/256 kbit/s,
MPEG-TS, 6 s segments) and, as the reference on the same machine, the static ffmpeg binary
from `imageio-ffmpeg` (`pip install imageio-ffmpeg`; a reference only, not a dependency)
producing the same ladder in one command (-var_stream_map). Each side runs BENCH_RUNS times
(default 3), interleaved, and the best run counts (the least disturbed by other load).

Prints `name value unit` lines:
    hls.package_x_realtime     seconds of audio packaged per second, ours
    hls.ffmpeg_x_realtime      the same for the ffmpeg CLI
    hls.ratio_vs_ffmpeg        ours / ffmpeg (goal >= 0.9)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.audio_fixtures import write_signal  # noqa: E402

from tonearm.media.audio import package_hls  # noqa: E402

SECONDS = float(os.environ.get("BENCH_HLS_SECONDS", "300"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
LADDER = ((64, "a64"), (128, "a128"), (256, "a256"))


def ffmpeg_exe() -> str | None:
    try:
        import imageio_ffmpeg
    except ImportError:
        return None
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def run_ours(src: Path, out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    package_hls(src, out, ladder=LADDER, segment_seconds=6.0)
    return time.perf_counter() - start


def run_ffmpeg(exe: str, src: Path, out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cmd = [exe, "-nostdin", "-loglevel", "error", "-y", "-i", str(src)]
    for _ in LADDER:
        cmd += ["-map", "0:a"]
    cmd += ["-c:a", "aac"]
    for i, (kbps, _) in enumerate(LADDER):
        cmd += [f"-b:a:{i}", f"{kbps}k"]
    cmd += [
        "-f", "hls", "-hls_time", "6", "-hls_playlist_type", "vod",
        "-hls_segment_filename", str(out / "%v" / "seg_%05d.ts"),
        "-master_pl_name", "master.m3u8",
        "-var_stream_map", " ".join(f"a:{i},name:{n}" for i, (_, n) in enumerate(LADDER)),
        str(out / "%v" / "index.m3u8"),
    ]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - start


def main() -> None:
    exe = ffmpeg_exe()
    with tempfile.TemporaryDirectory(prefix="bench-hls-") as tmp:
        src = write_signal(Path(tmp) / "src.flac", "flac", seconds=SECONDS)
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(RUNS):
            ours.append(run_ours(src, Path(tmp) / "ours"))
            if exe:
                theirs.append(run_ffmpeg(exe, src, Path(tmp) / "ffmpeg"))
    ours_x = SECONDS / min(ours)
    print(f"hls.package_x_realtime {ours_x:.1f} x")
    if not exe:
        print("# imageio-ffmpeg not installed: no ffmpeg reference", file=sys.stderr)
        return
    ffmpeg_x = SECONDS / min(theirs)
    print(f"hls.ffmpeg_x_realtime {ffmpeg_x:.1f} x")
    print(f"hls.ratio_vs_ffmpeg {ours_x / ffmpeg_x:.2f} ratio")


if __name__ == "__main__":
    main()

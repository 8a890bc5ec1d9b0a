"""What the tag guard (issue 9, item 2) costs an upload, beside the work it guards.

Builds a 3-minute MP3 with a 5 MB cover (uncompressed APIC, the common large tag) and one
with no picture, then times `media.tag_guard.check_tags` and, as the same-machine
reference, `read_tags` and `probe` on the same file (the parsers the guard runs before:
an upload runs the guard three times, in probe, read_tags and the job's open_input). Best
of BENCH_RUNS (default 5). Also times the guard refusing a 1 GiB compressed-frame bomb.

Prints `name value unit` lines:
    tags.guard_cover_ms        check_tags on the 5 MB-cover file
    tags.read_tags_cover_ms    read_tags on it (includes one guard pass)
    tags.probe_cover_ms        probe on it (includes one guard pass)
    tags.guard_plain_ms        check_tags on the file without a picture
    tags.guard_bomb_ms         check_tags refusing the 1 GiB bomb (about 1 MB on disk)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.audio_fixtures import make_audio  # noqa: E402
from tests.media.bombs import make_id3_bomb  # noqa: E402

from tonearm.media.audio import probe  # noqa: E402
from tonearm.media.errors import TagsTooLarge  # noqa: E402
from tonearm.media.tag_guard import check_tags  # noqa: E402
from tonearm.media.tags import read_tags  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def best_ms(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(RUNS):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000


def refused(path: Path) -> None:
    try:
        check_tags(path)
    except TagsTooLarge:
        return
    raise AssertionError("the bomb was not refused")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        cover = make_audio(
            d / "cover.mp3", "mp3", seconds=180, tags={"title": "t"}, picture=os.urandom(5_000_000)
        )
        plain = make_audio(d / "plain.mp3", "mp3", seconds=180, tags={"title": "t"})
        bomb = make_id3_bomb(d / "bomb.mp3", inflates_to=1024 * 1024 * 1024)
        figures = {
            "tags.guard_cover_ms": best_ms(lambda: check_tags(cover)),
            "tags.read_tags_cover_ms": best_ms(lambda: read_tags(cover)),
            "tags.probe_cover_ms": best_ms(lambda: probe(cover)),
            "tags.guard_plain_ms": best_ms(lambda: check_tags(plain)),
            "tags.guard_bomb_ms": best_ms(lambda: refused(bomb)),
        }
    for name, value in figures.items():
        print(f"{name} {value:.1f} ms")


if __name__ == "__main__":
    main()

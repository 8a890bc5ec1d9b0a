"""Issue 9, item 2: a compressed ID3 frame is not a memory bomb. Tags are checked before any
parser inflates them (`media.tag_guard`): FFmpeg (probe, and the job's decoding) refuses the
file with TagsTooLarge, mutagen (`read_tags`) reads no tags and says why.

The bound, measured here in a fresh process (ru_maxrss, which sees FFmpeg's C allocations
too): probing, digesting and reading the tags of a bomb that inflates to 256 MiB raises the
peak by less than MEMORY_BOUND over the same process after it handled a normal file. Before
the guard: +256 MiB or more for each parser (a 512 MiB bomb: probe +1.0 GB, read_tags +1.5 GB).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.audio_fixtures import make_audio
from tests.media.bombs import MiB, make_id3_bomb
from tonearm.media.tag_guard import MAX_FRAME_INFLATE
from tonearm.media.tags import read_tags

MEMORY_BOUND = 64 * MiB

_MEASURE = r"""
import json, resource, sys
from tonearm.media.audio import probe
from tonearm.media.audio.source import audio_digest
from tonearm.media.errors import TagsTooLarge
from tonearm.media.tags import read_tags

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

normal, bombs = sys.argv[1], sys.argv[2:]
probe(normal), audio_digest(normal), read_tags(normal)  # warm: lazy allocations are not the bomb's
base = peak()
results = []
for bomb in bombs:
    out = {}
    for name, call in (("probe", probe), ("digest", audio_digest)):
        try:
            call(bomb)
            out[name] = "read"
        except TagsTooLarge:
            out[name] = "refused"
    tags = read_tags(bomb)
    out.update(notes=tags.notes, lyrics=len(tags.lyrics or ""), pictures=len(tags.pictures))
    out["grew"] = peak() - base  # the high-water mark: the largest of the bombs so far
    results.append(out)
print(json.dumps(results))
"""


BOMBS = [("APIC", 4), ("USLT", 4), ("USLT", 3), ("APIC", 3)]


def test_compressed_frame_bombs_are_refused_within_a_memory_bound(tmp_path: Path) -> None:
    bombs = [
        make_id3_bomb(tmp_path / f"{f}{v}.mp3", frame=f, inflates_to=256 * MiB, version=v)
        for f, v in BOMBS
    ]
    assert all(b.stat().st_size < 1 * MiB for b in bombs)  # what the attacker sends
    normal = make_audio(tmp_path / "normal.mp3", "mp3", seconds=1.0, tags={"title": "x"})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(normal), *map(str, bombs)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    for (frame, version), out in zip(BOMBS, json.loads(run.stdout), strict=True):
        bomb = f"{frame} v2.{version}"
        assert out["grew"] < MEMORY_BOUND, f"{bomb}: peak grew by {out['grew'] / MiB:.0f} MiB"
        assert out["probe"] == "refused" and out["digest"] == "refused", bomb
        assert out["lyrics"] == 0 and out["pictures"] == 0, bomb
        assert any(n.startswith("tags:") for n in out["notes"]), (bomb, out["notes"])


def test_a_small_compressed_frame_is_still_read(tmp_path: Path) -> None:
    lyrics = make_id3_bomb(tmp_path / "ok.mp3", frame="USLT", inflates_to=50_000)
    tags = read_tags(lyrics)
    assert tags.lyrics == "a" * 50_000 and tags.notes == []


def test_a_frame_just_past_the_bound_is_refused(tmp_path: Path) -> None:
    bomb = make_id3_bomb(tmp_path / "b.mp3", frame="USLT", inflates_to=MAX_FRAME_INFLATE + MiB)
    tags = read_tags(bomb)
    assert tags.lyrics is None and tags.notes and tags.notes[0].startswith("tags:")

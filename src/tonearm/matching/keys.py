"""An entry's identity for remembering a user's decision about it (`MatchDecision`)."""

from __future__ import annotations

import hashlib
import json

from tonearm.matching.catalog import clean_isrc
from tonearm.matching.entry import Entry
from tonearm.matching.normalise import fold, fold_album, parse_title, split_artists
from tonearm.matching.paths import path_parts


def entry_key(entry: Entry) -> str:
    """An entry's identity for remembering a decision: the same line of the same (or another)
    file gives the same key, whatever its spelling of case, accents or separators."""
    t = parse_title(entry.title)
    parts = path_parts(entry.location) or ()
    identity = [
        t.base,
        sorted(t.kinds),
        sorted(split_artists(entry.artists) | t.featured),
        fold_album(entry.album),
        clean_isrc(entry.isrc),
        (entry.mb_recording_id or "").strip().lower(),
        "/".join(parts[-3:]),
        "" if entry.title or parts else fold(entry.location),
    ]
    return hashlib.sha256(json.dumps(identity).encode()).hexdigest()[:40]

"""The migration history: one head, generated ids behind a date prefix (only the first five
keep the hand numbers databases already carry). That the models match what the migrations
build is checked in test_schema.py."""

from __future__ import annotations

import re
from pathlib import Path

from alembic.script import ScriptDirectory

from tonearm.platform.migrate import alembic_config

VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"
LEGACY = {"0001", "0002", "0003", "0004", "0005"}


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(""))


def test_there_is_exactly_one_head() -> None:
    assert len(_scripts().get_heads()) == 1


def test_new_revisions_have_generated_ids_and_a_date_prefix() -> None:
    for rev in _scripts().walk_revisions():
        name = Path(rev.path).name
        assert re.fullmatch(rf"\d{{4}}_\d{{2}}_\d{{2}}_{re.escape(rev.revision)}_\w+\.py", name), (
            name
        )
        if rev.revision not in LEGACY:
            assert re.fullmatch(r"[0-9a-f]{12}", rev.revision), (name, rev.revision)

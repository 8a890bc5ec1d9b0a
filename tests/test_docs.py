"""The README's configuration table lists every setting."""

from __future__ import annotations

from pathlib import Path

from tonearm.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_readme_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [n for n in Settings.model_fields if f"`TONEARM_{n.upper()}`" not in readme]
    assert missing == []


def test_readme_has_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme

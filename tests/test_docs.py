"""The README's configuration table is the one generated from the settings models."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tonearm.cli import app
from tonearm.config import LEGACY_NAMES, SECTIONS, Settings
from tonearm.configdoc import END, START, readme_with_table, settings_table

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def test_readme_settings_table_is_current() -> None:
    readme = README.read_text()
    assert readme_with_table(readme) == readme, (
        "The README's settings table is stale: run `tonearm settings-table --write README.md`"
    )


def test_table_lists_every_setting_with_its_nested_name() -> None:
    table = settings_table()
    for name, field in Settings.model_fields.items():
        if name in SECTIONS:
            for sub in SECTIONS[name].model_fields:
                key = "FROM" if sub == "from_" else sub.upper()
                assert f"| `TONEARM_{name.upper()}__{key}` |" in table
        else:
            assert f"| `TONEARM_{name.upper()}` |" in table
        assert field.description
    assert "`TONEARM_HTTP_ALLOW_HOSTS`" in table
    assert "`TONEARM_S3__BUCKET`" in table and "`TONEARM_TWILIO__FROM`" in table
    for flat in LEGACY_NAMES:  # the sentence under the table names every legacy spelling
        assert f"`TONEARM_{flat.upper()}`" in table


def test_a_setting_missing_from_the_readme_is_caught() -> None:
    readme = README.read_text()
    stale = readme.replace("| `TONEARM_SMTP__PORT` | `587` | SMTP port. |\n", "")
    assert stale != readme
    assert readme_with_table(stale) == readme
    with pytest.raises(ValueError, match="settings:start"):
        readme_with_table("# no markers here\n")


def test_cli_prints_and_writes_the_table(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(app, ["settings-table"])
    assert printed.exit_code == 0
    assert printed.stdout == settings_table()
    target = tmp_path / "README.md"
    target.write_text(f"# T\n\n{START}\nstale copy\n{END}\n\nafter\n")
    written = runner.invoke(app, ["settings-table", "--write", str(target)])
    assert written.exit_code == 0, written.output
    text = target.read_text()
    assert settings_table() in text and "stale copy" not in text and text.endswith("\nafter\n")


def test_readme_has_the_two_commands() -> None:
    readme = README.read_text()
    assert "make run" in readme and "make test" in readme

"""`make lint` enforces the layering with import-linter: the real tree passes, and each kind
of forbidden import, planted in a copy of the tree, fails it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=src,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("src")
    shutil.copytree(
        ROOT / "src" / "tonearm", src / "tonearm", ignore=shutil.ignore_patterns("__pycache__")
    )
    return src


def test_the_tree_keeps_every_contract(tree: Path) -> None:
    done = _lint(tree)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # A domain reaching into another's internals instead of its face.
        (
            "streaming/service.py",
            "from tonearm.library.catalog.repository import LibraryRepository",
            "Outside a domain, only its face",
        ),
        # kit importing upward (models), and the library importing a domain above it.
        ("kit/text.py", "import tonearm.models.library", "Layers"),
        ("library/catalog/views.py", "import tonearm.listening", "Layers"),
        # jobs naming a domain.
        ("jobs/registry.py", "import tonearm.library", "Layers"),
        # A service importing FastAPI.
        ("listening/service.py", "import fastapi", "never import FastAPI"),
    ],
)
def test_a_forbidden_import_breaks_the_lint(
    tree: Path, tmp_path: Path, module: str, line: str, contract: str
) -> None:
    bad = tmp_path / "src"
    shutil.copytree(tree, bad)
    target = bad / "tonearm" / module
    target.write_text(target.read_text() + f"\n{line}  # noqa\n")
    done = _lint(bad)
    assert done.returncode != 0, done.stdout
    broken = [ln for ln in done.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(contract in ln for ln in broken), done.stdout

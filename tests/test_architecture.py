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
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(ROOT)])}
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
            "Outside a domain, only its face is imported BROKEN",
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


def test_a_new_domain_is_covered_by_its_line_in_domains_py(tree: Path, tmp_path: Path) -> None:
    bad = tmp_path / "src"
    shutil.copytree(tree, bad)
    pkg = bad / "tonearm" / "crates"
    pkg.mkdir()
    (pkg / "__init__.py").write_text('"""A new domain."""\n')
    (pkg / "service.py").write_text("VALUE = 1\n")
    domains = bad / "tonearm" / "domains.py"
    domains.write_text(domains.read_text() + "\nfrom tonearm import crates  # noqa\n")
    assert _lint(bad).returncode == 0  # registered, nobody reaches inside yet
    app = bad / "tonearm" / "app.py"
    app.write_text(app.read_text() + "\nimport tonearm.crates.service  # noqa\n")
    done = _lint(bad)
    assert done.returncode != 0
    assert "tonearm.app imports tonearm.crates.service" in done.stdout, done.stdout

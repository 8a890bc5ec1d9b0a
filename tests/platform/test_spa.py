"""The SPA is found where `make run` builds it, without configuration."""

from __future__ import annotations

from pathlib import Path

from tonearm.platform import spa

ROOT = Path(__file__).resolve().parents[2]


def test_the_default_web_dist_is_the_checkouts(tmp_path: Path) -> None:
    assert spa._REPO_DIST == ROOT / "web" / "dist"
    assert spa.resolve_dist(tmp_path) is None  # no index.html there
    (tmp_path / "index.html").write_text("<!doctype html>")
    assert spa.resolve_dist(tmp_path) == tmp_path

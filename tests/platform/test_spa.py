"""The SPA is found where `make run` builds it, without configuration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import client_for, make_settings, running
from tonearm.app import create_app
from tonearm.platform import spa

ROOT = Path(__file__).resolve().parents[2]


def test_the_default_web_dist_is_the_checkouts(tmp_path: Path) -> None:
    assert spa._REPO_DIST == ROOT / "web" / "dist"
    assert spa.resolve_dist(tmp_path) is None  # no index.html there
    (tmp_path / "index.html").write_text("<!doctype html>")
    assert spa.resolve_dist(tmp_path) == tmp_path


@pytest.mark.usefixtures("app")  # the session's app first: the isolation fixture wants it
async def test_brotli_copies_go_to_browsers_that_take_br(
    tmp_path: Path, data_dir: Path, database_url: str
) -> None:
    """The build writes `name.br` beside each text file (web/vite.config.ts): a browser that
    takes br gets those bytes; one that takes only gzip gets gzip; a stale copy (older than
    its file) and a file without one fall back to gzip; `br;q=0` refuses br."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    page = "<!doctype html><div id=root></div>" + "<!-- padding -->" * 200
    (dist / "index.html").write_text(page)
    (dist / "index.html.br").write_bytes(b"brotli page bytes")
    script = "console.log('tonearm');\n" * 500
    (dist / "assets" / "app.js").write_text(script)
    (dist / "assets" / "app.js.br").write_bytes(b"brotli script bytes")
    (dist / "assets" / "plain.js").write_text(script)  # no copy
    (dist / "assets" / "stale.js.br").write_bytes(b"an older build's bytes")
    (dist / "assets" / "stale.js").write_text(script)
    old = (dist / "assets" / "stale.js").stat().st_mtime_ns - 10**9
    os.utime(dist / "assets" / "stale.js.br", ns=(old, old))
    application = create_app(make_settings(data_dir, database_url, web_dist=dist))
    both = {"Accept-Encoding": "gzip, deflate, br"}
    async with running(application), client_for(application) as c:
        for path, sent, media in (
            ("/assets/app.js", b"brotli script bytes", "javascript"),
            ("/albums/x", b"brotli page bytes", "text/html"),
        ):
            r = await c.get(path, headers=both)  # httpx here cannot undo br: the bytes as sent
            assert r.status_code == 200
            assert r.headers["content-encoding"] == "br"
            assert r.content == sent
            assert int(r.headers["content-length"]) == len(sent)
            assert media in r.headers["content-type"]
            assert "Accept-Encoding" in r.headers["vary"]
        js = await c.get("/assets/app.js", headers=both)
        assert "immutable" in js.headers["cache-control"]
        assert (await c.get("/", headers=both)).headers["cache-control"] == "no-cache"
        for path, headers in (
            ("/assets/app.js", {"Accept-Encoding": "gzip"}),
            ("/assets/app.js", {"Accept-Encoding": "gzip, br;q=0"}),
            ("/assets/plain.js", both),
            ("/assets/stale.js", both),
        ):
            r = await c.get(path, headers=headers)
            assert r.headers["content-encoding"] == "gzip", (path, headers)
            assert r.text == script  # httpx undoes gzip
        r = await c.get("/assets/app.js", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in r.headers and r.text == script

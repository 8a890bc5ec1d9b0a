"""`/api/docs` works offline (issue 10, item 6): Swagger UI's assets come from the server."""

from __future__ import annotations

import re

import httpx


async def test_docs_page_loads_only_local_assets(client: httpx.AsyncClient) -> None:
    page = await client.get("/api/docs")
    assert page.status_code == 200
    html = page.text
    refs = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    refs += re.findall(r"""url:\s*['"]([^'"]+)['"]""", html)  # the OpenAPI document
    assert refs, html
    assert not [r for r in refs if "//" in r], refs  # no CDN, no absolute URL at all
    assert any(r.endswith("swagger-ui-bundle.js") for r in refs)
    assert any(r.endswith("swagger-ui.css") for r in refs)
    for ref in refs:
        r = await client.get(ref)
        assert r.status_code == 200, ref
        assert r.content, ref
    csp = page.headers["content-security-policy"]
    assert "https:" not in csp

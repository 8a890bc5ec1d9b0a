"""Streaming-service fakes wired into the session's app: each fake runs on a local port, the
app's settings point the service's base URLs at it, and the guarded client may reach it
(the settings are the app's own object, patched for the test and restored after)."""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from tests.fakes.server import FakeServer
from tonearm import providers
from tonearm.connections import TokenKeeper
from tonearm.platform.state import AppState


@contextlib.asynccontextmanager
async def wired(
    state: AppState,
    monkeypatch: pytest.MonkeyPatch,
    **fakes: tuple[Any, dict[str, str], dict[str, Any]],
) -> AsyncIterator[dict[str, FakeServer]]:
    """`slug=(fake, {setting: path}, {setting: value})`: each fake served, the service's URL
    settings set to the server's URL plus the path (`{"api_url": ""}`), and the other
    settings (`{"client_id": ...}`) to the values."""
    servers: dict[str, FakeServer] = {}
    async with contextlib.AsyncExitStack() as stack:
        for slug, (fake, urls, values) in fakes.items():
            server = await stack.enter_async_context(FakeServer(fake))
            servers[slug] = server
            section: BaseModel = getattr(state.settings, slug)
            update = {name: server.url + path for name, path in urls.items()} | values
            monkeypatch.setattr(state.settings, slug, section.model_copy(update=update))
        keeper = state.get(TokenKeeper)
        hosts = [*_HOSTS.get(id(keeper.http), []), *(s.host for s in servers.values())]
        http = providers.http_client(hosts)  # and the hosts of fakes wired around this one
        _HOSTS[id(http)] = hosts
        monkeypatch.setattr(keeper, "http", http)
        try:
            yield servers
        finally:
            _HOSTS.pop(id(http), None)
            await http.aclose()
            keeper._fresh.clear()


_HOSTS: dict[int, list[str]] = {}


_LINK = re.compile(
    r"<a\b[^>]*\bhref=\"([^\"]+)\"[^>]*>\s*(Agree|Continue|Allow|Yes, allow access)\s*<"
)


async def consent(url: str) -> str:
    """The browser at the service's sign-in page, agreeing: where it is sent back to (a
    redirect, or the page's agree link)."""
    async with httpx.AsyncClient() as browser:
        r = await browser.get(url)
    if r.is_redirect:
        return r.headers["location"]
    found = _LINK.search(r.text)
    assert found, f"no agree link on {url}: {r.text[:300]}"
    return html.unescape(found.group(1))


async def connect(
    client: httpx.AsyncClient, h: dict[str, str], slug: str, return_to: str = "/migrate"
) -> str:
    """Connect `slug` through the API as the browser would: where the app sends it at last."""
    r = await client.post(
        f"/api/v1/connections/{slug}/authorize", headers=h, json={"return_to": return_to}
    )
    assert r.status_code == 200, r.text
    back = await consent(r.json()["url"])
    assert back.startswith(f"http://testserver/api/v1/connections/{slug}/callback?"), back
    r = await client.get(back.removeprefix("http://testserver"))
    assert r.status_code == 303, r.text
    return str(r.headers["location"])

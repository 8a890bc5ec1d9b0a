"""A fake Spotify and a fake TIDAL wired into the app, each with its own catalog of the same
songs (as real services have: the same ISRC for most, some without one, other versions
beside the original), and a user connected to both through the API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from tests.accounts.factories import bearer, register
from tests.fakes.catalog import FakeCatalog, FakeTrack
from tests.fakes.spotify import FakeSpotify
from tests.fakes.tidal import FakeTidal
from tests.library.factories import wait_job
from tests.services import connect, wired
from tonearm.platform.state import AppState

CALLBACK = "http://testserver/api/v1/connections/{}/callback"


@dataclass
class Songs:
    """Spotify's keys of the songs each case is about, and TIDAL's answer for each."""

    spotify: FakeCatalog
    tidal: FakeCatalog
    by_isrc: list[str]  # spotify keys whose ISRC TIDAL has too
    fuzzy: str  # no ISRC at TIDAL; the same title and artist ("- 2011 Remaster" on Spotify)
    live_only: str  # TIDAL has only the live take: unmatched by the version policy
    twins: str  # TIDAL has two equally good recordings without ISRC: review
    missing: str  # TIDAL does not have it at all
    tidal_of: dict[str, str]  # spotify key -> tidal key of the right answer


def songs(n_isrc: int = 6) -> Songs:
    sp, td = FakeCatalog(), FakeCatalog()
    tidal_of: dict[str, str] = {}
    by_isrc = []
    for i in range(n_isrc):
        title, artist = f"Song number {i}", f"Artist {i % 3}"
        a = sp.add(
            title, [artist], album=f"Album {i % 3}", duration=200 + i, isrc=f"USAAA26{i:05d}"
        )
        b = td.add(
            title, [artist], album=f"Album {i % 3}", duration=200 + i, isrc=f"USAAA26{i:05d}"
        )
        by_isrc.append(a.key)
        tidal_of[a.key] = b.key
    a = sp.add("Heart of Glass - 2011 Remaster", ["Blondie"], album="Parallel Lines", duration=254)
    b = td.add("Heart of Glass", ["Blondie"], album="Parallel Lines", duration=255)
    tidal_of[a.key] = b.key
    fuzzy = a.key
    live = sp.add("Stone River", ["Mara Lind"], album="Waters", duration=180)
    td.add("Stone River (Live)", ["Mara Lind"], album="Live at Home", duration=240)
    twins = sp.add("Paper Moon", ["Odd Echo"], duration=210)
    td.add("Paper Moon", ["Odd Echo"], album="Paper Moon (Deluxe)", duration=225)
    td.add("Paper Moon", ["Odd Echo"], album="Night Songs", duration=196)
    gone = sp.add("Nowhere Found", ["Ghost Band"], duration=199)
    return Songs(sp, td, by_isrc, fuzzy, live.key, twins.key, gone.key, tidal_of)


@dataclass
class Env:
    client: httpx.AsyncClient
    h: dict[str, str]
    spotify: FakeSpotify
    tidal: FakeTidal
    songs: Songs
    user_id: str
    spotify_user: str
    tidal_user: Any

    def tidal_id(self, spotify_key: str) -> str:
        return self.tidal.track_id(self.songs.tidal_of[spotify_key])

    async def migrate(self, body: dict[str, Any], *, status: str | None = None) -> dict[str, Any]:
        """Start a migration and wait for its job; the migration as it then is."""
        r = await self.client.post("/api/v1/migrations", headers=self.h, json=body)
        assert r.status_code == 201, r.text
        return await self.settle(r.json(), status)

    async def settle(self, m: dict[str, Any], status: str | None = None) -> dict[str, Any]:
        job = await wait_job(self.client, self.h, m["job_id"])
        assert job["status"] == "succeeded", job
        r = await self.client.get(f"/api/v1/migrations/{m['id']}", headers=self.h)
        out: dict[str, Any] = r.json()
        if status is not None:
            assert out["status"] == status, out
        return out

    async def tracks(self, migration_id: str, **params: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        cursor = None
        while True:
            q = {**params, "limit": "100", **({"cursor": cursor} if cursor else {})}
            r = await self.client.get(
                f"/api/v1/migrations/{migration_id}/tracks", headers=self.h, params=q
            )
            assert r.status_code == 200, r.text
            out += r.json()["items"]
            cursor = r.json()["next_cursor"]
            if not cursor:
                return out


@pytest.fixture
async def env(
    client: httpx.AsyncClient,
    state: AppState,
    monkeypatch: pytest.MonkeyPatch,
    job_runner: Any,
) -> AsyncIterator[Env]:
    s = songs()
    spotify = FakeSpotify(s.spotify)
    spotify.apps[spotify.client_id].append(CALLBACK.format("spotify"))
    tidal = FakeTidal(s.tidal)
    sp_user = spotify.add_user("sp-ann", "Ann on Spotify")
    td_user = tidal.add_user("td-ann")
    async with wired(
        state,
        monkeypatch,
        spotify=(
            spotify,
            {"api_url": "/v1", "accounts_url": ""},
            {"client_id": spotify.client_id},
        ),
        tidal=(tidal, {}, {}),
    ) as servers:
        settings = tidal.settings(servers["tidal"].url)
        secret = SecretStr(settings.pop("client_secret"))
        section = state.settings.tidal.model_copy(update={**settings, "client_secret": secret})
        monkeypatch.setattr(state.settings, "tidal", section)
        tokens = await register(client)
        h = bearer(tokens)
        assert await connect(client, h, "spotify") == "/migrate?connected=spotify"
        assert await connect(client, h, "tidal") == "/migrate?connected=tidal"
        yield Env(client, h, spotify, tidal, s, tokens["user"]["id"], sp_user, td_user)


def keys(tracks: list[FakeTrack]) -> list[str]:
    return [t.key for t in tracks]

"""The fake Spotify and TIDAL as a process of their own, for the web end-to-end test:

    python -m tests.fakes.serve --spotify-port N --tidal-port M --base-url http://127.0.0.1:P

Builds the migration tests' catalog (`tests.migration.conftest.songs()`: one review row and two
unmatched ones), seeds a Spotify user with a playlist of those songs ("Road trip") and a TIDAL
user, registers Tonearm's Spotify callback (under `--base-url`) with the fake Spotify app, serves
both, prints one JSON line of the settings env vars that point Tonearm at them, and runs until
killed."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from tests.fakes.server import FakeServer
from tests.fakes.spotify import FakeSpotify
from tests.fakes.tidal import FakeTidal
from tests.migration.conftest import songs


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spotify-port", type=int, default=0, help="0: any free port")
    parser.add_argument("--tidal-port", type=int, default=0, help="0: any free port")
    parser.add_argument("--base-url", required=True, help="Tonearm's URL, as the browser uses it")
    parser.add_argument("--playlist", default="Road trip")
    args = parser.parse_args(argv)

    s = songs()
    spotify = FakeSpotify(s.spotify)
    spotify.apps[spotify.client_id].append(
        f"{args.base_url.rstrip('/')}/api/v1/connections/spotify/callback"
    )
    user = spotify.add_user("sp-ann", "Ann on Spotify")
    spotify.add_playlist(
        user, args.playlist, [*s.by_isrc, s.fuzzy, s.live_only, s.twins, s.missing]
    )
    spotify.like(user, s.by_isrc[:3])
    tidal = FakeTidal(s.tidal)
    tidal.add_user("td-ann")

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with (
        FakeServer(spotify, args.spotify_port) as sp_server,
        FakeServer(tidal, args.tidal_port) as td_server,
    ):
        td = tidal.settings(td_server.url)
        env = {
            "TONEARM_SPOTIFY__CLIENT_ID": spotify.client_id,
            "TONEARM_SPOTIFY__API_URL": f"{sp_server.url}/v1",
            "TONEARM_SPOTIFY__ACCOUNTS_URL": sp_server.url,
            "TONEARM_TIDAL__CLIENT_ID": td["client_id"],
            "TONEARM_TIDAL__CLIENT_SECRET": td["client_secret"],
            "TONEARM_TIDAL__API_URL": td["api_url"],
            "TONEARM_TIDAL__AUTH_URL": td["auth_url"],
            "TONEARM_TIDAL__LOGIN_URL": td["login_url"],
            "TONEARM_HTTP_ALLOW_HOSTS": f"{sp_server.host},{td_server.host}",
        }
        print(json.dumps(env), flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))

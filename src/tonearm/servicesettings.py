"""The nested settings sections of the streaming and metadata services (`providers/`).

Each base URL is a setting, so tests and benchmarks point the real clients at local fakes
(`TONEARM_SPOTIFY__API_URL=http://127.0.0.1:...`, with the host in `TONEARM_HTTP_ALLOW_HOSTS`).
Client ids and secrets have no default: a service without them is "not configured".
`tonearm.config` puts these sections in `Settings`; this module imports only pydantic.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr


class SpotifySettings(BaseModel):
    client_id: str | None = Field(
        None,
        description="Spotify app client id (authorization code with PKCE); each user may set "
        "their own on the connections page.",
    )
    client_secret: SecretStr | None = Field(
        None, description="Spotify app secret (app-only catalog search; PKCE needs none)."
    )
    api_url: str = Field("https://api.spotify.com/v1", description="Spotify Web API base URL.")
    accounts_url: str = Field(
        "https://accounts.spotify.com", description="Spotify accounts (OAuth) base URL."
    )


class DeezerSettings(BaseModel):
    client_id: str | None = Field(None, description="Deezer application id.")
    client_secret: SecretStr | None = Field(None, description="Deezer application secret key.")
    api_url: str = Field("https://api.deezer.com", description="Deezer API base URL.")
    connect_url: str = Field(
        "https://connect.deezer.com", description="Deezer OAuth (connect) base URL."
    )


class TidalSettings(BaseModel):
    client_id: str | None = Field(None, description="TIDAL developer app client id.")
    client_secret: SecretStr | None = Field(
        None, description="TIDAL app secret (app-only catalog access; PKCE needs none)."
    )
    api_url: str = Field("https://openapi.tidal.com/v2", description="TIDAL API v2 base URL.")
    auth_url: str = Field(
        "https://auth.tidal.com/v1/oauth2", description="TIDAL token endpoint base URL."
    )
    login_url: str = Field(
        "https://login.tidal.com", description="TIDAL login (authorization page) base URL."
    )
    country_code: str = Field("US", description="Catalog country for app-only TIDAL look-ups.")


class GoogleSettings(BaseModel):
    client_id: str | None = Field(None, description="Google OAuth client id (YouTube).")
    client_secret: SecretStr | None = Field(None, description="Google OAuth client secret.")
    auth_url: str = Field(
        "https://accounts.google.com/o/oauth2/v2/auth",
        description="Google OAuth authorization page.",
    )
    token_url: str = Field(
        "https://oauth2.googleapis.com", description="Google OAuth token and revoke base URL."
    )


class YoutubeSettings(BaseModel):
    api_url: str = Field(
        "https://www.googleapis.com/youtube/v3", description="YouTube Data API v3 base URL."
    )
    daily_quota: int = Field(10_000, description="YouTube Data API units per day (the project's).")
    search_daily_quota: int = Field(
        100, description="search.list calls per day (search has its own daily bucket)."
    )


class MusicbrainzSettings(BaseModel):
    api_url: str = Field("https://musicbrainz.org/ws/2", description="MusicBrainz WS/2 base URL.")
    contact: str = Field(
        "https://tonearm.dev",
        description="Contact URL or e-mail sent in the User-Agent, as MusicBrainz asks.",
    )
    requests_per_second: float = Field(1.0, description="MusicBrainz request rate (1/s allowed).")


class ListenbrainzSettings(BaseModel):
    api_url: str = Field("https://api.listenbrainz.org", description="ListenBrainz API base URL.")


class LastfmSettings(BaseModel):
    api_key: str | None = Field(None, description="Last.fm API key (scrobbling).")
    shared_secret: SecretStr | None = Field(None, description="Last.fm API shared secret.")
    api_url: str = Field("https://ws.audioscrobbler.com/2.0", description="Last.fm API base URL.")
    auth_url: str = Field(
        "https://www.last.fm/api/auth", description="Last.fm web authorization page."
    )


SERVICE_SECTIONS: dict[str, type[BaseModel]] = {
    "spotify": SpotifySettings,
    "deezer": DeezerSettings,
    "tidal": TidalSettings,
    "google": GoogleSettings,
    "youtube": YoutubeSettings,
    "musicbrainz": MusicbrainzSettings,
    "listenbrainz": ListenbrainzSettings,
    "lastfm": LastfmSettings,
}

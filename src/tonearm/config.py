"""The one Settings class. Every variable is `TONEARM_<NAME>`; each provider has a nested
section, `TONEARM_<SECTION>__<NAME>` (`TONEARM_SMTP__HOST`). The README's table is generated
from the descriptions here: `tonearm settings-table --write README.md`."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from tonearm.servicesettings import (
    SERVICE_SECTIONS,
    DeezerSettings,
    GoogleSettings,
    LastfmSettings,
    ListenbrainzSettings,
    MusicbrainzSettings,
    SpotifySettings,
    TidalSettings,
    YoutubeSettings,
)

ENV_PREFIX = "TONEARM_"


def default_scan_workers() -> int:
    return max(1, os.cpu_count() or 1)


# --- provider sections -------------------------------------------------------------------------


class S3Settings(BaseModel):
    bucket: str | None = Field(
        None, description="Set: media and artifacts go to this S3-compatible bucket."
    )
    endpoint_url: str | None = Field(None, description="S3 endpoint (MinIO, R2, ...).")
    region: str = Field("us-east-1", description="S3 region.")
    access_key_id: SecretStr | None = Field(None, description="S3 access key id.")
    secret_access_key: SecretStr | None = Field(None, description="S3 secret key.")
    prefix: str = Field("", description="Key prefix inside the bucket.")


class SmtpSettings(BaseModel):
    host: str | None = Field(None, description="SMTP host (`TONEARM_EMAIL_BACKEND=smtp`).")
    port: int = Field(587, description="SMTP port.")
    username: str | None = Field(None, description="SMTP user.")
    password: SecretStr | None = Field(None, description="SMTP password.")
    starttls: bool = Field(True, description="Use STARTTLS.")


class ResendSettings(BaseModel):
    api_key: SecretStr | None = Field(
        None, description="Resend API key (`TONEARM_EMAIL_BACKEND=resend`)."
    )
    api_url: str = Field("https://api.resend.com", description="Resend API base URL.")


class Msg91Settings(BaseModel):
    auth_key: SecretStr | None = Field(
        None, description="MSG91 auth key (`TONEARM_SMS_BACKEND=msg91`)."
    )
    template_id: str | None = Field(None, description="MSG91 flow template id (variable `otp`).")
    api_url: str = Field("https://control.msg91.com/api/v5", description="MSG91 API base URL.")


class TwilioSettings(BaseModel):
    account_sid: str | None = Field(
        None, description="Twilio account SID (`TONEARM_SMS_BACKEND=twilio`)."
    )
    auth_token: SecretStr | None = Field(None, description="Twilio auth token.")
    from_: str | None = Field(
        None, validation_alias=AliasChoices("from", "from_"), description="Twilio sender number."
    )
    api_url: str = Field("https://api.twilio.com", description="Twilio API base URL.")


SECTIONS: dict[str, type[BaseModel]] = {
    "s3": S3Settings,
    "smtp": SmtpSettings,
    "resend": ResendSettings,
    "msg91": Msg91Settings,
    "twilio": TwilioSettings,
    **SERVICE_SECTIONS,
}

# The flat names the sections replaced (`TONEARM_SMTP_HOST`): still read, as environment
# variables and as keyword arguments. Where both spellings are set, the nested one wins.
LEGACY_NAMES: dict[str, tuple[str, str]] = {
    f"{section}_{key}": (section, key)
    for section, keys in {
        "s3": ("bucket", "endpoint_url", "region", "access_key_id", "secret_access_key", "prefix"),
        "smtp": ("host", "port", "username", "password", "starttls"),
        "resend": ("api_key",),
        "msg91": ("auth_key", "template_id"),
        "twilio": ("account_sid", "auth_token", "from"),
    }.items()
    for key in keys
}


class _LegacyEnvSource(PydanticBaseSettingsSource):
    """The legacy flat names from the environment, handed on as flat keys for
    `Settings._legacy_flat_names` to place (the env source only reads declared fields)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads its names itself

    def __call__(self) -> dict[str, Any]:
        prefix = str(self.config.get("env_prefix", "")).lower()
        env = {k.lower(): v for k, v in os.environ.items()}
        return {flat: env[prefix + flat] for flat in LEGACY_NAMES if prefix + flat in env}


# --- settings ----------------------------------------------------------------------------------


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", env_file=None, extra="ignore"
    )

    # --- runtime -----------------------------------------------------------------------------
    env: Literal["development", "production", "test"] = Field(
        "development",
        description="`development`, `production` or `test`. Production: JSON logs, secure "
        "cookies, HSTS. Test (the test suite only): the cheapest argon2 for passwords.",
    )
    data_dir: Path = Field(
        Path("./data"),
        description="Embedded data: SQLite file, media, outbox, secret key, encryption keys.",
    )
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description="Public URL, used in emailed links and signed URLs.",
    )
    host: str = Field("127.0.0.1", description="Bind address for `tonearm serve`.")
    port: int = Field(8000, description="Port for `tonearm serve`.")
    log_level: str = Field("INFO", description="Log level.")
    log_json: bool | None = Field(
        None,
        description="Force JSON (true) or key=value (false) logs; default: JSON in production.",
    )

    # --- secrets (no built-in defaults) ------------------------------------------------------
    secret_key: SecretStr | None = Field(
        None,
        description="Signing secret for tokens. Unset: generated once into "
        "`<data_dir>/secret.key` (0600).",
    )
    encryption_keys: SecretStr | None = Field(
        None,
        description="Comma-separated Fernet keys, newest first, for secrets at rest. Unset: "
        "`<data_dir>/encryption.keys`.",
    )

    # --- database ----------------------------------------------------------------------------
    database_url: str | None = Field(
        None,
        description="`postgresql://...` (asyncpg) or `sqlite:///...`. Unset: SQLite in the data "
        "folder.",
    )
    database_echo: bool = Field(False, description="Log SQL.")
    database_pool_size: int = Field(10, description="PostgreSQL pool size (per process).")

    # --- jobs, cache, pub/sub ----------------------------------------------------------------
    broker_url: str | None = Field(
        None,
        description="Celery broker (Redis or RabbitMQ). Set: jobs run on `tonearm worker`. A "
        "Redis broker also carries job events when `TONEARM_REDIS_URL` is unset.",
    )
    redis_url: str | None = Field(
        None, description="Redis for rate limits, pub/sub and locks. Unset: in memory."
    )
    job_workers: int = Field(4, description="Concurrent jobs per process (local runner).")
    process_pool_size: int = Field(2, description="Processes for CPU-heavy job work.")
    job_stale_after_seconds: float = Field(
        60.0,
        description="A running job whose process has sent no heartbeat for this long is "
        "taken to be orphaned by a crash and run again.",
    )
    sweep_grace_seconds: int = Field(
        3600,
        description="Temporary files and stored objects no row owns are swept (at start, "
        "then on a schedule) once unmodified this long; a file a live request is writing "
        "keeps changing, so it is never that old.",
    )
    scheduler_enabled: bool = Field(True, description="Run the periodic scheduler inside `serve`.")

    # --- storage -----------------------------------------------------------------------------
    s3: S3Settings = Field(default_factory=S3Settings, description="S3-compatible storage.")

    # --- auth --------------------------------------------------------------------------------
    access_token_ttl_seconds: int = Field(15 * 60, description="Access JWT lifetime.")
    refresh_token_ttl_days: int = Field(30, description="Refresh token and session lifetime.")
    # A refresh token has one successor, derived from it. Presented again this soon after it
    # was exchanged, while that successor is still unused (two tabs refreshing at once, a
    # retry after a lost response), it gets the same successor. Later, or once the successor
    # was used, it is a stolen copy and the whole session is revoked. 0: no second exchange.
    refresh_retry_grace_seconds: int = Field(
        30,
        description="A refresh token presented again this soon, before the token it was "
        "exchanged for was used (concurrent refreshes, a lost response), gets that same "
        "token; otherwise reuse revokes the session. `0` turns this off.",
    )
    email_token_ttl_hours: int = Field(24, description="Email verification link lifetime.")
    password_reset_ttl_minutes: int = Field(60, description="Password reset link lifetime.")
    otp_ttl_seconds: int = Field(300, description="Phone OTP code lifetime.")
    otp_max_attempts: int = Field(5, description="Tries per OTP code.")
    auth_cache_seconds: float = Field(
        5.0,
        description="How long a process trusts a validated session before checking the "
        "database again (0: always check). Revocation applies at once in the same process, "
        "everywhere within this time.",
    )
    refresh_cookie_name: str = Field(
        "tonearm_refresh", description="Name of the HttpOnly refresh cookie."
    )
    cookie_secure: bool | None = Field(
        None, description="Secure flag on cookies; default: on in production."
    )

    # --- rate limits (limits' notation) ------------------------------------------------------
    rate_limit_enabled: bool = Field(True, description="Turn rate limiting off (benchmarks only).")
    rate_limit_auth: str = Field(
        "10/minute",
        description="Per IP, per auth route (login, register, reset, email verification, OTP).",
    )
    rate_limit_login_account_ip: str = Field(
        "5/5 minutes",
        description="Sign-in attempts per account (the login name given) from one IP; a "
        "successful sign-in clears the count.",
    )
    rate_limit_login_account: str = Field(
        "20/minute",
        description="Sign-in attempts per account from all IPs together: a short window, so "
        "guessing from many addresses is slowed while the owner is locked out a minute at most "
        "after the guessing stops.",
    )
    rate_limit_refresh: str = Field("30/minute", description="Token refreshes per IP.")
    rate_limit_sessions: str = Field(
        "30/minute", description="Session list and revoke calls per IP."
    )
    rate_limit_otp: str = Field("3/hour", description="Codes per phone number.")
    rate_limit_user: str = Field("100/minute", description="Signed-in callers, rest of the API.")
    rate_limit_guest: str = Field("20/minute", description="Guests (per IP), rest of the API.")
    rate_limit_stream: str = Field(
        "1200/minute",
        description="Requests under signed stream URLs (playlists, segments, audio), per "
        "token user: starting a track takes ~20, and skipping must not run out.",
    )

    # --- http --------------------------------------------------------------------------------
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed by CORS (none by default: same origin).",
    )
    max_body_bytes: int = Field(10 * 1024 * 1024, description="Request body limit (413 above).")
    upload_max_bytes: int = Field(
        200 * 1024 * 1024,
        description="Largest audio file accepted by an upload (413 `upload_too_large` above).",
    )
    transcode_cache_bytes: int = Field(
        2 * 1024 * 1024 * 1024,
        description="Size cap of the progressive transcode cache (least recently used go first).",
    )
    transcode_max_live: int = Field(
        4,
        description="Live transcodes at once per server process (429 `transcode_busy` above).",
    )
    transcode_max_live_per_user: int = Field(2, description="Live transcodes at once per user.")
    upload_max_request_bytes: int = Field(
        2 * 1024 * 1024 * 1024, description="Largest upload request (many files)."
    )
    http_max_header_bytes: int = Field(
        32 * 1024,
        description="Largest request line and headers `tonearm serve` reads (431 above).",
    )
    http_max_headers: int = Field(100, description="Most header lines in one request (431 above).")
    http_header_timeout: float = Field(
        10.0,
        description="Seconds a connection may take to send a whole request head; a slower "
        "client (or an idle new connection) is disconnected.",
    )
    http_keep_alive_seconds: int = Field(
        5, description="Seconds an idle keep-alive connection stays open between requests."
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated proxy IPs whose X-Forwarded-For is believed.",
    )

    # --- outgoing http (kit.http) ------------------------------------------------------------
    http_allow_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated `host` or `host:port` entries that outgoing HTTP may reach "
        "although they resolve to private or loopback addresses: a self-hosted service on the "
        "LAN, a local fake in tests. Matched against the name in the URL; cloud metadata "
        "addresses stay refused. Empty: public addresses only.",
    )

    # --- email and sms -----------------------------------------------------------------------
    email_backend: Literal["console", "smtp", "resend"] = Field(
        "console", description="`console` (log + `data/outbox/`), `smtp` or `resend`."
    )
    email_from: str = Field("Tonearm <no-reply@tonearm.local>", description="Sender address.")
    smtp: SmtpSettings = Field(default_factory=SmtpSettings, description="SMTP email.")
    resend: ResendSettings = Field(default_factory=ResendSettings, description="Resend email.")
    sms_backend: Literal["console", "msg91", "twilio"] = Field(
        "console", description="`console` (log + `data/outbox/`), `msg91` or `twilio`."
    )
    msg91: Msg91Settings = Field(default_factory=Msg91Settings, description="MSG91 SMS.")
    twilio: TwilioSettings = Field(default_factory=TwilioSettings, description="Twilio SMS.")

    # --- streaming and metadata services (providers/) ------------------------------------------
    spotify: SpotifySettings = Field(default_factory=SpotifySettings, description="Spotify.")
    deezer: DeezerSettings = Field(default_factory=DeezerSettings, description="Deezer.")
    tidal: TidalSettings = Field(default_factory=TidalSettings, description="TIDAL.")
    google: GoogleSettings = Field(default_factory=GoogleSettings, description="Google OAuth.")
    youtube: YoutubeSettings = Field(default_factory=YoutubeSettings, description="YouTube.")
    musicbrainz: MusicbrainzSettings = Field(
        default_factory=MusicbrainzSettings, description="MusicBrainz."
    )
    listenbrainz: ListenbrainzSettings = Field(
        default_factory=ListenbrainzSettings, description="ListenBrainz."
    )
    lastfm: LastfmSettings = Field(default_factory=LastfmSettings, description="Last.fm.")

    # --- library folder scan -----------------------------------------------------------------
    library_roots: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated folders the admin scan API may scan "
        "(`POST /api/v1/admin/library/scans`); nothing outside them is read. "
        "`tonearm scan DIR` may scan any folder.",
    )
    # Since the writer got cheaper than a reader (issue 10), a reader per core scans faster
    # (100k files on 2 cores: 2 readers 96.8 s, 1 reader 110.1 s); readers run at nice 10, so
    # the writer and the server's requests still come first.
    scan_workers: int = Field(
        default_factory=default_scan_workers,
        description="Processes reading tags during a folder scan (at a lower priority than "
        "the server and the process writing what they read).",
        json_schema_extra={"default_text": "CPU count"},
    )

    # --- web ---------------------------------------------------------------------------------
    web_dist: Path | None = Field(None, description="Built SPA folder; default `web/dist`.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        legacy = _LegacyEnvSource(settings_cls)
        return init_settings, env_settings, legacy, dotenv_settings, file_secret_settings

    @model_validator(mode="before")
    @classmethod
    def _legacy_flat_names(cls, data: Any) -> Any:
        """`smtp_host=` / `TONEARM_SMTP_HOST` -> `smtp.host`, unless the nested one is set."""
        if not isinstance(data, dict) or not any(k in LEGACY_NAMES for k in data):
            return data
        data = dict(data)
        for flat, (section, key) in LEGACY_NAMES.items():
            if flat not in data:
                continue
            value = data.pop(flat)
            nested = data.get(section)
            if nested is None:
                nested = {}
            if not isinstance(nested, dict):
                continue  # a whole section object was given: it wins
            if key not in nested and f"{key}_" not in nested:
                data[section] = {**nested, key: value}
        return data

    @field_validator(
        "cors_origins", "trusted_proxies", "library_roots", "http_allow_hosts", mode="before"
    )
    @classmethod
    def _split_csv(cls, v: object) -> object:
        if isinstance(v, str) and not v.strip().startswith("["):
            return [p.strip() for p in v.split(",") if p.strip()]
        return v

    @field_validator("http_allow_hosts")
    @classmethod
    def _valid_hosts(cls, v: list[str]) -> list[str]:
        if v:
            from tonearm.kit.netguard import AllowedHosts  # httpx: only when there is a list

            AllowedHosts.parse(v)  # ValueError names the bad entry
        return v

    # --- derived -----------------------------------------------------------------------------
    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def json_logs(self) -> bool:
        return self.is_production if self.log_json is None else self.log_json

    @property
    def secure_cookies(self) -> bool:
        return self.is_production if self.cookie_secure is None else self.cookie_secure

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return normalise_db_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'tonearm.db').resolve()}"

    def resolved_secret_key(self) -> str:
        """The configured secret, or the one kept in the data folder (created on first use)."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return _load_or_create_secret(self.data_dir / "secret.key")

    def fernet_keys(self) -> list[str]:
        if self.encryption_keys is not None:
            return [k.strip() for k in self.encryption_keys.get_secret_value().split(",") if k]
        return []


def normalise_db_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+asyncpg://" + url[len("postgresql://") :]
    if url.startswith("sqlite:///"):
        url = "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


def _load_or_create_secret(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    value = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once agree on the first one written.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


@lru_cache
def get_settings() -> Settings:
    return Settings()

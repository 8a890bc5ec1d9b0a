"""The one Settings class. Every variable is `TONEARM_<NAME>`; see the README table."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def default_scan_workers() -> int:
    return max(1, (os.cpu_count() or 2) - 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TONEARM_", env_file=None, extra="ignore")

    # --- runtime -----------------------------------------------------------------------------
    env: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("./data")
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool | None = None  # default: JSON in production, key=value otherwise

    # --- secrets (no built-in defaults) ------------------------------------------------------
    secret_key: SecretStr | None = None
    # Comma-separated Fernet keys, newest first. Defaults to one derived from the secret key.
    encryption_keys: SecretStr | None = None

    # --- database ----------------------------------------------------------------------------
    database_url: str | None = None  # default: sqlite+aiosqlite:///<data_dir>/tonearm.db
    database_echo: bool = False
    database_pool_size: int = 10

    # --- jobs, cache, pub/sub ----------------------------------------------------------------
    broker_url: str | None = None  # set => Celery runner
    redis_url: str | None = None  # set => rate limits, pub/sub, idempotency, scheduler lock
    job_workers: int = 4
    process_pool_size: int = 2
    scheduler_enabled: bool = True

    # --- storage -----------------------------------------------------------------------------
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: SecretStr | None = None
    s3_secret_access_key: SecretStr | None = None
    s3_prefix: str = ""

    # --- auth --------------------------------------------------------------------------------
    access_token_ttl_seconds: int = 15 * 60
    refresh_token_ttl_days: int = 30
    # A refresh token presented again this soon after it was exchanged, while the token it was
    # exchanged for is still unused, is a retry whose response was lost (a phone between
    # networks): it gets a new token and the unused one is voided. Later, or once that one was
    # used, it is a stolen copy and the whole session is revoked. 0: no retries.
    refresh_retry_grace_seconds: int = 30
    email_token_ttl_hours: int = 24
    password_reset_ttl_minutes: int = 60
    otp_ttl_seconds: int = 300
    otp_max_attempts: int = 5
    auth_cache_seconds: float = 5.0
    refresh_cookie_name: str = "tonearm_refresh"
    cookie_secure: bool | None = None  # default: True in production

    # --- rate limits (limits' notation) ------------------------------------------------------
    rate_limit_enabled: bool = True
    rate_limit_auth: str = "10/minute"
    rate_limit_otp: str = "3/hour"
    rate_limit_user: str = "100/minute"
    rate_limit_guest: str = "20/minute"

    # --- http --------------------------------------------------------------------------------
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_body_bytes: int = 10 * 1024 * 1024
    upload_max_bytes: int = 200 * 1024 * 1024  # per file
    transcode_cache_bytes: int = 2 * 1024 * 1024 * 1024
    transcode_max_live: int = 4  # live transcodes per server process
    transcode_max_live_per_user: int = 2
    upload_max_request_bytes: int = 2 * 1024 * 1024 * 1024  # per upload request
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # --- email and sms -----------------------------------------------------------------------
    email_backend: Literal["console", "smtp", "resend"] = "console"
    email_from: str = "Tonearm <no-reply@tonearm.local>"
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    resend_api_key: SecretStr | None = None
    sms_backend: Literal["console", "msg91", "twilio"] = "console"
    msg91_auth_key: SecretStr | None = None
    msg91_template_id: str | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from: str | None = None

    # --- library folder scan -----------------------------------------------------------------
    # Folders the admin API may scan (comma separated); nothing outside them is ever read.
    library_roots: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    # Tag-reading processes. One core is left to the process that writes what they read:
    # on 2 cores, 1 reader scans ~10% faster than 2 (the writer was starved).
    scan_workers: int = Field(default_factory=default_scan_workers)

    # --- web ---------------------------------------------------------------------------------
    web_dist: Path | None = None  # default: <repo>/web/dist when it exists

    @field_validator("cors_origins", "trusted_proxies", "library_roots", mode="before")
    @classmethod
    def _split_csv(cls, v: object) -> object:
        if isinstance(v, str) and not v.strip().startswith("["):
            return [p.strip() for p in v.split(",") if p.strip()]
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

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from tonearm.config import LEGACY_NAMES, Settings, SmtpSettings, normalise_db_url


def test_list_settings_from_comma_separated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONEARM_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("TONEARM_TRUSTED_PROXIES", "10.0.0.1")
    monkeypatch.setenv("TONEARM_LIBRARY_ROOTS", "/music,/srv/more music")
    s = Settings()
    assert s.cors_origins == ["https://a.example", "https://b.example"]
    assert s.trusted_proxies == ["10.0.0.1"]
    assert s.library_roots == [Path("/music"), Path("/srv/more music")]


def test_database_urls_are_normalised() -> None:
    assert normalise_db_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalise_db_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"


def test_no_secret_has_a_default(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path)
    assert s.secret_key is None and s.encryption_keys is None
    first = s.resolved_secret_key()
    assert len(first) > 40 and s.resolved_secret_key() == first
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0
    assert Settings(data_dir=tmp_path / "other").resolved_secret_key() != first


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.upper().startswith("TONEARM_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_provider_sections_from_nested_env(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TONEARM_SMTP__HOST", "mail.example")
    clean_env.setenv("TONEARM_SMTP__PORT", "2525")
    clean_env.setenv("TONEARM_SMTP__STARTTLS", "false")
    clean_env.setenv("TONEARM_RESEND__API_KEY", "re_nested")
    clean_env.setenv("TONEARM_RESEND__API_URL", "http://127.0.0.1:9000")
    clean_env.setenv("TONEARM_MSG91__TEMPLATE_ID", "tmpl")
    clean_env.setenv("TONEARM_TWILIO__FROM", "+15550000000")
    clean_env.setenv("tonearm_s3__bucket", "media")  # names are case-insensitive
    s = Settings()
    assert (s.smtp.host, s.smtp.port, s.smtp.starttls) == ("mail.example", 2525, False)
    assert isinstance(s.resend.api_key, SecretStr)
    assert s.resend.api_key.get_secret_value() == "re_nested"
    assert s.resend.api_url == "http://127.0.0.1:9000"
    assert s.msg91.template_id == "tmpl"
    assert s.msg91.api_url == "https://control.msg91.com/api/v5"
    assert s.twilio.from_ == "+15550000000"
    assert s.s3.bucket == "media" and s.s3.region == "us-east-1"


def test_defaults_point_at_the_real_services(clean_env: pytest.MonkeyPatch) -> None:
    s = Settings()
    assert s.resend.api_url == "https://api.resend.com"
    assert s.twilio.api_url == "https://api.twilio.com"
    assert s.smtp.host is None and s.smtp.port == 587 and s.smtp.starttls
    assert s.s3.bucket is None and s.s3.prefix == ""
    assert s.http_allow_hosts == []


LEGACY_ENV = {
    "TONEARM_SMTP_HOST": "legacy.example",
    "TONEARM_SMTP_PORT": "25",
    "TONEARM_SMTP_USERNAME": "u",
    "TONEARM_SMTP_PASSWORD": "p",
    "TONEARM_SMTP_STARTTLS": "false",
    "TONEARM_RESEND_API_KEY": "re_legacy",
    "TONEARM_MSG91_AUTH_KEY": "mk",
    "TONEARM_MSG91_TEMPLATE_ID": "mt",
    "TONEARM_TWILIO_ACCOUNT_SID": "AC1",
    "TONEARM_TWILIO_AUTH_TOKEN": "tt",
    "TONEARM_TWILIO_FROM": "+15551112222",
    "TONEARM_S3_BUCKET": "b",
    "TONEARM_S3_ENDPOINT_URL": "http://minio:9000",
    "TONEARM_S3_REGION": "eu-west-1",
    "TONEARM_S3_ACCESS_KEY_ID": "ak",
    "TONEARM_S3_SECRET_ACCESS_KEY": "sk",
    "TONEARM_S3_PREFIX": "media/",
}


def _provider_values(s: Settings) -> dict[str, object]:
    def plain(v: object) -> object:
        return v.get_secret_value() if isinstance(v, SecretStr) else v

    return {
        f"{section}.{key}": plain(getattr(getattr(s, section), key))
        for section in ("smtp", "resend", "msg91", "twilio", "s3")
        for key in type(getattr(s, section)).model_fields
    }


def test_legacy_flat_env_names_still_work(clean_env: pytest.MonkeyPatch) -> None:
    assert {f"TONEARM_{flat.upper()}" for flat in LEGACY_NAMES} == set(LEGACY_ENV)
    for name, value in LEGACY_ENV.items():
        clean_env.setenv(name, value)
    v = _provider_values(Settings())
    assert v["smtp.host"] == "legacy.example" and v["smtp.port"] == 25
    assert v["smtp.username"] == "u" and v["smtp.password"] == "p"
    assert v["smtp.starttls"] is False
    assert v["resend.api_key"] == "re_legacy"
    assert (v["msg91.auth_key"], v["msg91.template_id"]) == ("mk", "mt")
    assert (v["twilio.account_sid"], v["twilio.auth_token"]) == ("AC1", "tt")
    assert v["twilio.from_"] == "+15551112222"
    assert v["s3.bucket"] == "b" and v["s3.endpoint_url"] == "http://minio:9000"
    assert (v["s3.region"], v["s3.prefix"]) == ("eu-west-1", "media/")
    assert (v["s3.access_key_id"], v["s3.secret_access_key"]) == ("ak", "sk")


def test_legacy_keyword_arguments_still_work(clean_env: pytest.MonkeyPatch) -> None:
    kwargs = {flat: LEGACY_ENV[f"TONEARM_{flat.upper()}"] for flat in LEGACY_NAMES}
    from_kwargs = _provider_values(Settings(**kwargs))  # type: ignore[arg-type]
    for name, value in LEGACY_ENV.items():
        clean_env.setenv(name, value)
    assert from_kwargs == _provider_values(Settings())


def test_nested_name_wins_over_legacy(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TONEARM_SMTP_HOST", "legacy.example")
    clean_env.setenv("TONEARM_SMTP_PORT", "25")
    clean_env.setenv("TONEARM_SMTP__HOST", "nested.example")
    clean_env.setenv("TONEARM_TWILIO_FROM", "+1000")
    clean_env.setenv("TONEARM_TWILIO__FROM", "+2000")
    s = Settings()
    assert s.smtp.host == "nested.example"
    assert s.smtp.port == 25  # only the legacy name set it
    assert s.twilio.from_ == "+2000"
    # keyword arguments: the same rule, and a whole section object wins outright
    s = Settings(s3_bucket="legacy", s3={"bucket": "nested"})  # type: ignore[call-arg]
    assert s.s3.bucket == "nested"
    s = Settings(smtp_host="legacy", smtp=SmtpSettings(port=2525))  # type: ignore[call-arg]
    assert s.smtp.host is None and s.smtp.port == 2525
    # a nested environment variable beats a legacy keyword argument; between two legacy
    # spellings the keyword argument wins, as keywords always do
    assert Settings(smtp_host="kwarg").smtp.host == "nested.example"  # type: ignore[call-arg]
    clean_env.delenv("TONEARM_SMTP__HOST")
    assert Settings(smtp_host="kwarg").smtp.host == "kwarg"  # type: ignore[call-arg]


def test_secrets_are_not_shown(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TONEARM_TWILIO__AUTH_TOKEN", "hunter2")
    clean_env.setenv("TONEARM_SMTP_PASSWORD", "hunter3")
    s = Settings()
    assert "hunter2" not in repr(s) and "hunter3" not in repr(s)
    assert "hunter2" not in s.model_dump_json() and "hunter3" not in str(s.model_dump())


def test_http_allow_hosts(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TONEARM_HTTP_ALLOW_HOSTS", "nas.lan, 127.0.0.1:8025,[::1]:9000")
    assert Settings().http_allow_hosts == ["nas.lan", "127.0.0.1:8025", "[::1]:9000"]
    clean_env.setenv("TONEARM_HTTP_ALLOW_HOSTS", "http://nas.lan/")
    with pytest.raises(ValidationError, match="host"):
        Settings()

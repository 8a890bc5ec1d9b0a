from __future__ import annotations

from pathlib import Path

import pytest

from tonearm.config import Settings, normalise_db_url


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

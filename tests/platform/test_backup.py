"""`tonearm backup DIR` / `tonearm restore DIR` through the real CLI: a round trip on SQLite
(and on PostgreSQL when TONEARM_TEST_DATABASE_URL is set, in scratch databases of its own), a
backup taken beside an open write transaction, and the refusals: damaged backup, non-empty
target, a schema newer than the code, a non-empty backup folder, no pg_dump."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from tests.audio_fixtures import make_audio
from tests.conftest import TEST_DB_URL
from tonearm.cli import app
from tonearm.config import get_settings, normalise_db_url
from tonearm.kit import crypto
from tonearm.kit.db import Database
from tonearm.models.accounts import User
from tonearm.platform.backup import libpq_url
from tonearm.platform.storage import storage_from_settings

runner = CliRunner()
KEY = "tracks/0b/original.flac"
PHONE = "+4915112345678"


class Env:
    """Points the CLI (environment, cached settings) at one data folder and database."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
        self.mp = monkeypatch
        self.tmp = tmp

    def use(self, name: str, database_url: str | None = None) -> Path:
        folder = self.tmp / name
        self.mp.setenv("TONEARM_DATA_DIR", str(folder))
        if database_url:
            self.mp.setenv("TONEARM_DATABASE_URL", database_url)
        else:
            self.mp.delenv("TONEARM_DATABASE_URL", raising=False)
        get_settings.cache_clear()
        return folder


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    for name in ("TONEARM_SECRET_KEY", "TONEARM_ENCRYPTION_KEYS", "TONEARM_S3__BUCKET"):
        monkeypatch.delenv(name, raising=False)
    saved = crypto._keyring  # the app under test in this process keeps its own keys
    yield Env(monkeypatch, tmp_path)
    crypto._keyring = saved
    get_settings.cache_clear()


def tonearm(*argv: str) -> Result:
    return runner.invoke(app, list(argv))


def ok(*argv: str) -> Result:
    r = tonearm(*argv)
    assert r.exit_code == 0, r.output
    return r


def refused(*argv: str) -> str:
    """The command fails with exit 1 and one line on stderr (after the data folder line)."""
    r = tonearm(*argv)
    assert r.exit_code == 1, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    lines = [ln for ln in r.stderr.splitlines() if not ln.startswith("tonearm: data folder")]
    assert len(lines) == 1 and "Traceback" not in r.output, r.stderr
    return lines[0]


async def _seed(folder: Path) -> bytes:
    """A user with an encrypted phone number and a stored audio file, by the app's code."""
    settings = get_settings()
    crypto.configure(crypto.load_keys([], folder))
    db = Database(settings.effective_database_url)
    try:
        async with db.session() as s:
            s.add(User(email="a@example.com", username="ada", username_key="ada", phone=PHONE))
    finally:
        await db.dispose()
    audio = make_audio(folder.parent / "src.flac", "flac", seconds=0.5).read_bytes()
    await storage_from_settings(settings).put(KEY, audio, content_type="audio/flac")
    return audio


async def _read_back(folder: Path) -> tuple[list[tuple[str, str | None]], str | None]:
    """The users (username, decrypted phone) and the stored file's SHA-256 from its sidecar,
    with the keys of `folder` only."""
    settings = get_settings()
    crypto.configure(crypto.read_keyfile(crypto.keyfile_path(folder)))
    db = Database(settings.effective_database_url)
    try:
        async with db.session() as s:
            rows = (await s.execute(select(User.username, User.phone))).all()
    finally:
        await db.dispose()
    found = await storage_from_settings(settings).stat(KEY)
    return [(r[0], r[1]) for r in rows], found.sha256 if found else None


def _keys(folder: Path) -> dict[str, bytes]:
    return {n: (folder / n).read_bytes() for n in ("secret.key", "encryption.keys")}


def _round_trip(env: Env, src_url: str | None = None, dst_url: str | None = None) -> None:
    src = env.use("src", src_url)
    ok("db", "upgrade")
    audio = asyncio.run(_seed(src))
    keys = _keys(src)
    out = env.tmp / "backup"
    r = ok("backup", str(out))
    assert "media: 1 object(s)" in r.output and "secret.key, encryption.keys" in r.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    for name in keys:
        assert stat.S_IMODE((out / "keys" / name).stat().st_mode) == 0o600
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["database"]["kind"] == ("postgresql" if src_url else "sqlite")
    assert manifest["database"]["alembic_revision"]
    media = next(a for a in manifest["artefacts"] if a["path"] == "media")
    assert media["files"] == 2 and media["bytes"] > len(audio)  # the object and its sidecar

    # The source is gone; restore into a new data folder (and database).
    import shutil

    shutil.rmtree(src)
    dst = env.use("dst", dst_url)
    assert not dst.exists()
    r = ok("restore", str(out))
    assert "restored" in r.output
    assert _keys(dst) == keys
    for name in keys:
        assert stat.S_IMODE((dst / name).stat().st_mode) == 0o600
    assert (dst / "media" / KEY).read_bytes() == audio
    users, sha = asyncio.run(_read_back(dst))
    assert users == [("ada", PHONE)]  # the phone decrypts with the restored keys
    assert sha == hashlib.sha256(audio).hexdigest()  # the sidecar still matches (mtime kept)
    # A second restore over what is now there is refused, and --force allows it.
    assert "pass --force" in refused("restore", str(out))
    ok("restore", str(out), "--force")
    assert asyncio.run(_read_back(dst))[0] == [("ada", PHONE)]


def test_sqlite_round_trip_through_the_cli(env: Env) -> None:
    _round_trip(env)


@pytest.mark.postgres
@pytest.mark.skipif(not TEST_DB_URL, reason="TONEARM_TEST_DATABASE_URL not set")
def test_postgresql_round_trip_in_scratch_databases(env: Env) -> None:
    from tests.pgutil import create_database, drop_database

    assert TEST_DB_URL is not None
    base = normalise_db_url(TEST_DB_URL)
    src_url, src_name = create_database(base, "backup")
    try:
        dst_url, dst_name = create_database(base, "backup")
        try:
            _round_trip(env, src_url, dst_url)
        finally:
            drop_database(base, dst_name)
    finally:
        drop_database(base, src_name)


def test_backup_beside_an_open_write_transaction_is_consistent(env: Env) -> None:
    """A write committed but still only in the WAL is in the backup (a plain copy of the
    file would miss it); one not yet committed is not, and the backup does not wait for it."""
    src = env.use("src")
    ok("db", "upgrade")
    asyncio.run(_seed(src))
    writer = sqlite3.connect(src / "tonearm.db", isolation_level=None, timeout=1)
    try:
        assert writer.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        writer.execute("UPDATE users SET username = 'ada lovelace'")  # committed, in the WAL
        assert (src / "tonearm.db-wal").stat().st_size > 0
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM users")  # uncommitted while the backup runs
        out = env.tmp / "backup"
        ok("backup", str(out))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    copy = sqlite3.connect(out / "database.sqlite")
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT username FROM users").fetchall() == [("ada lovelace",)]
    finally:
        copy.close()
    dst = env.use("dst")
    ok("restore", str(out))
    assert asyncio.run(_read_back(dst))[0] == [("ada lovelace", PHONE)]


@pytest.mark.parametrize("artefact", ["database.sqlite", f"media/{KEY}", "keys/secret.key"])
def test_a_tampered_artefact_is_refused_before_anything_is_written(env: Env, artefact: str) -> None:
    src = env.use("src")
    ok("db", "upgrade")
    asyncio.run(_seed(src))
    out = env.tmp / "backup"
    ok("backup", str(out))
    target = out / artefact
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit, same size
    target.write_bytes(bytes(data))
    dst = env.use("dst")
    line = refused("restore", str(out))
    assert "does not match its checksum" in line and artefact.split("/")[0] in line
    assert not dst.exists()


def test_a_non_empty_target_is_refused_without_force(env: Env) -> None:
    src = env.use("src")
    ok("db", "upgrade")
    asyncio.run(_seed(src))
    out = env.tmp / "backup"
    ok("backup", str(out))
    dst = env.use("dst")
    ok("db", "upgrade")  # a data folder of its own: database and other keys
    before = _keys(dst)
    line = refused("restore", str(out))
    assert line.startswith("tonearm: not empty: database ") and "pass --force" in line
    assert _keys(dst) == before
    assert asyncio.run(_read_back(dst))[0] == []
    ok("restore", str(out), "--force")
    assert _keys(dst) == _keys(src)
    assert asyncio.run(_read_back(dst))[0] == [("ada", PHONE)]


def test_a_backup_from_a_newer_schema_is_refused(env: Env) -> None:
    src = env.use("src")
    ok("db", "upgrade")
    conn = sqlite3.connect(src / "tonearm.db")
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00dfacef00d'")
    conn.close()
    out = env.tmp / "backup"
    ok("backup", str(out))
    dst = env.use("dst")
    line = refused("restore", str(out))
    assert "schema revision f00dfacef00d is newer than this Tonearm's" in line
    assert not dst.exists()


def test_a_backup_from_an_older_schema_restores_and_says_to_upgrade(env: Env) -> None:
    env.use("src")
    ok("db", "upgrade", "--revision", "0005")
    out = env.tmp / "backup"
    ok("backup", str(out))
    env.use("dst")
    r = ok("restore", str(out))
    assert "revision 0005" in r.output and "tonearm db upgrade" in r.output
    ok("db", "upgrade")


def test_backup_refuses_a_non_empty_folder_and_a_missing_database(env: Env) -> None:
    env.use("src")
    out = env.tmp / "backup"
    out.mkdir()
    assert "no database in" in refused("backup", str(out))
    ok("db", "upgrade")
    (out / "something").write_text("x")
    assert "is not an empty folder" in refused("backup", str(out))
    assert [p.name for p in out.iterdir()] == ["something"]


def test_restore_refuses_a_folder_without_a_manifest(env: Env) -> None:
    env.use("dst")
    (env.tmp / "nothing").mkdir()
    assert "no manifest.json" in refused("restore", str(env.tmp / "nothing"))


def test_without_pg_dump_the_backup_says_so_and_leaves_nothing(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    env.use("pg", "postgresql://tonearm@127.0.0.1:1/none")
    monkeypatch.setenv("TONEARM_SECRET_KEY", "s" * 48)
    monkeypatch.setenv("TONEARM_ENCRYPTION_KEYS", "k" * 43 + "=")
    monkeypatch.setenv("PATH", str(env.tmp / "empty-path"))
    get_settings.cache_clear()
    out = env.tmp / "backup"
    assert refused("backup", str(out)).startswith("tonearm: pg_dump not found")
    assert list(out.iterdir()) == []


def test_the_sqlalchemy_url_becomes_a_libpq_url_with_the_password_apart() -> None:
    url = "postgresql+asyncpg://me:p%40ss@db.example:5433/music?ssl=require&command_timeout=5"
    assert libpq_url(url) == (
        "postgresql://me@db.example:5433/music?sslmode=require",
        {"PGPASSWORD": "p@ss"},
    )
    assert libpq_url("postgresql+asyncpg://me@localhost/music") == (
        "postgresql://me@localhost/music",
        {},
    )


def test_keys_in_the_environment_are_named_not_copied(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = env.use("src")
    ok("db", "upgrade")
    for name in ("secret.key", "encryption.keys"):
        (src / name).unlink()
    monkeypatch.setenv("TONEARM_SECRET_KEY", "s" * 48)
    monkeypatch.setenv("TONEARM_ENCRYPTION_KEYS", "k" * 43 + "=")
    get_settings.cache_clear()
    out = env.tmp / "backup"
    r = ok("backup", str(out))
    assert "TONEARM_SECRET_KEY and TONEARM_ENCRYPTION_KEYS come from the environment" in r.output
    assert list((out / "keys").iterdir()) == []
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["keys"] == {
        "files": [],
        "from_environment": ["TONEARM_SECRET_KEY", "TONEARM_ENCRYPTION_KEYS"],
    }
    assert os.stat(out / "manifest.json").st_mode & 0o077 == 0


def test_media_in_s3_are_named_not_copied(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """No S3 call is made: the manifest and the summary say the bucket is not in the backup."""
    env.use("src")
    ok("db", "upgrade")
    monkeypatch.setenv("TONEARM_S3__BUCKET", "tonearm-media")
    get_settings.cache_clear()
    out = env.tmp / "backup"
    r = ok("backup", str(out))
    assert "media in S3 bucket tonearm-media not copied" in r.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["media"]["storage"] == "s3" and manifest["media"]["copied"] is False
    assert not (out / "media").exists()
    assert [a["path"] for a in manifest["artefacts"]] == ["database.sqlite", "keys"]
    env.use("dst")
    r = ok("restore", str(out))
    assert "media live in S3 and are not in this backup" in r.output

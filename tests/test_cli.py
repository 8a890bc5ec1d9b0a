"""The `tonearm` CLI: user create/list, db upgrade, keys rotate, openapi."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tonearm.cli import app
from tonearm.config import get_settings

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TONEARM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("TONEARM_DATABASE_URL", raising=False)
    monkeypatch.delenv("TONEARM_SECRET_KEY", raising=False)
    monkeypatch.delenv("TONEARM_ENCRYPTION_KEYS", raising=False)
    get_settings.cache_clear()
    from tonearm.kit import crypto

    saved = crypto._keyring  # the app under test in this process keeps its own keys
    yield tmp_path
    crypto._keyring = saved
    get_settings.cache_clear()


def test_user_create_admin_and_list(cli_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    r = runner.invoke(
        app,
        [
            "user",
            "create",
            "--email",
            "a@example.com",
            "--username",
            "boss",
            "--password",
            "long enough pw",
            "--admin",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "admin" in r.output
    dup = runner.invoke(
        app,
        [
            "user",
            "create",
            "--email",
            "a@example.com",
            "--username",
            "boss2",
            "--password",
            "long enough pw",
        ],
    )
    assert dup.exit_code == 1
    assert "already registered" in dup.output
    short = runner.invoke(
        app, ["user", "create", "--email", "b@example.com", "--username", "x1", "--password", "s"]
    )
    assert short.exit_code == 2
    listed = runner.invoke(app, ["user", "list"])
    assert listed.exit_code == 0
    assert "boss" in listed.output and "a@example.com" in listed.output
    # First start created a secret key readable by the owner only.
    mode = stat.S_IMODE(os.stat(cli_env / "secret.key").st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(os.stat(cli_env / "encryption.keys").st_mode) == 0o600


def test_keys_rotate_reencrypts_stored_secrets(cli_env: Path) -> None:
    import asyncio

    from sqlalchemy import Text, select, type_coerce

    from tonearm.kit import crypto
    from tonearm.kit.db import Database
    from tonearm.models.accounts import User

    settings = get_settings()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    crypto.configure(crypto.load_keys([], settings.data_dir))
    old_keys = crypto.read_keyfile(crypto.keyfile_path(cli_env))

    async def seed() -> str:
        db = Database(settings.effective_database_url)
        async with db.session() as s:
            s.add(
                User(
                    email=None,
                    username="ph",
                    username_key="ph",
                    phone="+4915112345678",
                    phone_key="k",
                )
            )
        async with db.session() as s:
            raw = (await s.execute(select(type_coerce(User.phone, Text())))).scalar_one()
        await db.dispose()
        return str(raw)

    before = asyncio.run(seed())
    r = runner.invoke(app, ["keys", "rotate", "--drop-old"])
    assert r.exit_code == 0, r.output
    assert "re-encrypted 1" in r.output
    new_keys = crypto.read_keyfile(crypto.keyfile_path(cli_env))
    assert len(new_keys) == 1 and new_keys[0] not in old_keys

    async def read() -> tuple[str, str | None]:
        crypto.configure(new_keys)
        db = Database(settings.effective_database_url)
        async with db.session() as s:
            raw = (await s.execute(select(type_coerce(User.phone, Text())))).scalar_one()
            plain = (await s.execute(select(User.phone))).scalar_one()
        await db.dispose()
        return str(raw), plain

    after, plain = asyncio.run(read())
    assert after != before
    assert plain == "+4915112345678"
    # The old key alone can no longer read it.
    crypto.configure(old_keys)
    with pytest.raises(crypto.KeyringError):
        crypto.decrypt(after)


def test_openapi_command_prints_stable_operation_ids(cli_env: Path) -> None:
    r = runner.invoke(app, ["openapi"])
    assert r.exit_code == 0
    spec = json.loads(r.output)
    ops = {
        op["operationId"]
        for path in spec["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert {"auth-register", "auth-login", "auth-refresh", "me-get"} <= ops


@pytest.mark.parametrize(
    "argv",
    [["user", "list"], ["user", "create", "--email", "e@example.com", "--username", "eve",
      "--password", "long enough pw"], ["keys", "rotate"], ["db", "vacuum"]],
)  # fmt: skip
def test_commands_outside_a_data_folder_refuse_in_one_line(
    cli_env: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """Run from an empty folder: no new ./data (keys, database), no traceback, exit 1."""
    monkeypatch.delenv("TONEARM_DATA_DIR")
    get_settings.cache_clear()
    monkeypatch.chdir(cli_env)
    r = runner.invoke(app, argv)
    assert r.exit_code == 1, r.output
    here = (cli_env / "data").resolve()
    assert r.stderr.strip().splitlines() == [
        f"tonearm: data folder {here}",
        f"tonearm: no database in {here}: run `tonearm db upgrade` or set TONEARM_DATA_DIR",
    ]
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert list(cli_env.iterdir()) == []


def test_keys_missing_beside_a_database_are_not_recreated(cli_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    (cli_env / "encryption.keys").unlink()
    r = runner.invoke(app, ["user", "list"])
    assert r.exit_code == 1
    assert f"no encryption keys in {cli_env.resolve()}" in r.stderr
    assert not (cli_env / "encryption.keys").exists()


def test_db_upgrade_makes_the_database_owner_only(cli_env: Path) -> None:
    r = runner.invoke(app, ["db", "upgrade"])
    assert r.exit_code == 0, r.output
    assert f"data folder {cli_env.resolve()}" in r.stderr
    files = [p for p in cli_env.iterdir() if p.name.startswith("tonearm.db")]
    assert cli_env / "tonearm.db" in files
    for path in files:  # with its -wal/-shm, when SQLite left them
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path


def test_scan_prints_its_summary_without_log_lines(cli_env: Path) -> None:
    """A real process (structlog as a user gets it): no debug/info line per file."""
    import subprocess
    import sys

    from tests.audio_fixtures import make_audio

    music = cli_env / "music"
    for n in range(2):
        make_audio(music / f"{n}.ogg", "ogg", seconds=0.5, tags={"title": f"t{n}"}, seed=n)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    made = runner.invoke(
        app,
        ["user", "create", "--email", "s@example.com", "--username", "scanner",
         "--password", "long enough pw", "--admin"],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    env = {k: v for k, v in os.environ.items() if k != "TONEARM_LOG_LEVEL"}
    env["TONEARM_DATA_DIR"] = str(cli_env)
    done = subprocess.run(
        [sys.executable, "-m", "tonearm", "scan", str(music)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "added" in done.stdout
    printed = done.stdout + done.stderr
    for noise in ("job_enqueued_without_runner", "scan_finished", "[debug", "[info"):
        assert noise not in printed, printed

"""A real `tonearm serve` in a subprocess, on a free port, with a database and data folder
of its own (SQLite, or a throwaway PostgreSQL database when TONEARM_TEST_DATABASE_URL is
set): for what only the real server shows (its HTTP protocol, its log, a kill -9)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import TEST_DB_URL, WORKER
from tonearm.config import normalise_db_url

STARTUP_WAIT = 90.0  # the server migrates first; two cores are shared with other test runs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    def __init__(self, data_dir: Path, database_url: str, env: dict[str, str]) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.extra_env = env
        self.port = free_port()
        self.log_path = data_dir / f"serve-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.sessions: list[int] = []  # every process group started (a killed one's too)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TONEARM_")}
        env.update(
            {
                "TONEARM_ENV": "test",
                "TONEARM_DATA_DIR": str(self.data_dir),
                "TONEARM_DATABASE_URL": self.database_url,
                "TONEARM_SECRET_KEY": "served-secret-" + "x" * 40,
                "TONEARM_LOG_LEVEL": "INFO",
                "TONEARM_LOG_JSON": "false",
                "TONEARM_WEB_DIST": str(self.data_dir / "no-web"),
                "PYTHONPATH": os.pathsep.join(sys.path),
            }
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        self.port = free_port()
        port = str(self.port)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tonearm", "serve", "--host", "127.0.0.1", "--port", port],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.sessions.append(self.proc.pid)
        log.close()
        deadline = time.monotonic() + STARTUP_WAIT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"tonearm serve exited:\n{self.log()}")
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"tonearm serve did not answer:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL the server process alone (its children are left to the server's own
        arrangements, which is what a crash does)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        for session in self.sessions:  # anything left (a test that failed half-way)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(session, signal.SIGKILL)


@contextmanager
def served(tmp: Path, **env: str) -> Iterator[Served]:
    """Started and answering; stopped (and its database dropped) on exit."""
    data_dir = tmp / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    name = None
    if TEST_DB_URL:
        from tests.pgutil import create_database, drop_database

        url, name = create_database(normalise_db_url(TEST_DB_URL), WORKER)
    else:
        url = f"sqlite+aiosqlite:///{data_dir / 'served.db'}"
    server = Served(data_dir, url, {f"TONEARM_{k.upper()}": v for k, v in env.items()})
    try:
        server.start()
        yield server
    finally:
        server.stop()
        if name is not None:
            drop_database(normalise_db_url(TEST_DB_URL), name)  # type: ignore[arg-type]

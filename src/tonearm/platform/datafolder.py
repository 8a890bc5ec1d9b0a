"""Which data folder a CLI command works on, and the refusal to start one by accident.

Only `serve` and `db upgrade` create the data folder, its keys and its database; every other
command needs them to exist already, so a command run from the wrong folder says so in one
line instead of making a fresh `./data` with new keys and an empty database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from tonearm.config import Settings
from tonearm.kit import crypto


class DataFolderError(Exception):
    """A user error: the data folder (database, keys) is not there."""


def data_folder(settings: Settings) -> Path:
    return settings.data_dir.expanduser().resolve()


def sqlite_file(settings: Settings) -> Path | None:
    """The SQLite database file, or None for a server database (PostgreSQL)."""
    url = make_url(settings.effective_database_url)
    if not url.get_backend_name().startswith("sqlite") or not url.database:
        return None
    if url.database == ":memory:":
        return None
    return Path(url.database).expanduser().resolve()


def require_existing(settings: Settings, *, keys: bool = True) -> None:
    """Raise DataFolderError when the database or a key file would have to be created."""
    folder = data_folder(settings)
    hint = "run `tonearm db upgrade` or set TONEARM_DATA_DIR"
    db_file = sqlite_file(settings)
    if db_file is not None and not db_file.is_file():
        where = folder if db_file.parent == folder else db_file
        raise DataFolderError(f"no database in {where}: {hint}")
    if not keys:
        return
    if settings.secret_key is None and not (folder / "secret.key").is_file():
        raise DataFolderError(f"no secret key in {folder}: {hint} (or set TONEARM_SECRET_KEY)")
    if not settings.fernet_keys() and not crypto.keyfile_path(folder).is_file():
        raise DataFolderError(
            f"no encryption keys in {folder}: {hint} (or set TONEARM_ENCRYPTION_KEYS)"
        )

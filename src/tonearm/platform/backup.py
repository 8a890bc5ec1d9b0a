"""`tonearm backup DIR` and `tonearm restore DIR`: the database, the local media and the keys.

A backup folder holds `manifest.json` and one artefact per part: `database.sqlite` (an online
copy through SQLite's backup API: one read transaction, so one consistent snapshot while
`serve` keeps writing in WAL mode) or `database.pgdump` (`pg_dump --format=custom`), `media/`
(the local storage root, file for file with its mtimes, which the storage's sidecars check) and
`keys/` (`secret.key`, `encryption.keys`). The manifest gives the size, file count and SHA-256
of each artefact; `restore` checks all of them, the schema revision and the target before it
writes anything. Objects in S3 are not copied: the manifest and the summary say so.

The database is copied first, the media after: an object written in between is an orphan in
the backup (the orphan sweep removes it after a restore), while the other order would leave
rows whose files are missing.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from tonearm.config import Settings
from tonearm.kit import crypto
from tonearm.kit.storage.local import META_DIR, TMP_PREFIX
from tonearm.platform.datafolder import data_folder, sqlite_file

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite"
PG_FILE = "database.pgdump"
MEDIA = "media"
KEYS = "keys"
SECRET_FILE = "secret.key"
ARTEFACTS = {SQLITE_FILE, PG_FILE, MEDIA, KEYS}
KEY_NAMES = {SECRET_FILE, crypto.keyfile_path(Path()).name}
#: Query options of an asyncpg URL that libpq does not know.
ASYNCPG_ONLY = {"prepared_statement_cache_size", "command_timeout", "server_settings"}
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A user error (a non-empty folder, a damaged backup, no pg_dump): one line, exit 1."""


@dataclass
class Report:
    """What a backup or restore did, one line each, and what the operator must still do."""

    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- where things are ------------------------------------------------------------------------


def media_root(settings: Settings) -> Path | None:
    """The local storage root (`platform.storage`), or None when media live in S3."""
    return None if settings.s3.bucket else data_folder(settings) / MEDIA


def key_files(settings: Settings) -> list[Path]:
    folder = data_folder(settings)
    return [folder / SECRET_FILE, crypto.keyfile_path(folder)]


def libpq_url(url: str) -> tuple[str, dict[str, str]]:
    """A SQLAlchemy URL (`postgresql+asyncpg://...`) as a libpq URI for pg_dump/pg_restore,
    and the environment carrying its password (never on the command line, where `ps` shows
    it)."""
    u = make_url(url)
    query = {k: v for k, v in u.query.items() if k not in ASYNCPG_ONLY}
    ssl = query.pop("ssl", None)
    if ssl is not None and "sslmode" not in query:
        query["sslmode"] = ssl  # asyncpg's ssl=require is libpq's sslmode=require
    plain = URL.create(
        "postgresql", u.username, None, u.host, u.port, u.database, query=query
    ).render_as_string(hide_password=False)
    return plain, ({"PGPASSWORD": u.password} if u.password else {})


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} not found: install the PostgreSQL client tools (the server's major "
            "version or newer)"
        )
    return path


def _run(argv: list[str], url: str) -> None:
    dsn, env = libpq_url(url)
    done = subprocess.run(
        [*argv, "--no-password", f"--dbname={dsn}"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.strip().splitlines() if ln.strip()]
        why = lines[-1] if lines else f"exit code {done.returncode}"
        raise BackupError(f"{Path(argv[0]).name} failed: {why}")


# --- checksums --------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy(src: Path, dst: Path) -> tuple[int, str]:
    """Copy one file (bytes, then mode and times), hashing what was written."""
    digest = hashlib.sha256()
    size = 0
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with src.open("rb") as fin, os.fdopen(fd, "wb") as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
            size += len(chunk)
    shutil.copystat(src, dst)
    return size, digest.hexdigest()


def _tree_digest(entries: list[tuple[str, int, str]]) -> str:
    digest = hashlib.sha256()
    for rel, size, sha in sorted(entries):
        digest.update(f"{rel}\0{size}\0{sha}\n".encode())
    return digest.hexdigest()


def _artefact(name: str, entries: list[tuple[str, int, str]], kind: str) -> dict[str, Any]:
    return {
        "path": name,
        "kind": kind,
        "files": len(entries),
        "bytes": sum(e[1] for e in entries),
        "sha256": entries[0][2] if kind == "file" else _tree_digest(entries),
    }


def _walk(root: Path) -> list[Path]:
    """Every regular file under root, sorted; symlinks refused (a backup never holds one)."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            if (Path(folder) / name).is_symlink():
                raise BackupError(f"{Path(folder) / name} is a symlink: not a tonearm backup")
        found += [Path(folder) / f for f in files]
    return sorted(found)


def _copy_tree(src: Path, dst: Path) -> list[tuple[str, int, str]]:
    """Copy a media tree; objects deleted while it runs are skipped, temp files left out."""
    entries: list[tuple[str, int, str]] = []
    dst.mkdir(mode=0o700)
    for folder, dirs, files in os.walk(src):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not (here / d).is_symlink())
        target = dst / here.relative_to(src)
        target.mkdir(mode=0o700, exist_ok=True)
        for name in sorted(files):
            path = here / name
            if name.startswith(TMP_PREFIX) or path.is_symlink():  # half written; not ours
                continue
            try:
                size, sha = _copy(path, target / name)
            except FileNotFoundError:
                (target / name).unlink(missing_ok=True)
                continue
            entries.append((path.relative_to(src).as_posix(), size, sha))
    return entries


# --- the database -----------------------------------------------------------------------------


def _revision_sqlite(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return str(row[0]) if row else None


def _sqlite_backup(src: Path, dst: Path) -> str | None:
    """An online copy: `backup()` in one step reads one snapshot in one read transaction; in
    WAL mode writers go on meanwhile, and an open write transaction is simply not in it."""
    os.close(os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    source = sqlite3.connect(f"{src.as_uri()}?mode=rw", uri=True, timeout=30)
    dest = sqlite3.connect(dst)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal
        ok = dest.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise BackupError(f"the copied database fails SQLite's quick_check: {ok}")
        return _revision_sqlite(dest)
    finally:
        dest.close()
        source.close()


def _sqlite_restore(src: Path, dst: Path) -> None:
    """Into the target through SQLite (its locks, its -wal) rather than over the file."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if not dst.exists():
        os.close(os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    source = sqlite3.connect(f"{src.as_uri()}?mode=ro", uri=True)
    dest = sqlite3.connect(dst, timeout=30)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()


def _sqlite_has_tables(path: Path) -> bool:
    if not path.is_file() or path.stat().st_size == 0:
        return False
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        return bool(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])
    finally:
        conn.close()


async def _pg_query(url: str, sql: str) -> Any:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError, ProgrammingError

    from tonearm.kit.db import Database

    db = Database(url, pool_size=1)
    try:
        async with db.engine.connect() as conn:
            try:
                return (await conn.execute(text(sql))).scalar()
            except ProgrammingError:  # no alembic_version table: never migrated
                return None
    except (DBAPIError, OSError) as exc:
        why = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        name = make_url(url).database
        raise BackupError(
            f"cannot reach PostgreSQL database {name}: {why[0] if why else exc}"
        ) from None
    finally:
        await db.dispose()


# --- backup -----------------------------------------------------------------------------------


def backup(settings: Settings, directory: Path) -> Report:
    """Write a backup of this data folder's database, media and keys into `directory`."""
    directory = directory.expanduser().resolve()
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BackupError(f"{directory} is not an empty folder: back up into a new one")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    try:
        return _backup_into(settings, directory)
    except BaseException:
        for child in directory.iterdir():  # no half backup that looks like a whole one
            shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise


def _backup_into(settings: Settings, directory: Path) -> Report:
    from importlib.metadata import PackageNotFoundError, version

    report = Report()
    artefacts: list[dict[str, Any]] = []
    url = settings.effective_database_url
    db_file = sqlite_file(settings)
    if db_file is not None:
        revision = _sqlite_backup(db_file, directory / SQLITE_FILE)
        kind, name = "sqlite", SQLITE_FILE
    else:
        pg_dump = _tool("pg_dump")
        revision = asyncio.run(_pg_query(url, "SELECT version_num FROM alembic_version"))
        os.close(os.open(directory / PG_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        _run([pg_dump, "--format=custom", f"--file={directory / PG_FILE}"], url)
        kind, name = "postgresql", PG_FILE
    path = directory / name
    artefacts.append(_artefact(name, [(name, path.stat().st_size, _sha256(path))], "file"))
    report.lines.append(f"database ({kind}, revision {revision}): {name}, {_size(path)}")

    root = media_root(settings)
    media: dict[str, Any]
    if root is None:
        media = {
            "storage": "s3",
            "bucket": settings.s3.bucket,
            "prefix": settings.s3.prefix,
            "copied": False,
            "note": "objects in S3 are not copied: use the bucket's versioning or replication",
        }
        report.notes.append(f"media in S3 bucket {settings.s3.bucket} not copied: {media['note']}")
    else:
        entries = _copy_tree(root, directory / MEDIA) if root.is_dir() else []
        if not root.is_dir():
            (directory / MEDIA).mkdir(mode=0o700)
        media = {"storage": "local", "copied": True}
        artefacts.append(_artefact(MEDIA, entries, "tree"))
        report.lines.append(f"media: {_objects(entries)} object(s), {_size_of(entries)}")

    keys_dir = directory / KEYS
    keys_dir.mkdir(mode=0o700)
    entries = []
    for key in key_files(settings):
        if key.is_file():
            size, sha = _copy(key, keys_dir / key.name)
            (keys_dir / key.name).chmod(0o600)
            entries.append((key.name, size, sha))
    artefacts.append(_artefact(KEYS, entries, "tree"))
    from_env = [
        var
        for var, value in (
            ("TONEARM_SECRET_KEY", settings.secret_key),
            ("TONEARM_ENCRYPTION_KEYS", settings.encryption_keys),
        )
        if value is not None
    ]
    report.lines.append(f"keys: {', '.join(e[0] for e in entries) or 'none in the data folder'}")
    if from_env:
        report.notes.append(f"{' and '.join(from_env)} come from the environment: keep them too")

    try:
        tonearm_version = version("tonearm")
    except PackageNotFoundError:
        tonearm_version = "unknown"
    manifest = {
        "format": FORMAT,
        "tonearm_version": tonearm_version,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"kind": kind, "alembic_revision": revision, "artefact": name},
        "media": media,
        "keys": {"files": [e[0] for e in entries], "from_environment": from_env},
        "artefacts": artefacts,
    }
    tmp = directory / f".{MANIFEST}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(manifest, fh, indent=2)
        fh.write("\n")
    os.replace(tmp, directory / MANIFEST)  # last: a backup without its manifest is unfinished
    report.lines.append(f"manifest: {directory / MANIFEST}")
    return report


# --- restore ----------------------------------------------------------------------------------


def verify(directory: Path) -> dict[str, Any]:
    """The manifest, once every artefact it lists matches its size, count and checksum."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"no {MANIFEST} in {directory}: not a (finished) backup") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{directory / MANIFEST} is unreadable: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{directory / MANIFEST}: not a backup format this Tonearm reads")
    try:
        for art in manifest["artefacts"]:
            name, kind = art["path"], art["kind"]
            if name not in ARTEFACTS or kind not in {"file", "tree"}:
                raise BackupError(f"{MANIFEST} lists an unknown artefact {name!r}")
            path = directory / name
            if kind == "file":
                if not path.is_file() or path.is_symlink():
                    raise BackupError(f"{path} is missing")
                found = [(name, path.stat().st_size, _sha256(path))]
            else:
                if not path.is_dir() or path.is_symlink():
                    raise BackupError(f"{path} is missing")
                found = [(p.relative_to(path).as_posix(), p.stat().st_size, _sha256(p))
                         for p in _walk(path)]  # fmt: skip
            got = _artefact(name, found, kind)
            if any(got[k] != art[k] for k in ("files", "bytes", "sha256")):
                raise BackupError(
                    f"{name} does not match its checksum in {MANIFEST}: the backup is damaged "
                    "or was changed; nothing was restored"
                )
        if manifest["database"]["kind"] not in {"sqlite", "postgresql"}:
            raise BackupError(f"{MANIFEST} names an unknown database kind")
        if manifest["media"]["storage"] not in {"local", "s3"} or not isinstance(
            manifest["keys"]["files"], list
        ):
            raise BackupError(f"{MANIFEST} names an unknown media storage")
        listed = {art["path"] for art in manifest["artefacts"]}
        needed = {manifest["database"]["artefact"]} | ({MEDIA} if local_media(manifest) else set())
        if manifest["keys"]["files"]:
            needed.add(KEYS)
        if not needed <= listed or not set(manifest["keys"]["files"]) <= KEY_NAMES:
            raise BackupError(f"{directory / MANIFEST} is incomplete: not a tonearm backup")
    except (KeyError, TypeError):
        raise BackupError(f"{directory / MANIFEST} is incomplete: not a tonearm backup") from None
    return manifest


def local_media(manifest: dict[str, Any]) -> bool:
    return bool(manifest["media"]["storage"] == "local")


def _known_revisions() -> tuple[set[str], str | None]:
    from alembic.script import ScriptDirectory

    from tonearm.platform.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(""))
    return {s.revision for s in script.walk_revisions()}, script.get_current_head()


def restore(settings: Settings, directory: Path, *, force: bool = False) -> Report:
    """Check the backup and the target, then put database, media and keys in place."""
    directory = directory.expanduser().resolve()
    manifest = verify(directory)
    db_kind = manifest["database"]["kind"]
    revision = manifest["database"]["alembic_revision"]
    known, head = _known_revisions()
    if revision is not None and revision not in known:
        raise BackupError(
            f"the backup's schema revision {revision} is newer than this Tonearm's (head "
            f"{head}): restore it with Tonearm {manifest.get('tonearm_version')} or later"
        )
    url = settings.effective_database_url
    db_file = sqlite_file(settings)
    if (db_kind == "sqlite") != (db_file is not None):
        target = "SQLite" if db_file is not None else "PostgreSQL"
        raise BackupError(f"this backup holds a {db_kind} database; this Tonearm uses {target}")
    root = media_root(settings)
    has_media = local_media(manifest)
    if has_media and root is None:
        raise BackupError("this backup holds local media; this Tonearm stores media in S3")
    if db_kind == "postgresql":
        pg_restore = _tool("pg_restore")

    in_use: list[str] = []
    if db_file is not None and _sqlite_has_tables(db_file):
        in_use.append(f"database {db_file}")
    if db_file is None and asyncio.run(
        _pg_query(url, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
    ):
        in_use.append(f"database {make_url(url).database}")
    if has_media and root is not None and root.is_dir() and any(_walk(root)):
        in_use.append(f"media in {root}")
    in_use += [f"{k.name} in {k.parent}" for k in key_files(settings) if k.exists()]
    if in_use and not force:
        raise BackupError(f"not empty: {'; '.join(in_use)}: pass --force to overwrite")

    report = Report()
    folder = data_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    if db_file is not None:
        _sqlite_restore(directory / SQLITE_FILE, db_file)
    else:
        _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--exit-on-error", str(directory / PG_FILE)], url)  # fmt: skip
    report.lines.append(f"database ({db_kind}, revision {revision}) restored")

    if has_media and root is not None:
        report.lines.append(f"media: {_swap_in(directory / MEDIA, root)} object(s) in {root}")
    else:
        report.notes.append("media live in S3 and are not in this backup: restore the bucket")

    for name in manifest["keys"]["files"]:
        target = folder / name
        tmp = folder / f".{name}.restore-{uuid.uuid4().hex[:8]}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write((directory / KEYS / name).read_bytes())
        os.replace(tmp, target)
    report.lines.append(f"keys: {', '.join(manifest['keys']['files']) or 'none in the backup'}")
    for env in manifest["keys"]["from_environment"]:
        report.notes.append(f"the backup's {env} came from the environment: set the same value")
    if revision != head:
        report.notes.append(
            f"the database is at revision {revision}, this Tonearm's head is {head}: "
            "run `tonearm db upgrade` (or start `tonearm serve`, which does)"
        )
    return report


def _swap_in(src: Path, root: Path) -> int:
    """Copy the backup's media next to the root, then swap it in for the old one."""
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = root.with_name(f".{root.name}.restore-{uuid.uuid4().hex[:8]}")
    count = _objects(_copy_tree(src, staging))
    old = root.with_name(f".{root.name}.old-{uuid.uuid4().hex[:8]}")
    if root.exists():
        root.rename(old)
    staging.rename(root)
    shutil.rmtree(old, ignore_errors=True)
    return count


def _objects(entries: list[tuple[str, int, str]]) -> int:
    """Stored objects, not their sidecars."""
    return sum(1 for e in entries if not e[0].startswith(f"{META_DIR}/"))


def _size(path: Path) -> str:
    return _human(path.stat().st_size)


def _size_of(entries: list[tuple[str, int, str]]) -> str:
    return _human(sum(e[1] for e in entries))


def _human(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"

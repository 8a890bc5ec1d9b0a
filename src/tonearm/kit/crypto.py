"""Encryption at rest with MultiFernet so keys can rotate.

Keys come from TONEARM_ENCRYPTION_KEYS (comma-separated, newest first) or, in the embedded
mode, from `<data_dir>/encryption.keys` (one per line, newest first, created on first use).
Columns typed `EncryptedText` are encrypted with the newest key and readable with any.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

_keyring: MultiFernet | None = None


class KeyringError(RuntimeError):
    pass


def keyfile_path(data_dir: Path) -> Path:
    return data_dir / "encryption.keys"


def read_keyfile(path: Path) -> list[str]:
    try:
        return [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    except FileNotFoundError:
        return []


def write_keyfile(path: Path, keys: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("\n".join(keys) + "\n")
    os.replace(tmp, path)


def load_keys(configured: list[str], data_dir: Path) -> list[str]:
    if configured:
        return configured
    path = keyfile_path(data_dir)
    keys = read_keyfile(path)
    if not keys:
        keys = [Fernet.generate_key().decode()]
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return read_keyfile(path)
        with os.fdopen(fd, "w") as fh:
            fh.write(keys[0] + "\n")
    return keys


def configure(keys: list[str]) -> MultiFernet:
    global _keyring
    if not keys:
        raise KeyringError("no encryption keys")
    try:
        _keyring = MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as exc:
        raise KeyringError("an encryption key is not a valid Fernet key") from exc
    return _keyring


def keyring() -> MultiFernet:
    if _keyring is None:
        raise KeyringError("encryption keys are not configured")
    return _keyring


def encrypt(value: str) -> str:
    return keyring().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    try:
        return keyring().decrypt(value.encode()).decode()
    except InvalidToken as exc:
        raise KeyringError("stored secret cannot be decrypted with the configured keys") from exc


def rotate(value: str) -> str:
    """Re-encrypt a ciphertext with the newest key."""
    return keyring().rotate(value.encode()).decode()


class EncryptedText(TypeDecorator[str]):
    """A string column encrypted at rest. `keys rotate` re-encrypts every such column."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else encrypt(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else decrypt(value)

"""Re-encrypt every EncryptedText column with the newest key (`tonearm keys rotate`)."""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import Text, literal, select, type_coerce, update

from tonearm.config import Settings
from tonearm.kit import crypto
from tonearm.kit.db import Base, Database


def encrypted_columns() -> list[tuple[type, str]]:
    import tonearm.models  # noqa: F401  (register every table)

    out: list[tuple[type, str]] = []
    for mapper in Base.registry.mappers:
        for col in mapper.columns:
            if isinstance(col.type, crypto.EncryptedText):
                out.append((mapper.class_, col.key))
    return out


async def rotate_all(settings: Settings, *, drop_old: bool = False) -> int:
    configured = settings.fernet_keys()
    path = crypto.keyfile_path(settings.data_dir)
    keys = configured or [Fernet.generate_key().decode(), *crypto.load_keys([], settings.data_dir)]
    crypto.configure(keys)
    db = Database(settings.effective_database_url)
    count = 0
    try:
        async with db.sessionmaker() as session:
            for model, attr in encrypted_columns():
                table = model.__table__  # type: ignore[attr-defined]
                col = table.c[attr]
                pk = next(iter(table.primary_key.columns))
                raw = type_coerce(col, Text())  # the ciphertext, not the decrypted value
                rows = (await session.execute(select(pk, raw).where(col.is_not(None)))).all()
                for row_id, ciphertext in rows:
                    await session.execute(
                        update(table)
                        .where(pk == row_id)
                        .values({col.name: literal(crypto.rotate(ciphertext), Text())})
                    )
                    count += 1
            if not configured:
                # Persist the new key (with the old ones) before the new ciphertexts land.
                crypto.write_keyfile(path, keys)
            await session.commit()
    finally:
        await db.dispose()
    if not configured and drop_old:
        crypto.write_keyfile(path, keys[:1])
    return count

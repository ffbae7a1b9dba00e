"""The firm's settings: one text value per key (table ``firm_setting``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bbdispatch.storage.database import Database


async def get_setting(db: Database, key: str) -> str | None:
    """The value stored under ``key``, or ``None`` when the firm has not set it."""
    row = await db.fetch_one("SELECT value FROM firm_setting WHERE key = ?", (key,))
    return None if row is None else str(row["value"])


async def put_setting(db: Database, key: str, value: str) -> None:
    """Store ``value`` under ``key``, replacing what was there (inside a transaction)."""
    await db.execute(
        "INSERT INTO firm_setting (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def peek_setting(path: Path | str, key: str) -> str | None:
    """Read one setting without opening the database for work: read-only, no migration.

    For the command line, which needs the firm's language before it builds its
    help; any problem (no file yet, an older schema, a lock) reads as "not set",
    and the real open later reports it.
    """
    if isinstance(path, str):
        return _peek_pg_setting(path, key)
    try:
        if not path.is_file():  # a folder this login may not enter raises, not False
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
        try:
            row = conn.execute("SELECT value FROM firm_setting WHERE key = ?", (key,)).fetchone()
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return None
    return None if row is None else str(row[0])


def _peek_pg_setting(url: str, key: str) -> str | None:
    """:func:`peek_setting` on PostgreSQL: one short query on a thread of its own."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def read() -> str | None:
        import asyncpg

        conn = await asyncpg.connect(url, timeout=2)
        try:
            value = await conn.fetchval("SELECT value FROM firm_setting WHERE key = $1", key)
        finally:
            await conn.close()
        return None if value is None else str(value)

    try:
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, read()).result(timeout=5)
    except Exception:  # noqa: BLE001 - any problem reads as "not set"; the real open reports it
        return None

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


def peek_setting(path: Path, key: str) -> str | None:
    """Read one setting without opening the database for work: read-only, no migration.

    For the command line, which needs the firm's language before it builds its
    help; any problem (no file yet, an older schema, a lock) reads as "not set",
    and the real open later reports it.
    """
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

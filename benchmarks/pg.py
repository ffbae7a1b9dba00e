"""The benchmarks on PostgreSQL: the scale database copied in, and a bare asyncpg baseline.

``python -m benchmarks --backend both`` runs the data benchmarks and the board
screen on SQLite and on PostgreSQL and prints them side by side. The
PostgreSQL database is the SQLite scale file copied by the same code as
``bbdispatch migrate --to`` (``storage/transfer.py``). Without ``--pg URL`` a
throw-away server is started in a temporary folder (``tests/pg_server.py``).

The bare baseline on PostgreSQL is the same SQL (translated as the backend
translates it) on a plain asyncpg connection driven from a thread of its own,
so it can stand where the benchmarks call ``sqlite3`` synchronously; each bare
query pays one hand-over between threads (tens of microseconds).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncpg

from bbdispatch.storage import transfer
from bbdispatch.storage.database import Database
from bbdispatch.storage.postgres import translate


class _Result:
    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows

    def fetchall(self) -> list[Any]:
        return self._rows

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None


class PgBare:
    """A ``sqlite3.Connection`` look-alike (``execute(...).fetchall()``) over plain asyncpg."""

    def __init__(self, url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._conn: asyncpg.Connection = self._call(asyncpg.connect(url))

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Result:
        query, args = translate(sql, params)
        return _Result(self._call(self._conn.fetch(query, *args)))

    def close(self) -> None:
        self._call(self._conn.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


async def load(sqlite_path: Path, url: str) -> float:
    """Copy the scale database into the empty database at ``url``; seconds taken."""
    started = time.perf_counter()
    source = await Database.open(sqlite_path)
    target = await Database.open(url)
    try:
        async with target.transaction():
            await transfer.copy_all(source, target)
        async with target.transaction():
            await target.execute("ANALYZE")
    finally:
        await source.close()
        await target.close()
    return time.perf_counter() - started

"""A failure of the machine inside a save is the same typed error on every backend.

On PostgreSQL a full disk or a held lock inside a dialog's save came out as
``PostgresError``, which no form shows; the dialog fell back to the generic
error. Each backend maps its own errors at the storage boundary to
:class:`DatabaseBusy` / :class:`WriteFailed` (a :class:`DomainError`): the form
says "Not saved" next to itself, keeps what was typed, and saves again later.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import asyncpg
import pytest

from bbdispatch.domain.errors import DomainError
from bbdispatch.storage.database import Database, DatabaseBusy, WriteFailed
from tests.storage.backends import Backend

FAILURES: dict[str, dict[str, Callable[[], BaseException]]] = {
    "full": {
        "sqlite": lambda: sqlite3.OperationalError("database or disk is full"),
        "postgresql": lambda: asyncpg.exceptions.DiskFullError(
            "could not extend file: No space left on device"
        ),
    },
    "busy": {
        "sqlite": lambda: sqlite3.OperationalError("database is locked"),
        "postgresql": lambda: asyncpg.exceptions.LockNotAvailableError(
            "could not obtain lock on relation"
        ),
    },
}
EXPECTED = {"full": WriteFailed, "busy": DatabaseBusy}


async def _count(db: Database) -> int:
    return int(await db.fetch_value("SELECT count(*) FROM firm_setting"))


async def _save(db: Database, key: str) -> None:
    async with db.transaction():
        await db.execute("INSERT INTO firm_setting (key, value) VALUES (?, 'x')", (key,))


class _Failing:
    """What a failing call returns: awaited or entered (aiosqlite's cursor), it raises."""

    def __init__(self, failure: BaseException) -> None:
        self.failure = failure

    def __await__(self) -> Any:
        raise self.failure
        yield  # a generator: raises when awaited

    async def __aenter__(self) -> Any:
        raise self.failure

    async def __aexit__(self, *_exc: object) -> None:
        return None


def _fail_inserts(db: Database, failure: BaseException) -> Callable[[], None]:
    """Make the backend's own connection fail every INSERT with ``failure``; returns undo."""
    conn: Any = db._conn  # type: ignore[attr-defined]
    real = {name: getattr(conn, name) for name in ("execute", "fetch") if hasattr(conn, name)}

    def failing(name: str) -> Callable[..., Any]:
        def call(query: str, *args: Any, **kwargs: Any) -> Any:
            if query.lstrip().upper().startswith("INSERT"):
                return _Failing(failure)
            return real[name](query, *args, **kwargs)

        return call

    for name in real:
        setattr(conn, name, failing(name))

    def undo() -> None:
        for name, method in real.items():
            setattr(conn, name, method)

    return undo


@pytest.mark.parametrize("kind", sorted(FAILURES))
async def test_a_failed_save_is_not_saved_on_every_backend(
    db: Database, backend: Backend, kind: str
) -> None:
    undo = _fail_inserts(db, FAILURES[kind][backend.name]())
    with pytest.raises(EXPECTED[kind]) as caught:
        await _save(db, "a")
    undo()
    assert isinstance(caught.value, DomainError)  # a form shows it next to itself
    assert str(caught.value).startswith("Not saved"), str(caught.value)
    assert await _count(db) == 0  # nothing of it kept
    await _save(db, "b")  # the connection left the failed transaction
    assert await _count(db) == 1

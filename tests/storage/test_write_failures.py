"""A held lock, a full disk or an I/O error become one clear, typed error; nothing half-saved."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bbdispatch.domain.errors import DomainError
from bbdispatch.storage.database import Database, DatabaseBusy, ReadFailed, WriteFailed


async def _count(db: Database) -> int:
    return int(await db.fetch_value("SELECT count(*) FROM firm_setting"))


async def _write(db: Database, key: str) -> None:
    async with db.transaction():
        await db.execute("INSERT INTO firm_setting (key, value) VALUES (?, 'x')", (key,))


async def test_a_write_lock_held_elsewhere_is_database_busy(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "t.db")
    db.lock_wait_seconds = 0.2
    holder = sqlite3.connect(tmp_path / "t.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy) as caught:
            await _write(db, "a")
        assert isinstance(caught.value, DomainError)  # every form shows it at the form
        assert "kept" in str(caught.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    await _write(db, "a")  # the lock is gone: the same write goes in
    assert await _count(db) == 1
    await db.close()


@pytest.mark.parametrize(
    "failure",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        sqlite3.OperationalError("database or disk is full"),
        sqlite3.OperationalError("disk I/O error"),
    ],
    ids=["ENOSPC", "sqlite full", "io error"],
)
async def test_a_commit_that_fails_rolls_back_and_the_next_one_works(
    tmp_path: Path, failure: Exception
) -> None:
    db = await Database.open(tmp_path / "t.db")
    conn = db._conn
    real = conn.execute

    def execute(sql: str, *args: Any, **kwargs: Any) -> Any:
        if sql == "COMMIT":

            async def fail() -> None:
                raise failure

            return fail()
        return real(sql, *args, **kwargs)

    conn.execute = execute  # type: ignore[method-assign]
    with pytest.raises(WriteFailed) as caught:
        await _write(db, "a")
    conn.execute = real  # type: ignore[method-assign]
    assert isinstance(caught.value, DomainError)
    assert str(caught.value).startswith("Not saved")
    if "full" in str(failure) or isinstance(failure, OSError):
        assert "disk is full" in str(caught.value)
    assert await _count(db) == 0  # nothing of it kept
    await _write(db, "b")  # the connection left the failed transaction
    assert await _count(db) == 1
    await db.close()


async def test_a_statement_failing_inside_a_transaction_is_write_failed(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "t.db")
    with pytest.raises(WriteFailed):
        async with db.transaction():
            await db.execute("INSERT INTO firm_setting (key, value) VALUES ('a', 'x')")
            raise OSError(errno.EIO, "Input/output error")
    assert await _count(db) == 0
    await db.close()


async def test_a_failing_read_is_read_failed(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "t.db")
    conn = db._conn
    real = conn.execute_fetchall

    async def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise sqlite3.OperationalError("disk I/O error")

    conn.execute_fetchall = fail  # type: ignore[method-assign]
    with pytest.raises(ReadFailed):
        await db.fetch_all("SELECT 1")
    conn.execute_fetchall = real  # type: ignore[method-assign]
    await db.close()

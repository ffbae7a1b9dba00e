import sqlite3
from pathlib import Path

import pytest

from bbdispatch.domain.callbacks import NewCallback
from bbdispatch.storage import callbacks
from bbdispatch.storage.database import (
    LOCK_POLL_MS,
    Database,
    SchemaTooNew,
    StorageError,
    latest_schema_version,
    migrations,
    split_statements,
)
from tests.conftest import DEMO_NOW

TABLES = {
    "client", "client_phone", "technician", "technician_skill", "needs_assessment", "contract",
    "recurring_task", "job", "job_status_change", "statement", "work_entry", "charge", "run_log",
    "call_log", "audit_log",
}  # fmt: skip


async def test_fresh_database_gets_every_table_and_pragmas(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "new.db")
    try:
        assert await db.schema_version() == latest_schema_version()
        names = {
            r[0] for r in await db.fetch_all("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert names >= TABLES
        assert (await db.fetch_value("PRAGMA journal_mode")) == "wal"
        assert (await db.fetch_value("PRAGMA foreign_keys")) == 1
        # Short waits inside SQLite, retried every few ms up to lock_wait_seconds.
        assert (await db.fetch_value("PRAGMA busy_timeout")) == LOCK_POLL_MS
        assert db.lock_wait_seconds >= 5
        strict = await db.fetch_all("SELECT name FROM pragma_table_list WHERE strict = 1")
        assert {r[0] for r in strict} >= TABLES
        index_names = {
            r[0] for r in await db.fetch_all("SELECT name FROM sqlite_master WHERE type='index'")
        }
        assert {
            "client_phone_by_e164",
            "client_by_nip",
            "client_by_search_name",
            "job_by_status",
        } <= index_names
    finally:
        await db.close()


async def test_existing_database_is_migrated_forward_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    first_number, _name, first_sql = migrations()[0]
    conn = sqlite3.connect(path)
    conn.executescript(first_sql)
    conn.execute(f"PRAGMA user_version = {first_number}")
    conn.execute(
        "INSERT INTO client (kind, name, search_name, created_at)"
        " VALUES ('private', 'Jan', 'jan', '2026-01-01T00:00:00Z')"
    )
    conn.commit()
    conn.close()
    db = await Database.open(path)
    try:
        assert await db.schema_version() == latest_schema_version()
        assert await db.fetch_value("SELECT name FROM client") == "Jan"
        assert await db.migrate() == []  # nothing left to apply, and idempotent
    finally:
        await db.close()


async def test_newer_database_fails_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {latest_schema_version() + 5}")
    conn.close()
    with pytest.raises(SchemaTooNew, match="newer bbdispatch"):
        await Database.open(path)


async def test_a_file_that_is_not_a_database_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("this is not sqlite" * 100)
    with pytest.raises(StorageError, match="not a bbdispatch database"):
        await Database.open(path)


async def test_failed_transaction_rolls_back_everything(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "tx.db")
    try:
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction():
                await db.execute(
                    "INSERT INTO client (kind, name, search_name, created_at)"
                    " VALUES ('private', 'Jan', 'jan', '2026-01-01T00:00:00Z')"
                )
                await db.execute(
                    "INSERT INTO client (kind, name, search_name, created_at)"
                    " VALUES ('alien', 'X', 'x', '2026-01-01T00:00:00Z')"
                )
        assert await db.fetch_value("SELECT COUNT(*) FROM client") == 0
        with pytest.raises(RuntimeError, match="inside Database.transaction"):
            await db.execute("DELETE FROM client")
    finally:
        await db.close()


def test_split_statements_keeps_triggers_whole() -> None:
    script = "CREATE TABLE a (x INT);\n-- note; with a semicolon\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  SELECT 1;\nEND;\n"
    parts = split_statements(script)
    assert len(parts) == 2
    assert parts[1].endswith("END;")


async def test_ids_erased_before_the_high_water_marks_are_not_given_out_again(
    tmp_path: Path,
) -> None:
    """A database from before migration 016 whose newest callback was erased: the audit
    trail still names it, and the next callback gets an id above it."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for number, _name, sql in [m for m in migrations() if m[0] < 16]:
        for statement in split_statements(sql):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute(
        "INSERT INTO audit_log (at, actor, entity, entity_id, action, detail)"
        " VALUES ('2026-11-24T09:00:00Z', 'anna', 'callback', 7, 'created', '{}')"
    )
    conn.commit()
    conn.close()
    db = await Database.open(path, create=False)
    try:
        assert (
            await db.fetch_value("SELECT last_id FROM id_high_water WHERE entity = 'callback'") == 7
        )
        async with db.transaction():
            await db.execute(
                "INSERT INTO client (id, kind, name, search_name, created_at)"
                " VALUES (1, 'private', 'Jan', 'jan', '2026-01-01T00:00:00Z')"
            )
            new = await callbacks.insert_callback(
                db, NewCallback("oddzwonić", DEMO_NOW, client_id=1), "anna", DEMO_NOW
            )
        assert new == 8
    finally:
        await db.close()

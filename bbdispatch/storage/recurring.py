"""Queries about recurring tasks of IT administration contracts."""

from __future__ import annotations

from bbdispatch.storage.database import Database


async def contract_of_task(db: Database, task_id: int) -> int | None:
    """The IT administration contract a recurring task belongs to."""
    value = await db.fetch_value("SELECT contract_id FROM recurring_task WHERE id = ?", (task_id,))
    return None if value is None else int(value)


async def insert_task(
    db: Database,
    *,
    contract_id: int,
    title: str,
    instructions: str,
    schedule: str,
    starts_at: str,
    technician_id: int | None,
    expected_minutes: int,
    mode: str,
    category: str,
    catch_up: bool,
) -> int:
    """Add a recurring task; returns its id."""
    return await db.execute(
        "INSERT INTO recurring_task (contract_id, title, instructions, schedule, starts_at,"
        " technician_id, expected_minutes, mode, category, catch_up)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (contract_id, title, instructions, schedule, starts_at, technician_id, expected_minutes,
         mode, category, int(catch_up)),
    )  # fmt: skip

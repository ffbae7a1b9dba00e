"""Queries a technician's workspace needs beyond :mod:`bbdispatch.storage.work`.

Kept apart from ``work.py`` so that stopping, editing and deleting entries
stay in one small module.
"""

from __future__ import annotations

from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.work import WorkEntry
from bbdispatch.storage.database import Database
from bbdispatch.storage.work import entry_from_row


async def entries_of_technician_since(
    db: Database, technician_id: int, since: str
) -> list[WorkEntry]:
    """A technician's entries started at or after ``since``, newest first."""
    rows = await db.fetch_all(
        "SELECT * FROM work_entry WHERE technician_id = ? AND started_at >= ?"
        " ORDER BY started_at DESC, id DESC",
        (technician_id, since),
    )
    return [entry_from_row(r) for r in rows]


async def update_entry(
    db: Database,
    entry_id: int,
    *,
    started_at: str,
    ended_at: str | None,
    description: str,
    mode: JobMode,
    billable: bool,
    now: str,
) -> None:
    """Rewrite an entry's times and texts (stopping a timer is one such rewrite)."""
    await db.execute(
        "UPDATE work_entry SET started_at = ?, ended_at = ?, description = ?, mode = ?,"
        " billable = ?, updated_at = ? WHERE id = ?",
        (started_at, ended_at, description, mode.value, int(billable), now, entry_id),
    )


async def delete_entry(db: Database, entry_id: int) -> None:
    """Remove an entry and its charges."""
    await db.execute("DELETE FROM charge WHERE work_entry_id = ?", (entry_id,))
    await db.execute("DELETE FROM work_entry WHERE id = ?", (entry_id,))

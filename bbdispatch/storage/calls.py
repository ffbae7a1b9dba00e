"""Queries about the call log."""

from __future__ import annotations

from bbdispatch.clock import from_db
from bbdispatch.domain.calls import CallLogEntry, CallOutcome, CallSource
from bbdispatch.storage.database import Database, Row


def call_from_row(row: Row) -> CallLogEntry:
    """A ``call_log`` row as a CallLogEntry; shared by every module that reads calls."""
    return CallLogEntry(
        id=row["id"],
        received_at=from_db(row["received_at"]),
        raw_number=row["raw_number"],
        e164=row["e164"],
        client_id=row["client_id"],
        source=CallSource(row["source"]),
        outcome=CallOutcome(row["outcome"]),
        job_id=row["job_id"],
        handled_by=row["handled_by"],
        note=row["note"],
    )


async def insert_call(
    db: Database,
    *,
    received_at: str,
    raw_number: str,
    e164: str | None,
    client_id: int | None,
    source: CallSource,
    outcome: CallOutcome,
    job_id: int | None = None,
    handled_by: str = "",
    note: str = "",
) -> int:
    """Log an incoming call; returns its id."""
    return await db.execute(
        "INSERT INTO call_log (received_at, raw_number, e164, client_id, source, outcome,"
        " job_id, handled_by, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (received_at, raw_number, e164, client_id, source.value, outcome.value, job_id,
         handled_by, note),
    )  # fmt: skip


async def calls_of_client(db: Database, client_id: int, limit: int = 20) -> list[CallLogEntry]:
    """A client's latest calls, newest first."""
    rows = await db.fetch_all(
        "SELECT * FROM call_log WHERE client_id = ? ORDER BY received_at DESC, id DESC LIMIT ?",
        (client_id, limit),
    )
    return [call_from_row(r) for r in rows]

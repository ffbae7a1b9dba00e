"""The call log: the only module that reads and writes ``call_log``.

Every incoming call (a ring from the phone system or one typed in by the
dispatcher) is inserted here and resolved here; times are aware datetimes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bbdispatch.clock import from_db, to_db
from bbdispatch.domain.calls import CallLogEntry, CallOutcome, CallSource
from bbdispatch.storage.database import Database, Row, next_id


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
    received_at: datetime,
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
        "INSERT INTO call_log (id, received_at, raw_number, e164, client_id, source, outcome,"
        f" job_id, handled_by, note) VALUES ({next_id('call_log')}, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (to_db(received_at), raw_number, e164, client_id, source.value, outcome.value, job_id,
         handled_by, note),
    )  # fmt: skip


async def calls_of_client(db: Database, client_id: int, limit: int = 20) -> list[CallLogEntry]:
    """A client's latest calls, newest first."""
    rows = await db.fetch_all(
        "SELECT * FROM call_log WHERE client_id = ? ORDER BY received_at DESC, id DESC LIMIT ?",
        (client_id, limit),
    )
    return [call_from_row(r) for r in rows]


@dataclass(frozen=True)
class CallRow:
    """A call with the client's name, for the call log screen."""

    call: CallLogEntry
    client_name: str | None


async def update_call(
    db: Database,
    call_id: int,
    *,
    outcome: CallOutcome,
    client_id: int | None,
    job_id: int | None,
    handled_by: str,
    note: str,
    raw_number: str | None = None,
    e164: str | None = None,
) -> None:
    """Record what became of a call.

    ``raw_number`` and ``e164``, when given, replace the call's number: a call
    taken by hand (F2) is logged as the intake opens, before any number is typed.
    """
    await db.execute(
        "UPDATE call_log SET outcome = ?, client_id = COALESCE(?, client_id), job_id = ?,"
        " handled_by = ?, note = ?, raw_number = COALESCE(?, raw_number),"
        " e164 = COALESCE(?, e164) WHERE id = ?",
        (outcome.value, client_id, job_id, handled_by, note, raw_number, e164, call_id),
    )


async def get_call(db: Database, call_id: int) -> CallLogEntry | None:
    """One call."""
    row = await db.fetch_one("SELECT * FROM call_log WHERE id = ?", (call_id,))
    return call_from_row(row) if row else None


async def latest_call_id(db: Database) -> int:
    """The id of the newest call (0 when there is none): the baseline for new rings."""
    return int(await db.fetch_value("SELECT COALESCE(MAX(id), 0) FROM call_log"))


async def pending_ring_calls_after(db: Database, after_id: int) -> list[CallLogEntry]:
    """Calls the phone system reported after a given call and nobody handled yet.

    A point read (the calls after a known id): the running dispatcher asks on
    every commit any process makes, and it needs no hand-off to another thread.
    """
    rows = await db.fetch_point(
        "SELECT * FROM call_log WHERE id > ? AND source = 'ring' AND outcome = 'pending'"
        " ORDER BY id",
        (after_id,),
    )
    return [call_from_row(r) for r in rows]


async def pending_calls(db: Database) -> list[CallLogEntry]:
    """Every call nobody has handled yet (any source), oldest first (received, then id).

    A point read on the partial index of waiting calls: the running dispatcher
    asks on every commit any process makes, to count the calls waiting.
    """
    rows = await db.fetch_point(
        "SELECT * FROM call_log WHERE outcome = 'pending' ORDER BY received_at, id"
    )
    return [call_from_row(r) for r in rows]


async def call_rows(db: Database, limit: int = 300) -> list[CallRow]:
    """The latest calls with their clients' names, newest first."""
    rows = await db.fetch_all(
        "SELECT call_log.*, client.name AS client_name FROM call_log"
        " LEFT JOIN client ON client.id = call_log.client_id"
        " ORDER BY call_log.received_at DESC, call_log.id DESC LIMIT ?",
        (limit,),
    )
    return [CallRow(call_from_row(r), r["client_name"]) for r in rows]


async def delete_calls(db: Database, ids: Sequence[int]) -> None:
    """Remove calls (a person's erasure)."""
    await db.execute_for_ids("DELETE FROM call_log WHERE id IN ({marks})", ids)


async def detach_calls_from_jobs(db: Database, job_ids: Sequence[int]) -> None:
    """Calls no longer point at these jobs (before the jobs go or lose their caller)."""
    await db.execute_for_ids("UPDATE call_log SET job_id = NULL WHERE job_id IN ({marks})", job_ids)


async def set_call_note(db: Database, call_id: int, note: str) -> None:
    """Replace a call's note."""
    await db.execute("UPDATE call_log SET note = ? WHERE id = ?", (note, call_id))

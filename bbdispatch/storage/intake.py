"""Queries of the phone intake: resolving calls, watching for rings, finding duplicates."""

from __future__ import annotations

from dataclasses import dataclass

from bbdispatch.domain.calls import CallLogEntry, CallOutcome
from bbdispatch.domain.clients import search_key
from bbdispatch.storage.calls import call_from_row
from bbdispatch.storage.database import Database


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
) -> None:
    """Record what became of a call."""
    await db.execute(
        "UPDATE call_log SET outcome = ?, client_id = COALESCE(?, client_id), job_id = ?,"
        " handled_by = ?, note = ? WHERE id = ?",
        (outcome.value, client_id, job_id, handled_by, note, call_id),
    )


async def get_call(db: Database, call_id: int) -> CallLogEntry | None:
    """One call."""
    row = await db.fetch_one("SELECT * FROM call_log WHERE id = ?", (call_id,))
    return call_from_row(row) if row else None


async def latest_call_id(db: Database) -> int:
    """The id of the newest call (0 when there is none): the baseline for new rings."""
    return int(await db.fetch_value("SELECT COALESCE(MAX(id), 0) FROM call_log"))


async def pending_ring_calls_after(db: Database, after_id: int) -> list[CallLogEntry]:
    """Calls the phone system reported after a given call and nobody handled yet."""
    rows = await db.fetch_all(
        "SELECT * FROM call_log WHERE id > ? AND source = 'ring' AND outcome = 'pending'"
        " ORDER BY id",
        (after_id,),
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


async def client_id_by_name_and_phone(db: Database, name: str, e164: str) -> int | None:
    """A client with this (folded) name that already has this number."""
    value = await db.fetch_value(
        "SELECT client.id FROM client JOIN client_phone ON client_phone.client_id = client.id"
        " WHERE client.search_name = ? AND client_phone.e164 = ? ORDER BY client.id LIMIT 1",
        (search_key(name.strip()), e164),
    )
    return None if value is None else int(value)


async def client_id_by_name_without_phone(db: Database, name: str) -> int | None:
    """A client with this (folded) name and no phone at all (imported without a number)."""
    value = await db.fetch_value(
        "SELECT id FROM client WHERE search_name = ? AND id NOT IN"
        " (SELECT client_id FROM client_phone) ORDER BY id LIMIT 1",
        (search_key(name.strip()),),
    )
    return None if value is None else int(value)

"""The callback list: who to call back, why and by when."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bbdispatch.clock import from_db, from_db_opt, to_db
from bbdispatch.domain.callbacks import Callback, NewCallback
from bbdispatch.storage.database import Database, Row, next_id


def _callback(row: Row) -> Callback:
    return Callback(
        id=row["id"],
        client_id=row["client_id"],
        client_name=row["client_name"],
        call_id=row["call_id"],
        e164=row["e164"],
        name=row["name"],
        reason=row["reason"],
        due_at=from_db(row["due_at"]),
        created_by=row["created_by"],
        created_at=from_db(row["created_at"]),
        done_at=from_db_opt(row["done_at"]),
        done_by=row["done_by"],
        outcome=row["outcome"],
        attempts=row["attempts"],
        last_attempt_at=from_db_opt(row["last_attempt_at"]),
        last_attempt_note=row["last_attempt_note"],
    )


_QUERY = (
    "SELECT callback.*, client.name AS client_name FROM callback"
    " LEFT JOIN client ON client.id = callback.client_id"
)


async def insert_callback(db: Database, new: NewCallback, by: str, at: datetime) -> int:
    """Record a callback to make; returns its id."""
    return await db.execute(
        "INSERT INTO callback (id, client_id, call_id, e164, name, reason, due_at, created_by,"
        f" created_at) VALUES ({next_id('callback')}, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new.client_id, new.call_id, new.e164, new.name, new.reason, to_db(new.due_at), by,
         to_db(at)),
    )  # fmt: skip


async def get_callback(db: Database, callback_id: int) -> Callback | None:
    """One callback."""
    row = await db.fetch_one(f"{_QUERY} WHERE callback.id = ?", (callback_id,))
    return _callback(row) if row else None


async def open_callbacks(db: Database) -> list[Callback]:
    """Callbacks not made yet, the most urgent first."""
    rows = await db.fetch_all(
        f"{_QUERY} WHERE callback.done_at IS NULL ORDER BY callback.due_at, callback.id"
    )
    return [_callback(r) for r in rows]


async def open_callback_of_call(db: Database, call_id: int) -> int | None:
    """The id of a callback not made yet that came from this call, or None."""
    value = await db.fetch_value(
        "SELECT id FROM callback WHERE call_id = ? AND done_at IS NULL ORDER BY id LIMIT 1",
        (call_id,),
    )
    return None if value is None else int(value)


async def finish_callback(
    db: Database, callback_id: int, by: str, at: datetime, outcome: str
) -> None:
    """Mark a callback made, with what came of it."""
    await db.execute(
        "UPDATE callback SET done_at = ?, done_by = ?, outcome = ? WHERE id = ?",
        (to_db(at), by, outcome, callback_id),
    )


async def record_attempt(
    db: Database, callback_id: int, at: datetime, note: str, due_at: datetime
) -> None:
    """Count a try that reached nobody; the callback stays open, due at ``due_at``.

    A callback already made is left as it is.
    """
    await db.execute(
        "UPDATE callback SET attempts = attempts + 1, last_attempt_at = ?,"
        " last_attempt_note = ?, due_at = ? WHERE id = ? AND done_at IS NULL",
        (to_db(at), note, to_db(due_at), callback_id),
    )


async def due_count(db: Database, now: datetime) -> int:
    """Callbacks not made whose time has come (waiting calls are counted by the services)."""
    rows = await db.fetch_point(  # a count from an index: the board asks on every reload
        "SELECT COUNT(*) FROM callback WHERE done_at IS NULL AND due_at <= ?",
        (to_db(now),),
    )
    return int(rows[0][0] or 0) if rows else 0


async def delete_callbacks_of(
    db: Database, client_id: int, call_ids: Sequence[int], phones: Sequence[str]
) -> None:
    """Remove a client's callbacks: its own, those of its calls and of its numbers (erasure)."""
    await db.execute("DELETE FROM callback WHERE client_id = ?", (client_id,))
    await db.execute_for_ids("DELETE FROM callback WHERE call_id IN ({marks})", call_ids)
    for e164 in phones:
        await db.execute("DELETE FROM callback WHERE e164 = ?", (e164,))


async def callbacks_of(db: Database, client_id: int, phones: Sequence[str]) -> list[Callback]:
    """A client's callbacks, made or not, by time (its own and those of its numbers)."""
    marks = ",".join("?" * len(phones)) or "NULL"
    rows = await db.fetch_all(
        f"{_QUERY} WHERE callback.client_id = ? OR callback.e164 IN ({marks})"
        " ORDER BY callback.due_at, callback.id",
        (client_id, *phones),
    )
    return [_callback(r) for r in rows]

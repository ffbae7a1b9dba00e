"""Work entries (timers included) and their charges: the only writer of both tables.

Starting, stopping, editing, correcting, deleting and locking entries on a
statement, and charging them to contracts, all happen here; other modules
only read ``work_entry`` and ``charge``. Times are aware datetimes and rates
Decimal money; their stored forms never leave this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from bbdispatch.clock import from_db, from_db_opt, to_db, to_db_opt
from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.work import Charge, WorkEntry
from bbdispatch.money import from_grosze, to_grosze
from bbdispatch.storage.database import Database, Row, member, next_id


def entry_from_row(row: Row) -> WorkEntry:
    """A ``work_entry`` row as a WorkEntry; shared by every module that reads entries."""
    return WorkEntry(
        id=row["id"],
        job_id=row["job_id"],
        technician_id=row["technician_id"],
        started_at=from_db(row["started_at"]),
        ended_at=from_db_opt(row["ended_at"]),
        description=row["description"],
        mode=member(JobMode, row["mode"]),
        billable=bool(row["billable"]),
        statement_id=row["statement_id"],
        created_at=from_db(row["created_at"]),
        updated_at=from_db(row["updated_at"]),
    )


def charge_from_row(row: Row) -> Charge:
    """A ``charge`` row as a Charge."""
    return Charge(
        id=row["id"],
        work_entry_id=row["work_entry_id"],
        contract_id=row["contract_id"],
        minutes=row["minutes"],
        rate=from_grosze(row["rate_grosze"]),
        reason=row["reason"],
    )


async def insert_entry(
    db: Database,
    *,
    job_id: int,
    technician_id: int,
    started_at: datetime,
    ended_at: datetime | None,
    description: str,
    mode: JobMode,
    billable: bool,
    now: datetime,
) -> int:
    """Insert a work entry (no end = a running timer); returns its id."""
    return await db.execute(
        "INSERT INTO work_entry (id, job_id, technician_id, started_at, ended_at, description,"
        f" mode, billable, created_at, updated_at) VALUES ({next_id('work_entry')},"
        " ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (job_id, technician_id, to_db(started_at), to_db_opt(ended_at), description, mode.value,
         int(billable), to_db(now), to_db(now)),
    )  # fmt: skip


async def update_entry(
    db: Database,
    entry_id: int,
    *,
    started_at: datetime,
    ended_at: datetime | None,
    description: str,
    mode: JobMode,
    billable: bool,
    now: datetime,
) -> None:
    """Rewrite an entry's times and texts (stopping a timer is one such rewrite)."""
    await db.execute(
        "UPDATE work_entry SET started_at = ?, ended_at = ?, description = ?, mode = ?,"
        " billable = ?, updated_at = ? WHERE id = ?",
        (to_db(started_at), to_db_opt(ended_at), description, mode.value, int(billable),
         to_db(now), entry_id),
    )  # fmt: skip


async def correct_entry(
    db: Database,
    entry_id: int,
    started_at: datetime,
    ended_at: datetime,
    description: str,
    now: datetime,
) -> None:
    """Change a finished entry's times and description (the admin's correction)."""
    await db.execute(
        "UPDATE work_entry SET started_at = ?, ended_at = ?, description = ?, updated_at = ?"
        " WHERE id = ?",
        (to_db(started_at), to_db(ended_at), description, to_db(now), entry_id),
    )


async def delete_entry(db: Database, entry_id: int) -> None:
    """Remove an entry and its charges."""
    await db.execute("DELETE FROM charge WHERE work_entry_id = ?", (entry_id,))
    await db.execute("DELETE FROM work_entry WHERE id = ?", (entry_id,))


async def lock_entries(db: Database, statement_id: int, entry_ids: Sequence[int]) -> None:
    """Put entries on an issued statement; technicians can no longer edit them."""
    await db.execute_many(
        "UPDATE work_entry SET statement_id = ? WHERE id = ? AND statement_id IS NULL",
        [(statement_id, i) for i in entry_ids],
    )


async def get_entry(db: Database, entry_id: int) -> WorkEntry | None:
    """One work entry."""
    row = await db.fetch_one("SELECT * FROM work_entry WHERE id = ?", (entry_id,))
    return entry_from_row(row) if row else None


async def entries_of_job(db: Database, job_id: int) -> list[WorkEntry]:
    """A job's work entries, oldest first."""
    rows = await db.fetch_point(
        "SELECT * FROM work_entry WHERE job_id = ? ORDER BY started_at, id", (job_id,)
    )
    return [entry_from_row(r) for r in rows]


async def open_entries_of_client(db: Database, client_id: int, since: datetime) -> list[WorkEntry]:
    """A client's open finished entries from ``since`` on, in the order the ledger charges them.

    Open: not on an issued statement. The order is by start, then id.
    """
    rows = await db.fetch_all(
        "SELECT w.* FROM work_entry w JOIN job j ON j.id = w.job_id"
        " WHERE j.client_id = ? AND w.statement_id IS NULL AND w.ended_at IS NOT NULL"
        " AND w.started_at >= ? ORDER BY w.started_at, w.id",
        (client_id, to_db(since)),
    )
    return [entry_from_row(r) for r in rows]


async def delete_charges_of_entries(db: Database, entry_ids: list[int]) -> None:
    """Forget how several entries were charged, before charging them again in order."""
    if entry_ids:
        marks = ",".join("?" * len(entry_ids))
        await db.execute(f"DELETE FROM charge WHERE work_entry_id IN ({marks})", entry_ids)


async def running_entry_of(db: Database, technician_id: int) -> WorkEntry | None:
    """A technician's running timer, if any."""
    row = await db.fetch_one(
        "SELECT * FROM work_entry WHERE technician_id = ? AND ended_at IS NULL", (technician_id,)
    )
    return entry_from_row(row) if row else None


async def running_entries_on(db: Database, job_id: int) -> list[WorkEntry]:
    """The timers running on a job (one per technician at most)."""
    rows = await db.fetch_all(
        "SELECT * FROM work_entry WHERE job_id = ? AND ended_at IS NULL ORDER BY id", (job_id,)
    )
    return [entry_from_row(r) for r in rows]


async def timer_running_on(db: Database, job_id: int) -> bool:
    """Someone's timer is running on the job (a job with one cannot be closed as done)."""
    found = await db.fetch_value(
        "SELECT 1 FROM work_entry WHERE job_id = ? AND ended_at IS NULL LIMIT 1", (job_id,)
    )
    return found is not None


async def insert_charge(
    db: Database,
    *,
    work_entry_id: int,
    contract_id: int | None,
    basis: ChargeBasis,
    minutes: int,
    rate: Decimal,
    reason: str,
) -> None:
    """Record billed minutes of an entry landing on a contract (or uncovered)."""
    await db.execute(
        "INSERT INTO charge (id, work_entry_id, contract_id, basis, minutes, rate_grosze, reason)"
        f" VALUES ({next_id('charge')}, ?, ?, ?, ?, ?, ?)",
        (work_entry_id, contract_id, basis.value, minutes, to_grosze(rate), reason),
    )


async def move_charge(
    db: Database,
    charge_id: int,
    contract_id: int,
    basis: ChargeBasis,
    rate: Decimal,
    reason: str,
) -> None:
    """Put a whole charge onto a contract."""
    await db.execute(
        "UPDATE charge SET contract_id = ?, basis = ?, rate_grosze = ?, reason = ? WHERE id = ?",
        (contract_id, basis.value, to_grosze(rate), reason, charge_id),
    )


async def shrink_charge(db: Database, charge_id: int, minutes: int) -> None:
    """Keep only part of a charge's minutes (the rest moved elsewhere)."""
    await db.execute("UPDATE charge SET minutes = ? WHERE id = ?", (minutes, charge_id))


async def delete_charges_of(db: Database, work_entry_id: int) -> None:
    """Forget how an entry was charged, before charging it again."""
    await db.execute("DELETE FROM charge WHERE work_entry_id = ?", (work_entry_id,))


async def charges_of_entries(db: Database, entry_ids: list[int]) -> list[Charge]:
    """Charges of several entries."""
    if not entry_ids:
        return []
    marks = ",".join("?" * len(entry_ids))
    rows = await db.fetch_point(
        f"SELECT * FROM charge WHERE work_entry_id IN ({marks}) ORDER BY id", entry_ids
    )
    return [charge_from_row(r) for r in rows]


async def overlapping_entry(
    db: Database,
    technician_id: int,
    started_at: datetime,
    ended_at: datetime | None,
    exclude_id: int | None = None,
) -> WorkEntry | None:
    """A technician's other entry that overlaps the given span.

    A running timer counts as open-ended.
    """
    start, end = to_db(started_at), to_db_opt(ended_at)
    row = await db.fetch_one(
        "SELECT * FROM work_entry WHERE technician_id = ? AND id IS NOT ?"
        " AND (ended_at IS NULL OR ended_at > ?)"
        " AND (CAST(? AS TEXT) IS NULL OR started_at < ?)"
        " ORDER BY started_at LIMIT 1",
        (technician_id, exclude_id, start, end, end),
    )
    return entry_from_row(row) if row else None


async def entries_of_technician_since(
    db: Database, technician_id: int, since: datetime
) -> list[WorkEntry]:
    """A technician's entries started at or after ``since``, newest first."""
    rows = await db.fetch_all(
        "SELECT * FROM work_entry WHERE technician_id = ? AND started_at >= ?"
        " ORDER BY started_at DESC, id DESC",
        (technician_id, to_db(since)),
    )
    return [entry_from_row(r) for r in rows]


async def delete_entries_of_jobs(db: Database, job_ids: Sequence[int]) -> None:
    """Remove all work entries of these jobs with their charges."""
    await db.execute_for_ids(
        "DELETE FROM charge WHERE work_entry_id IN"
        " (SELECT id FROM work_entry WHERE job_id IN ({marks}))",
        job_ids,
    )
    await db.execute_for_ids("DELETE FROM work_entry WHERE job_id IN ({marks})", job_ids)


async def delete_charges_of_contracts(db: Database, contract_ids: Sequence[int]) -> None:
    """Remove any charges still pointing at these contracts."""
    await db.execute_for_ids("DELETE FROM charge WHERE contract_id IN ({marks})", contract_ids)

"""Queries about jobs and their status history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from bbdispatch.clock import from_db, from_db_opt, to_db
from bbdispatch.domain.jobs import (
    OPEN_STATUSES,
    Category,
    Job,
    JobMode,
    JobRow,
    JobStatus,
    NewJob,
    Priority,
    StatusChange,
)
from bbdispatch.money import from_grosze, to_grosze
from bbdispatch.storage.database import Database, Row, id_chunks


def job_from_row(row: Row) -> Job:
    """A ``job`` row as a Job; shared by every module that reads jobs."""
    rate = row["agreed_rate_grosze"]
    price = row["agreed_price_grosze"]
    return Job(
        id=row["id"],
        client_id=row["client_id"],
        contract_id=row["contract_id"],
        caller_phone=row["caller_phone"],
        caller_name=row["caller_name"],
        received_at=from_db(row["received_at"]),
        description=row["description"],
        mode=JobMode(row["mode"]),
        priority=Priority(row["priority"]),
        category=Category(row["category"]),
        status=JobStatus(row["status"]),
        technician_id=row["technician_id"],
        visit_at=from_db_opt(row["visit_at"]),
        site_address=row["site_address"],
        agreed_rate=None if rate is None else from_grosze(rate),
        resolution=row["resolution"],
        status_reason=row["status_reason"],
        recurring_task_id=row["recurring_task_id"],
        occurrence_at=from_db_opt(row["occurrence_at"]),
        late=bool(row["late"]),
        closed_at=from_db_opt(row["closed_at"]),
        updated_at=from_db(row["updated_at"]),
        alert=row["alert"],
        agreed_price=None if price is None else from_grosze(price),
    )


async def insert_job(db: Database, new: NewJob, received_at: str, actor: str) -> int:
    """Insert a job and the first line of its status history; returns the id."""
    job_id = await db.execute(
        "INSERT INTO job (client_id, contract_id, caller_phone, caller_name, received_at,"
        " description, mode, priority, category, status, technician_id, visit_at, site_address,"
        " agreed_rate_grosze, agreed_price_grosze, recurring_task_id, occurrence_at, late,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            new.client_id,
            new.contract_id,
            new.caller_phone,
            new.caller_name,
            received_at,
            new.description.strip(),
            new.mode.value,
            new.priority.value,
            new.category.value,
            new.status.value,
            new.technician_id,
            to_db(new.visit_at) if new.visit_at else None,
            new.site_address,
            None if new.agreed_rate is None else to_grosze(new.agreed_rate),
            None if new.agreed_price is None else to_grosze(new.agreed_price),
            new.recurring_task_id,
            to_db(new.occurrence_at) if new.occurrence_at else None,
            int(new.late),
            received_at,
        ),
    )
    await insert_status_change(db, job_id, received_at, None, new.status, new.technician_id, actor)
    return job_id


async def insert_status_change(
    db: Database,
    job_id: int,
    at: str,
    from_status: JobStatus | None,
    to_status: JobStatus,
    technician_id: int | None,
    actor: str,
    note: str = "",
) -> None:
    """Append a line to a job's status history."""
    await db.execute(
        "INSERT INTO job_status_change (job_id, at, from_status, to_status, technician_id,"
        " actor, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            job_id,
            at,
            from_status.value if from_status else None,
            to_status.value,
            technician_id,
            actor,
            note,
        ),
    )


async def update_job_fields(db: Database, job_id: int, at: str, **fields: object) -> None:
    """Update named columns of a job (names come from services, never from users)."""
    allowed = {
        "contract_id", "description", "mode", "priority", "category", "status", "technician_id",
        "visit_at", "site_address", "agreed_rate_grosze", "agreed_price_grosze", "resolution",
        "status_reason", "closed_at", "alert",
    }  # fmt: skip
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not a job field: {sorted(unknown)}")
    sets = ", ".join(f"{name} = ?" for name in fields)
    await db.execute(
        f"UPDATE job SET {sets}, updated_at = ? WHERE id = ?", (*fields.values(), at, job_id)
    )


async def get_job(db: Database, job_id: int) -> Job | None:
    """One job."""
    row = await db.fetch_one("SELECT * FROM job WHERE id = ?", (job_id,))
    return job_from_row(row) if row else None


# A job with its client's and technician's names and its running timer; callers add WHERE.
JOB_ROW_QUERY = (
    "SELECT job.*, client.name AS client_name, technician.name AS technician_name,"
    " (SELECT MIN(w.started_at) FROM work_entry w WHERE w.job_id = job.id AND w.ended_at IS NULL)"
    " AS timer_started_at"
    " FROM job JOIN client ON client.id = job.client_id"
    " LEFT JOIN technician ON technician.id = job.technician_id"
)


def job_row_from_row(row: Row) -> JobRow:
    """A :data:`JOB_ROW_QUERY` row as a JobRow (job plus names and running timer)."""
    return JobRow(
        job=job_from_row(row),
        client_name=row["client_name"],
        technician_name=row["technician_name"],
        timer_started_at=from_db_opt(row["timer_started_at"]),
    )


async def open_job_rows(db: Database) -> list[JobRow]:
    """Every open job with client and technician names."""
    marks = ",".join("?" * len(OPEN_STATUSES))
    rows = await db.fetch_all(
        f"{JOB_ROW_QUERY} WHERE job.status IN ({marks})", [s.value for s in OPEN_STATUSES]
    )
    return [job_row_from_row(r) for r in rows]


async def job_rows_of_client(db: Database, client_id: int, limit: int = 50) -> list[JobRow]:
    """A client's jobs, newest first."""
    rows = await db.fetch_all(
        f"{JOB_ROW_QUERY} WHERE job.client_id = ?"
        " ORDER BY job.received_at DESC, job.id DESC LIMIT ?",
        (client_id, limit),
    )
    return [job_row_from_row(r) for r in rows]


async def job_rows_of_technician(db: Database, technician_id: int) -> list[JobRow]:
    """A technician's jobs, open first."""
    rows = await db.fetch_all(
        f"{JOB_ROW_QUERY} WHERE job.technician_id = ? ORDER BY job.received_at DESC",
        (technician_id,),
    )
    return [job_row_from_row(r) for r in rows]


def status_change_from_row(row: Row) -> StatusChange:
    """A ``job_status_change`` row as a StatusChange; shared with the dispatch queries."""
    return StatusChange(
        at=from_db(row["at"]),
        from_status=JobStatus(row["from_status"]) if row["from_status"] else None,
        to_status=JobStatus(row["to_status"]),
        technician_id=row["technician_id"],
        actor=row["actor"],
        note=row["note"],
    )


async def status_history(db: Database, job_id: int) -> list[StatusChange]:
    """A job's status changes, oldest first."""
    rows = await db.fetch_all(
        "SELECT * FROM job_status_change WHERE job_id = ? ORDER BY at, id", (job_id,)
    )
    return [status_change_from_row(r) for r in rows]


async def backdate_job(db: Database, job_id: int, received_at: str) -> None:
    """Move a job's reception back in time (demo data and imports of old jobs)."""
    await db.execute(
        "UPDATE job SET received_at = ?, updated_at = ? WHERE id = ?",
        (received_at, received_at, job_id),
    )
    await db.execute("UPDATE job_status_change SET at = ? WHERE job_id = ?", (received_at, job_id))


async def set_agreed_terms(
    db: Database, job_id: int, price: Decimal | None, rate: Decimal | None, at: datetime
) -> None:
    """Record the job's agreed fixed price or hourly rate (both None: contracts apply)."""
    await db.execute(
        "UPDATE job SET agreed_price_grosze = ?, agreed_rate_grosze = ?, updated_at = ?"
        " WHERE id = ?",
        (
            None if price is None else to_grosze(price),
            None if rate is None else to_grosze(rate),
            to_db(at),
            job_id,
        ),
    )


async def fixed_price_first_entries(
    db: Database, job_ids: Sequence[int]
) -> dict[int, tuple[Decimal, int]]:
    """For jobs with an agreed fixed price: the price and the id of the first billable entry.

    The price is billed once, on the line of the job's earliest finished billable
    entry, so a statement holding that entry carries it and no other does.
    """
    found: dict[int, tuple[Decimal, int]] = {}
    for part in id_chunks(sorted(set(job_ids))):
        marks = ",".join("?" * len(part))
        rows = await db.fetch_all(
            "SELECT j.id, j.agreed_price_grosze AS price,"
            " (SELECT w.id FROM work_entry w WHERE w.job_id = j.id AND w.ended_at IS NOT NULL"
            "  AND w.billable = 1 ORDER BY w.started_at, w.id LIMIT 1) AS first_entry"
            f" FROM job j WHERE j.id IN ({marks}) AND j.agreed_price_grosze IS NOT NULL",
            part,
        )
        for r in rows:
            if r["first_entry"] is not None:
                found[r["id"]] = (from_grosze(r["price"]), r["first_entry"])
    return found


async def job_rows_filtered(
    db: Database, *, open_only: bool = False, client_id: int | None = None
) -> list[JobRow]:
    """Jobs for the job list, newest first: all, open ones, or one client's."""
    clauses: list[str] = []
    params: list[object] = []
    if open_only:
        clauses.append(f"job.status IN ({','.join('?' * len(OPEN_STATUSES))})")
        params += [s.value for s in OPEN_STATUSES]
    if client_id is not None:
        clauses.append("job.client_id = ?")
        params.append(client_id)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = await db.fetch_all(
        f"{JOB_ROW_QUERY}{where} ORDER BY job.received_at DESC, job.id DESC", params
    )
    return [job_row_from_row(r) for r in rows]

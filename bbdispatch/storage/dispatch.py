"""Queries the dispatch board and the assignment picker need, each one round trip."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bbdispatch.clock import from_db, to_db
from bbdispatch.domain.assignment import Load, Visit
from bbdispatch.domain.clients import search_key
from bbdispatch.domain.jobs import OPEN_STATUSES, JobRow, StatusChange
from bbdispatch.storage.database import Database, like_literal
from bbdispatch.storage.jobs import JOB_ROW_QUERY, job_row_from_row, status_change_from_row

_OPEN = ",".join(f"'{s.value}'" for s in OPEN_STATUSES)


async def job_row(db: Database, job_id: int) -> JobRow | None:
    """One job with its client and technician names and running timer."""
    rows = await db.fetch_point(f"{JOB_ROW_QUERY} WHERE job.id = ?", (job_id,))
    return job_row_from_row(rows[0]) if rows else None


async def status_histories(db: Database, job_ids: Sequence[int]) -> dict[int, list[StatusChange]]:
    """Status histories of many jobs at once, oldest first per job."""
    if not job_ids:
        return {}
    marks = ",".join("?" * len(job_ids))
    rows = await db.fetch_all(
        f"SELECT * FROM job_status_change WHERE job_id IN ({marks}) ORDER BY job_id, at, id",
        list(job_ids),
    )
    found: dict[int, list[StatusChange]] = {}
    for r in rows:
        found.setdefault(r["job_id"], []).append(status_change_from_row(r))
    return found


def _greatest(db: Database) -> str:
    """SQLite's two-argument ``MAX`` is PostgreSQL's ``GREATEST``."""
    return "MAX" if db.dialect == "sqlite" else "GREATEST"


async def technician_loads(db: Database, day_start: datetime, now: datetime) -> dict[int, Load]:
    """Open jobs, running timer and minutes booked since ``day_start``, per technician."""
    rows = await db.fetch_all(
        "SELECT t.id,"
        f" (SELECT COUNT(*) FROM job j WHERE j.technician_id = t.id AND j.status IN ({_OPEN}))"
        "  AS open_jobs,"
        " (SELECT COUNT(*) FROM work_entry w WHERE w.technician_id = t.id"
        "  AND w.ended_at IS NULL) AS running,"
        " (SELECT COALESCE(SUM((julianday(COALESCE(w.ended_at, :now))"
        f"  - julianday({_greatest(db)}(w.started_at, :day))) * 1440), 0)"
        "  FROM work_entry w WHERE w.technician_id = t.id"
        "  AND COALESCE(w.ended_at, :now) > :day) AS minutes"
        " FROM technician t",
        {"now": to_db(now), "day": to_db(day_start)},
    )
    return {
        r["id"]: Load(
            open_jobs=r["open_jobs"],
            timer_running=bool(r["running"]),
            minutes_today=max(0, round(r["minutes"])),
        )
        for r in rows
    }


async def visits_of(db: Database, technician_id: int) -> list[Visit]:
    """A technician's planned visits on open jobs."""
    rows = await db.fetch_all(
        "SELECT job.id, job.visit_at, client.name FROM job JOIN client ON client.id = job.client_id"
        f" WHERE job.technician_id = ? AND job.visit_at IS NOT NULL AND job.status IN ({_OPEN})"
        " ORDER BY job.visit_at",
        (technician_id,),
    )
    return [Visit(job_id=r["id"], client_name=r["name"], at=from_db(r["visit_at"])) for r in rows]


async def find_job_rows(
    db: Database, text: str, limit: int = 10, *, technician_id: int | None = None
) -> list[JobRow]:
    """Jobs whose number, description, caller or caller's phone matches, newest first.

    With ``technician_id``, only that technician's jobs, and then the client's
    name matches too (folded: ``przychodnia`` finds ``Przychodnia``): a technician
    finds their own jobs by the client's name, which their job card shows, while
    a dispatcher's search lists the client itself (``docs/rights.md``).
    """
    digits = "".join(c for c in text if c.isdigit())
    clauses = ["job.description LIKE :like ESCAPE '!'", "job.caller_name LIKE :like ESCAPE '!'"]
    params: dict[str, object] = {"like": f"%{like_literal(text.strip())}%", "limit": limit}
    if digits:
        clauses.append("CAST(job.id AS TEXT) = :digits")
        params["digits"] = digits
        if len(digits) >= 3:
            clauses.append("job.caller_phone LIKE :phone")  # digits only: no wildcards
            params["phone"] = f"%{digits}%"
    where = f"({' OR '.join(clauses)})"
    if technician_id is not None:
        key = search_key(text.strip())
        if key:
            where = f"({where[1:-1]} OR client.search_name LIKE :name ESCAPE '!')"
            params["name"] = f"%{like_literal(key)}%"
        where += " AND job.technician_id = :technician"
        params["technician"] = technician_id
    rows = await db.fetch_all(
        f"{JOB_ROW_QUERY} WHERE {where}"
        f" ORDER BY job.status IN ({_OPEN}) DESC, job.received_at DESC LIMIT :limit",
        params,
    )
    return [job_row_from_row(r) for r in rows]

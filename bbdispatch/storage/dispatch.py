"""Queries the dispatch board and the assignment picker need, each one round trip."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bbdispatch.clock import from_db, to_db
from bbdispatch.domain.assignment import Load, Visit
from bbdispatch.domain.audit import AuditEntry
from bbdispatch.domain.clients import Client, search_key
from bbdispatch.domain.contracts import Contract
from bbdispatch.domain.job_edits import StatusChange
from bbdispatch.domain.jobs import OPEN_STATUSES, JobRow
from bbdispatch.domain.people import Technician
from bbdispatch.domain.work import Charge, WorkEntry
from bbdispatch.storage.audit import audit_entry_from_row
from bbdispatch.storage.clients import CLIENT_COLUMNS, client_from_row, phone_from_row
from bbdispatch.storage.contracts import contract_from_row
from bbdispatch.storage.database import Database, id_chunks, like_literal
from bbdispatch.storage.jobs import (
    JOB_ROW_QUERY,
    POINT_ROWS,
    job_row_from_row,
    status_change_from_row,
)
from bbdispatch.storage.people import person_from_row
from bbdispatch.storage.work import charge_from_row, entry_from_row

_OPEN = ",".join(f"'{s.value}'" for s in OPEN_STATUSES)


async def job_row(db: Database, job_id: int) -> JobRow | None:
    """One job with its client and technician names and running timer."""
    rows = await db.fetch_point(f"{JOB_ROW_QUERY} WHERE job.id = ?", (job_id,))
    return job_row_from_row(rows[0]) if rows else None


@dataclass(frozen=True)
class JobDetailRows:
    """What a job's detail shows, read in one pass (:func:`job_detail_rows`)."""

    row: JobRow
    client: Client | None
    """The job's client with its phones (None only if the row is gone)."""
    history: list[StatusChange]
    """Status changes, oldest first."""
    entries: list[WorkEntry]
    """Work entries, oldest first."""
    charges: list[Charge]
    """The entries' charges, in the order written."""
    trail: list[AuditEntry]
    """The job's audit rows, oldest first."""
    people: list[Technician]
    """The people the job, its history and its entries name (not those only its trail names)."""
    contracts: list[Contract]
    """The client's contracts, oldest first."""
    used: dict[int, int]
    """Billed minutes used of each of those contracts (``contract_used``)."""


_JOB_CLIENT = "(SELECT client_id FROM job WHERE id = ?)"
_NAMED = (
    "SELECT technician_id FROM job WHERE id = ?"
    " UNION SELECT technician_id FROM job_status_change WHERE job_id = ?"
    " UNION SELECT technician_id FROM work_entry WHERE job_id = ?"
)


async def job_detail_rows(db: Database, job_id: int) -> JobDetailRows | None:
    """A job with everything its detail shows, in one pass over one snapshot (None: no job).

    Eleven queries, each keyed by the job's id, handed to the backend at once
    (:meth:`Database.fetch_batch`): a detail costs one hand-off instead of
    one per query, which on a busy machine is most of its time.
    """
    key = (job_id,)
    (job, client, phones, history, entries, charges, trail, people, skills, contracts,
     used) = await db.fetch_batch([
        (f"{JOB_ROW_QUERY} WHERE job.id = ?", key),
        (f"SELECT {CLIENT_COLUMNS} FROM client WHERE id = {_JOB_CLIENT}", key),
        (f"SELECT * FROM client_phone WHERE client_id = {_JOB_CLIENT} ORDER BY id", key),
        ("SELECT * FROM job_status_change WHERE job_id = ? ORDER BY at, id", key),
        ("SELECT * FROM work_entry WHERE job_id = ? ORDER BY started_at, id", key),
        ("SELECT ch.* FROM charge ch WHERE ch.work_entry_id IN"
         " (SELECT id FROM work_entry WHERE job_id = ?) ORDER BY ch.id", key),
        ("SELECT * FROM audit_log WHERE entity = 'job' AND entity_id = ? ORDER BY at, id", key),
        (f"SELECT * FROM technician WHERE id IN ({_NAMED}) ORDER BY name", key * 3),
        (f"SELECT technician_id, category FROM technician_skill WHERE technician_id IN ({_NAMED})",
         key * 3),
        (f"SELECT * FROM contract WHERE client_id = {_JOB_CLIENT} ORDER BY starts_on, id", key),
        ("SELECT id, used FROM contract_used WHERE id IN"
         f" (SELECT id FROM contract WHERE client_id = {_JOB_CLIENT})", key),
    ])  # fmt: skip
    if not job:
        return None
    skill_of: dict[int, set[str]] = {}
    for s in skills:
        skill_of.setdefault(s["technician_id"], set()).add(s["category"])
    phone_list = tuple(phone_from_row(p) for p in phones)
    return JobDetailRows(
        row=job_row_from_row(job[0]),
        client=client_from_row(client[0], phone_list) if client else None,
        history=[status_change_from_row(r) for r in history],
        entries=[entry_from_row(r) for r in entries],
        charges=[charge_from_row(r) for r in charges],
        trail=[audit_entry_from_row(r) for r in trail],
        people=[person_from_row(r, frozenset(skill_of.get(r["id"], ()))) for r in people],
        contracts=[contract_from_row(r) for r in contracts],
        used={r["id"]: int(r["used"]) for r in used},
    )


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


_EVER_HELD = (
    "EXISTS (SELECT 1 FROM job_status_change x WHERE x.job_id = j.id AND x.to_status = 'on_hold')"
)


async def hold_histories(
    db: Database, job_ids: Sequence[int] | None = None
) -> dict[int, list[StatusChange]]:
    """The whole status histories of the jobs that were ever on hold, oldest first per job.

    Of the open jobs, or of ``job_ids``. A board line needs a job's history only
    for its on-hold stretches (:func:`bbdispatch.domain.response.hold_spans`):
    a job never put on hold has none, so its history is not read. At 2,000 open
    jobs this reads about a fifth of the rows :func:`status_histories` reads.
    """
    if job_ids is None:
        chunks: list[Sequence[int]] = [()]
        which = f"j.status IN ({_OPEN})"
    else:
        chunks = list(id_chunks(list(job_ids)))
        which = ""
    found: dict[int, list[StatusChange]] = {}
    for part in chunks:
        if job_ids is not None:
            if not part:
                continue
            which = f"j.id IN ({','.join('?' * len(part))})"
        # A reload after a commit asks for a few jobs: by key, right on the event loop.
        fetch = db.fetch_point if 0 < len(part) <= POINT_ROWS else db.fetch_all
        rows = await fetch(
            "SELECT h.* FROM job_status_change h WHERE h.job_id IN"
            f" (SELECT j.id FROM job j WHERE {which} AND {_EVER_HELD})"
            " ORDER BY h.job_id, h.at, h.id",
            list(part),
        )
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

"""Jobs and their status history: the only module that writes ``job`` and ``job_status_change``.

Every write is named for what it does (:func:`record_transition`,
:func:`set_alert`, :func:`edit_job`, ...) and takes domain values; the
encoding (UTC text, grosze, enum values) happens here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from bbdispatch.clock import from_db, from_db_opt, to_db, to_db_opt
from bbdispatch.domain.jobs import (
    OPEN_STATUSES,
    Category,
    Job,
    JobMode,
    JobRow,
    JobStatus,
    Priority,
)
from bbdispatch.money import from_grosze, to_grosze
from bbdispatch.storage.database import Database, Row, id_chunks, member, next_id

if TYPE_CHECKING:  # the phone path reads jobs only: these are built when written
    from bbdispatch.domain.job_edits import JobEdit, NewJob, StatusChange
    from bbdispatch.domain.lifecycle import StatusStep


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
        mode=member(JobMode, row["mode"]),
        priority=member(Priority, row["priority"]),
        category=member(Category, row["category"]),
        status=member(JobStatus, row["status"]),
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


JOB_COLUMNS = (
    "id", "client_id", "contract_id", "caller_phone", "caller_name", "received_at",
    "description", "mode", "priority", "category", "status", "technician_id", "visit_at",
    "site_address", "agreed_rate_grosze", "resolution", "status_reason", "recurring_task_id",
    "occurrence_at", "late", "closed_at", "updated_at", "alert", "agreed_price_grosze",
)  # fmt: skip
"""The ``job`` columns a :class:`Job` is made of, in the order :func:`job_at` reads them."""
_JOB_SELECT = ", ".join(f"job.{c}" for c in JOB_COLUMNS)


def job_at(row: Row) -> Job:
    """A row whose first columns are :data:`JOB_COLUMNS` as a Job, read by position.

    The same Job as :func:`job_from_row` gives (``tests/storage``). The lists that
    decode thousands of jobs (the board: every open job on each load) read by
    position, since a name is looked up among all of a row's columns, some thirty
    here, for each field; and they fill the frozen Job's fields at once, since
    its ``__init__`` sets each of the 24 through ``object.__setattr__``, half the
    cost of decoding a job (issue 19, item 7: board data within 3x its bare
    query). An unknown stored enum value still raises ``ValueError``.
    """
    rate = row[14]
    price = row[23]
    visit = row[12]
    occurrence = row[18]
    closed = row[20]
    job: Job = _new(Job)
    job.__dict__.update(
        {
            "id": row[0],
            "client_id": row[1],
            "contract_id": row[2],
            "caller_phone": row[3],
            "caller_name": row[4],
            "received_at": from_db(row[5]),
            "description": row[6],
            "mode": _MODES[row[7]] if row[7] in _MODES else JobMode(row[7]),
            "priority": _PRIORITIES[row[8]] if row[8] in _PRIORITIES else Priority(row[8]),
            "category": _CATEGORIES[row[9]] if row[9] in _CATEGORIES else Category(row[9]),
            "status": _STATUSES[row[10]] if row[10] in _STATUSES else JobStatus(row[10]),
            "technician_id": row[11],
            "visit_at": None if visit is None else from_db(visit),
            "site_address": row[13],
            "agreed_rate": None if rate is None else from_grosze(rate),
            "resolution": row[15],
            "status_reason": row[16],
            "recurring_task_id": row[17],
            "occurrence_at": None if occurrence is None else from_db(occurrence),
            "late": bool(row[19]),
            "closed_at": None if closed is None else from_db(closed),
            "updated_at": from_db(row[21]),
            "alert": row[22],
            "agreed_price": None if price is None else from_grosze(price),
        }
    )
    return job


_new = object.__new__
_MODES = {m.value: m for m in JobMode}
_PRIORITIES = {m.value: m for m in Priority}
_CATEGORIES = {m.value: m for m in Category}
_STATUSES = {m.value: m for m in JobStatus}


async def insert_job(db: Database, new: NewJob, received_at: datetime, actor: str) -> int:
    """Insert a job and the first line of its status history; returns the id."""
    job_id = await db.execute(
        f"INSERT INTO job ({_NEW_JOB_COLUMNS}) VALUES ({_NEW_JOB_MARKS})",
        _new_job_params(new, received_at),
    )
    await _insert_status_change(
        db, job_id, received_at, None, new.status, new.technician_id, actor, ""
    )
    return job_id


async def insert_run_job(
    db: Database, new: NewJob, received_at: datetime, actor: str
) -> int | None:
    """Insert the job of one recurring-task occurrence, unless it exists; returns its id.

    ``ON CONFLICT DO NOTHING`` on UNIQUE(recurring_task_id, occurrence_at) is
    what makes each occurrence exactly once, whatever other processes do.
    """
    inserted = await db.fetch_value(
        f"INSERT INTO job ({_NEW_JOB_COLUMNS}) VALUES ({_NEW_JOB_MARKS})"
        " ON CONFLICT (recurring_task_id, occurrence_at) DO NOTHING RETURNING id",
        _new_job_params(new, received_at),
    )
    if inserted is None:
        return None
    job_id = int(inserted)
    await _insert_status_change(
        db, job_id, received_at, None, new.status, new.technician_id, actor, "schedule"
    )
    return job_id


_NEW_JOB_COLUMNS = (
    "id, client_id, contract_id, caller_phone, caller_name, received_at, description, mode,"
    " priority, category, status, technician_id, visit_at, site_address, agreed_rate_grosze,"
    " agreed_price_grosze, recurring_task_id, occurrence_at, late, updated_at"
)
_NEW_JOB_MARKS = next_id("job") + ", " + ", ".join("?" * 19)


def _new_job_params(new: NewJob, received_at: datetime) -> tuple[object, ...]:
    received = to_db(received_at)
    return (
        new.client_id,
        new.contract_id,
        new.caller_phone,
        new.caller_name,
        received,
        new.description.strip(),
        new.mode.value,
        new.priority.value,
        new.category.value,
        new.status.value,
        new.technician_id,
        to_db_opt(new.visit_at),
        new.site_address,
        None if new.agreed_rate is None else to_grosze(new.agreed_rate),
        None if new.agreed_price is None else to_grosze(new.agreed_price),
        new.recurring_task_id,
        to_db_opt(new.occurrence_at),
        int(new.late),
        received,
    )


async def _insert_status_change(
    db: Database,
    job_id: int,
    at: datetime,
    from_status: JobStatus | None,
    to_status: JobStatus,
    technician_id: int | None,
    actor: str,
    note: str,
) -> None:
    await db.execute(
        "INSERT INTO job_status_change (job_id, at, from_status, to_status, technician_id,"
        " actor, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            job_id,
            to_db(at),
            from_status.value if from_status else None,
            to_status.value,
            technician_id,
            actor,
            note,
        ),
    )


async def record_transition(
    db: Database, job_id: int, step: StatusStep, at: datetime, actor: str
) -> None:
    """Write one lifecycle step: the job's status and what goes with it, and its history line.

    ``step`` comes from :func:`bbdispatch.domain.lifecycle.plan_step` or
    :func:`~bbdispatch.domain.lifecycle.plan_assignment`; this only stores it.
    """
    stamp = to_db(at)
    await db.execute(
        "UPDATE job SET status = ?, technician_id = ?, visit_at = ?, resolution = ?,"
        " status_reason = ?, closed_at = CASE WHEN ? <> 0 THEN ? ELSE closed_at END, updated_at = ?"
        " WHERE id = ?",
        (
            step.to_status.value, step.technician_id, to_db_opt(step.visit_at), step.resolution,
            step.status_reason, int(step.closes), stamp, stamp, job_id,
        ),
    )  # fmt: skip
    await _insert_status_change(
        db, job_id, at, step.from_status, step.to_status, step.technician_id, actor, step.note
    )


async def record_remark(db: Database, job: Job, at: datetime, actor: str, note: str) -> None:
    """Add a line to a job's history that changes no status (e.g. a raised priority)."""
    await _insert_status_change(
        db, job.id, at, job.status, job.status, job.technician_id, actor, note
    )


async def set_alert(
    db: Database, job_id: int, at: datetime, alert: str, priority: Priority | None = None
) -> None:
    """Show (or with ``""`` clear) a job's alert, optionally raising its priority too."""
    await db.execute(
        "UPDATE job SET alert = ?, priority = COALESCE(?, priority), updated_at = ? WHERE id = ?",
        (alert, priority.value if priority else None, to_db(at), job_id),
    )


async def edit_job(db: Database, job_id: int, edit: JobEdit, at: datetime) -> None:
    """Store the dispatcher's corrections of a job: texts, contract and agreed terms."""
    await db.execute(
        "UPDATE job SET description = ?, priority = ?, mode = ?, contract_id = ?,"
        " agreed_price_grosze = ?, agreed_rate_grosze = ?, updated_at = ? WHERE id = ?",
        (
            edit.description, edit.priority.value, edit.mode.value, edit.contract_id,
            None if edit.agreed_price is None else to_grosze(edit.agreed_price),
            None if edit.agreed_rate is None else to_grosze(edit.agreed_rate),
            to_db(at), job_id,
        ),
    )  # fmt: skip


async def set_contract(db: Database, job_id: int, contract_id: int | None, at: datetime) -> None:
    """Charge a job's time to another contract (or to none)."""
    await db.execute(
        "UPDATE job SET contract_id = ?, updated_at = ? WHERE id = ?",
        (contract_id, to_db(at), job_id),
    )


async def get_job(db: Database, job_id: int) -> Job | None:
    """One job."""
    row = await db.fetch_one("SELECT * FROM job WHERE id = ?", (job_id,))
    return job_from_row(row) if row else None


# A job with its client's and technician's names and its running timer; callers add WHERE.
JOB_ROW_QUERY = (
    f"SELECT {_JOB_SELECT}, client.name AS client_name, technician.name AS technician_name,"
    " (SELECT MIN(w.started_at) FROM work_entry w WHERE w.job_id = job.id AND w.ended_at IS NULL)"
    " AS timer_started_at"
    " FROM job JOIN client ON client.id = job.client_id"
    " LEFT JOIN technician ON technician.id = job.technician_id"
)
_NAMES_AT = len(JOB_COLUMNS)
"""Where a :data:`JOB_ROW_QUERY` row's client name is (the technician's and the timer follow)."""


def job_row_from_row(row: Row) -> JobRow:
    """A :data:`JOB_ROW_QUERY` row as a JobRow (job plus names and running timer)."""
    return JobRow(
        job=job_at(row),
        client_name=row[_NAMES_AT],
        technician_name=row[_NAMES_AT + 1],
        timer_started_at=from_db_opt(row[_NAMES_AT + 2]),
    )


async def open_job_rows(db: Database) -> list[JobRow]:
    """Every open job with client and technician names.

    Read as :func:`open_job_changes` reads them the first time: the running
    timers in one query beside the rows, not one look-up per job.
    """
    return (await open_job_changes(db)).changed


@dataclass(frozen=True)
class OpenJobs:
    """What :func:`open_job_changes` read: enough to find the next changes cheaply."""

    marks: dict[int, Hashable]
    """Each open job's change mark (equal marks: the same :class:`JobRow`)."""
    changed: list[JobRow]
    """The open jobs that are new or changed since the ``known`` read."""
    history_seen: int
    """The highest status-history row id read; later rows are the news."""


_OPEN_ROW_QUERY = (
    f"SELECT {_JOB_SELECT}, client.name AS client_name, technician.name AS technician_name,"
    " job.rev"
    " FROM job JOIN client ON client.id = job.client_id"
    " LEFT JOIN technician ON technician.id = job.technician_id"
)


POINT_ROWS = 50
"""Up to this many rows by key are read on the event loop (``Database.fetch_point``)."""


async def open_job_changes(db: Database, known: OpenJobs | None = None) -> OpenJobs:
    """Every open job's change mark, and the rows of those new or changed since ``known``.

    A job's mark is its revision (``job.rev``: every change to the row moves it,
    and so does renaming its client or technician, migration 019) with its
    running timer; its status history counts through the history rows added
    since ``known`` (history rows are only ever added: the writes that change
    one, backdating and erasure, change the job's row too). With ``known``, the
    marks come from an index alone (``job_open_rev``) and only the rows of the
    jobs whose mark moved are read and decoded: a screen that reloads on every
    commit pays for what changed, not for every open job (issue 13: another
    process's commit reaches the board in ≤ 0.15 s at 100,000 clients). The rows
    are exactly those :func:`open_job_rows` gives.
    """
    marks_sql = ",".join("?" * len(OPEN_STATUSES))
    open_ = [s.value for s in OPEN_STATUSES]
    # The small reads in one pass over one snapshot, without a hand-off to the
    # database's thread for each (on a busy machine every hand-off waits its
    # turn): the newest history row, the rows added since, the running timers
    # and, when there was a read before, the open jobs' marks (from an index).
    queries: list[tuple[str, Sequence[object]]] = [
        ("SELECT MAX(id) FROM job_status_change", ()),
        ("SELECT job_id, started_at FROM work_entry WHERE ended_at IS NULL", ()),
    ]
    if known is not None:
        queries += [
            ("SELECT job_id FROM job_status_change WHERE id > ?", (known.history_seen,)),
            (f"SELECT id, rev FROM job WHERE status IN ({marks_sql})", open_),
        ]
    head, running, *since = await db.fetch_batch(queries)
    history_seen = int(head[0][0] or 0) if head else 0
    touched: set[int] = set()
    if known is not None and history_seen < known.history_seen:
        known = None  # rows went away (an erasure): read everything again
    if known is not None and history_seen > known.history_seen:
        touched = {r[0] for r in since[0]}
    timers: dict[int, str] = {}
    for r in running:
        if r[0] not in timers or r[1] < timers[r[0]]:
            timers[r[0]] = r[1]
    if known is None:
        rows = await db.fetch_all(f"{_OPEN_ROW_QUERY} WHERE job.status IN ({marks_sql})", open_)
        return _changes(rows, timers, history_seen)
    marks: dict[int, Hashable] = {}
    stale: list[int] = []
    for job_id, rev in since[1]:
        mark = (rev, timers.get(job_id))
        marks[job_id] = mark
        if job_id in touched or known.marks.get(job_id) != mark:
            stale.append(job_id)
    rows = []
    for chunk in id_chunks(stale):
        ids = ",".join("?" * len(chunk))
        query = f"{_OPEN_ROW_QUERY} WHERE job.id IN ({ids}) AND job.status IN ({marks_sql})"
        # A commit changes a few jobs: read them by key right here; many, on the thread.
        fetch = db.fetch_point if len(chunk) <= POINT_ROWS else db.fetch_all
        rows += await fetch(query, [*chunk, *open_])
    fresh = _changes(rows, timers, history_seen)
    for job_id in set(stale) - fresh.marks.keys():
        del marks[job_id]  # closed between the two reads: the next commit's reload sees it
    marks.update(fresh.marks)
    return OpenJobs(marks, fresh.changed, history_seen)


def _changes(rows: Sequence[Row], timers: dict[int, str], history_seen: int) -> OpenJobs:
    """Marks and decoded rows of full open-job rows (:data:`_OPEN_ROW_QUERY`)."""
    marks: dict[int, Hashable] = {}
    changed: list[JobRow] = []
    for r in rows:
        job_id = r[0]
        timer = timers.get(job_id)
        marks[job_id] = (r[_NAMES_AT + 2], timer)
        # Filled at once, as the Job (job_at): a frozen __init__ sets field by field.
        job_row: JobRow = _new(JobRow)
        job_row.__dict__.update(
            {
                "job": job_at(r),
                "client_name": r[_NAMES_AT],
                "technician_name": r[_NAMES_AT + 1],
                "timer_started_at": None if timer is None else from_db(timer),
            }
        )
        changed.append(job_row)
    return OpenJobs(marks, changed, history_seen)


async def job_rows_of_client(
    db: Database,
    client_id: int,
    limit: int | None = 50,
    *,
    which: Literal["all", "open", "closed"] = "all",
) -> list[JobRow]:
    """A client's jobs, newest first (by time received, then id).

    ``which`` picks all of them, only the open ones or only the closed ones
    (done or cancelled), so that a view listing "open jobs" and "the last
    closed jobs" reads each set whole rather than filtering the newest few
    (a busy client has more open jobs than any fixed window). ``limit=None``
    reads every match.
    """
    marks = ",".join("?" * len(OPEN_STATUSES))
    sql = f"{JOB_ROW_QUERY} WHERE job.client_id = ?"
    params: list[object] = [client_id]
    if which != "all":
        sql += f" AND job.status {'' if which == 'open' else 'NOT '}IN ({marks})"
        params += [s.value for s in OPEN_STATUSES]
    sql += " ORDER BY job.received_at DESC, job.id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = await db.fetch_all(sql, params)
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
    from bbdispatch.domain.job_edits import StatusChange

    return StatusChange(
        at=from_db(row["at"]),
        from_status=member(JobStatus, row["from_status"]) if row["from_status"] else None,
        to_status=member(JobStatus, row["to_status"]),
        technician_id=row["technician_id"],
        actor=row["actor"],
        note=row["note"],
    )


async def status_history(db: Database, job_id: int) -> list[StatusChange]:
    """A job's status changes, oldest first."""
    rows = await db.fetch_point(
        "SELECT * FROM job_status_change WHERE job_id = ? ORDER BY at, id", (job_id,)
    )
    return [status_change_from_row(r) for r in rows]


async def backdate_job(db: Database, job_id: int, received_at: datetime) -> None:
    """Move a job's reception back in time (demo data and imports of old jobs)."""
    stamp = to_db(received_at)
    await db.execute(
        "UPDATE job SET received_at = ?, updated_at = ? WHERE id = ?", (stamp, stamp, job_id)
    )
    await db.execute("UPDATE job_status_change SET at = ? WHERE job_id = ?", (stamp, job_id))


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


@dataclass(frozen=True)
class FixedPrice:
    """A job's agreed fixed price and the entry whose statement line carries it."""

    price: Decimal
    first_entry_id: int


async def fixed_price_first_entries(db: Database, job_ids: Sequence[int]) -> dict[int, FixedPrice]:
    """For jobs with an agreed fixed price: the price and the id of the first billable entry.

    The price is billed once, on the line of the job's earliest finished billable
    entry, so a statement holding that entry carries it and no other does.
    """
    found: dict[int, FixedPrice] = {}
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
                found[r["id"]] = FixedPrice(from_grosze(r["price"]), r["first_entry"])
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


async def delete_jobs(db: Database, ids: Sequence[int]) -> None:
    """Remove jobs and their status history (their work, runs and calls must be gone)."""
    await db.execute_for_ids("DELETE FROM job_status_change WHERE job_id IN ({marks})", ids)
    await db.execute_for_ids("DELETE FROM job WHERE id IN ({marks})", ids)


async def anonymise_jobs(db: Database, ids: Sequence[int], erased: str) -> None:
    """Drop the caller and free-text notes of jobs that must be kept (billed work).

    The description and resolution stay: they are on the issued statement.
    A cancelled job's reason (required by the schema) becomes ``erased``.
    """
    await db.execute_for_ids(
        "UPDATE job SET caller_phone = NULL, caller_name = '', alert = '',"
        " status_reason = CASE WHEN status = 'cancelled' THEN ? ELSE '' END"
        " WHERE id IN ({marks})",
        ids,
        before=(erased,),
    )
    await db.execute_for_ids(
        "UPDATE job_status_change SET note = '' WHERE job_id IN ({marks})", ids
    )

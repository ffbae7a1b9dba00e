"""Queries about recurring tasks of IT administration contracts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bbdispatch.clock import from_db, from_db_opt, to_db, to_db_opt
from bbdispatch.domain.jobs import Category, Job, JobMode
from bbdispatch.domain.recurring import ClosedDayRule, RecurringTask, RunLog, RunOutcome, TaskDraft
from bbdispatch.storage.database import Database, Row, next_id
from bbdispatch.storage.jobs import job_from_row


async def contract_of_task(db: Database, task_id: int) -> int | None:
    """The IT administration contract a recurring task belongs to."""
    value = await db.fetch_value("SELECT contract_id FROM recurring_task WHERE id = ?", (task_id,))
    return None if value is None else int(value)


async def insert_task(
    db: Database, contract_id: int, draft: TaskDraft, runs_from: datetime | None = None
) -> int:
    """Add a recurring task to a contract; returns its id.

    ``runs_from``: no run before this moment is made (None: from the first run).
    """
    return await db.execute(
        "INSERT INTO recurring_task (id, contract_id, title, instructions, schedule, starts_at,"
        " technician_id, expected_minutes, mode, category, catch_up, on_closed_day, runs_from)"
        f" VALUES ({next_id('recurring_task')}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (contract_id, *_draft_params(draft), to_db_opt(runs_from)),
    )


async def set_runs_from(db: Database, task_id: int, runs_from: datetime | None) -> None:
    """Make no run of a task before this moment (None: from its first run)."""
    await db.execute(
        "UPDATE recurring_task SET runs_from = ? WHERE id = ?", (to_db_opt(runs_from), task_id)
    )


async def update_task(db: Database, task_id: int, draft: TaskDraft) -> None:
    """Replace what a task says (its contract and its active flag stay)."""
    await db.execute(
        "UPDATE recurring_task SET title = ?, instructions = ?, schedule = ?, starts_at = ?,"
        " technician_id = ?, expected_minutes = ?, mode = ?, category = ?, catch_up = ?,"
        " on_closed_day = ? WHERE id = ?",
        (*_draft_params(draft), task_id),
    )


async def set_task_active(db: Database, task_id: int, active: bool) -> None:
    """Pause (False) or resume (True) a task."""
    await db.execute("UPDATE recurring_task SET active = ? WHERE id = ?", (int(active), task_id))


def _draft_params(draft: TaskDraft) -> tuple[object, ...]:
    return (
        draft.title, draft.instructions, draft.schedule, to_db(draft.starts_at),
        draft.technician_id, draft.expected_minutes, draft.mode.value, draft.category.value,
        int(draft.catch_up), draft.on_closed_day.value,
    )  # fmt: skip


def _task(row: Row) -> RecurringTask:
    return RecurringTask(
        id=row["id"],
        contract_id=row["contract_id"],
        title=row["title"],
        instructions=row["instructions"],
        schedule=row["schedule"],
        starts_at=from_db(row["starts_at"]),
        technician_id=row["technician_id"],
        expected_minutes=row["expected_minutes"],
        mode=JobMode(row["mode"]),
        category=Category(row["category"]),
        catch_up=bool(row["catch_up"]),
        active=bool(row["active"]),
        on_closed_day=ClosedDayRule(row["on_closed_day"]),
        runs_from=from_db_opt(row["runs_from"]),
    )


async def get_task(db: Database, task_id: int) -> RecurringTask | None:
    """One recurring task."""
    row = await db.fetch_one("SELECT * FROM recurring_task WHERE id = ?", (task_id,))
    return _task(row) if row else None


async def tasks_of_contract(db: Database, contract_id: int) -> list[RecurringTask]:
    """A contract's recurring tasks, active first, then by title."""
    rows = await db.fetch_all(
        "SELECT * FROM recurring_task WHERE contract_id = ? ORDER BY active DESC, title, id",
        (contract_id,),
    )
    return [_task(r) for r in rows]


async def active_task_ids(db: Database) -> list[int]:
    """Active tasks of active contracts: the ones ``schedule run`` looks at."""
    rows = await db.fetch_all(
        "SELECT t.id FROM recurring_task t JOIN contract c ON c.id = t.contract_id"
        " WHERE t.active = 1 AND c.status = 'active' ORDER BY t.id"
    )
    return [int(r[0]) for r in rows]


async def last_occurrence(db: Database, task_id: int) -> datetime | None:
    """The newest occurrence already turned into a job."""
    value = await db.fetch_value(
        "SELECT MAX(occurrence_at) FROM job WHERE recurring_task_id = ?", (task_id,)
    )
    return None if value is None else from_db(str(value))


def _log(row: Row) -> RunLog:
    return RunLog(
        job_id=row["job_id"],
        recorded_by=row["recorded_by"],
        recorded_at=from_db(row["recorded_at"]),
        checked=row["checked"],
        outcome=RunOutcome(row["outcome"]),
        problem=row["problem"],
    )


async def insert_run_log(db: Database, log: RunLog) -> None:
    """Record (or correct) the log of a run."""
    await db.execute(
        "INSERT INTO run_log (id, job_id, recorded_by, recorded_at, checked, outcome, problem)"
        f" VALUES ({next_id('run_log')}, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET"
        " recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at,"
        " checked = excluded.checked, outcome = excluded.outcome, problem = excluded.problem",
        (log.job_id, log.recorded_by, to_db(log.recorded_at), log.checked.strip(),
         log.outcome.value, log.problem.strip()),
    )  # fmt: skip


async def run_log_of(db: Database, job_id: int) -> RunLog | None:
    """The log of one run, if recorded."""
    row = await db.fetch_one("SELECT * FROM run_log WHERE job_id = ?", (job_id,))
    return _log(row) if row else None


@dataclass(frozen=True)
class RunRow:
    """One run of a recurring task: its job, who has it, its log, a failed backup check."""

    task: RecurringTask
    job: Job
    technician_name: str | None
    log: RunLog | None
    backup_failed: bool


async def runs_of_contract(db: Database, contract_id: int) -> list[RunRow]:
    """Every run of a contract's tasks, newest first."""
    rows = await db.fetch_all(
        "SELECT job.*, technician.name AS technician_name, run_log.job_id AS log_job,"
        " run_log.recorded_by AS log_by, run_log.recorded_at AS log_at,"
        " run_log.checked AS log_checked, run_log.outcome AS log_outcome,"
        " run_log.problem AS log_problem,"
        " EXISTS (SELECT 1 FROM backup_check b WHERE b.job_id = job.id AND b.result = 'failed')"
        " AS backup_failed"
        " FROM job JOIN recurring_task t ON t.id = job.recurring_task_id"
        " LEFT JOIN technician ON technician.id = job.technician_id"
        " LEFT JOIN run_log ON run_log.job_id = job.id"
        " WHERE t.contract_id = ? ORDER BY job.occurrence_at DESC, job.id DESC",
        (contract_id,),
    )
    tasks = {t.id: t for t in await tasks_of_contract(db, contract_id)}
    found = []
    for r in rows:
        log = None
        if r["log_job"] is not None:
            log = RunLog(
                job_id=r["id"], recorded_by=r["log_by"], recorded_at=from_db(r["log_at"]),
                checked=r["log_checked"], outcome=RunOutcome(r["log_outcome"]),
                problem=r["log_problem"],
            )  # fmt: skip
        job = job_from_row(r)
        assert job.recurring_task_id is not None
        found.append(
            RunRow(
                tasks[job.recurring_task_id], job, r["technician_name"], log,
                bool(r["backup_failed"]),
            )
        )  # fmt: skip
    return found


async def delete_run_logs(db: Database, job_ids: Sequence[int]) -> None:
    """Remove the run logs of these jobs."""
    await db.execute_for_ids("DELETE FROM run_log WHERE job_id IN ({marks})", job_ids)


async def delete_tasks_of_contracts(db: Database, contract_ids: Sequence[int]) -> None:
    """Remove the recurring tasks of these contracts (their jobs must be gone)."""
    await db.execute_for_ids(
        "DELETE FROM recurring_task WHERE contract_id IN ({marks})", contract_ids
    )

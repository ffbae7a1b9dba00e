"""Recurring tasks of IT administration contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bbdispatch.clock import local, local_midnight_utc
from bbdispatch.domain.jobs import Category, Job, JobMode, JobStatus
from bbdispatch.i18n import N_, Labels


class ClosedDayRule(StrEnum):
    """What happens to a run that falls on a day the firm does not work.

    The firm's calendar (``domain.calendar``) says which days are closed:
    weekends, Polish public holidays and the firm's own closed days.
    """

    SKIP = "skip"
    """No run that time; the next one comes as the schedule says."""
    NEXT_WORKDAY = "next-workday"
    """The run moves to the next working day, at the same time of day (the default)."""


class MissedRuns(StrEnum):
    """What to do with runs that fell before a task was set up or while it was paused.

    Asked when a task is created with its first run in the past, and when a
    paused task is resumed. Runs of today are never "missed": they are made.
    """

    NONE = "none"
    """No run before today (the default): the task starts from today."""
    LATEST = "latest"
    """Only the newest missed run, marked late: one check now covers the gap."""
    ALL = "all"
    """Every missed run, marked late, at most ``MAX_CATCH_UP`` of them (the newest)."""


MISSED_RUNS_LABELS = Labels(
    {
        MissedRuns.NONE: N_("none: start from today"),
        MissedRuns.LATEST: N_("only the latest missed run"),
        MissedRuns.ALL: N_("all missed runs (at most {n}, the newest)"),
    }
)
"""How the question about missed runs names each answer (ALL takes ``n``)."""


CLOSED_DAY_LABELS = Labels(
    {
        ClosedDayRule.NEXT_WORKDAY: N_("next working day"),
        ClosedDayRule.SKIP: N_("skip"),
    }
)
"""How the task form and the task list name each rule."""


@dataclass(frozen=True)
class RecurringTask:
    """A repeating piece of work the firm is responsible for."""

    id: int
    contract_id: int
    title: str
    instructions: str
    schedule: str
    """An RFC 5545 RRULE (e.g. ``FREQ=WEEKLY;BYDAY=MO``)."""
    starts_at: datetime
    technician_id: int | None
    expected_minutes: int
    mode: JobMode
    category: Category
    catch_up: bool
    """Create missed occurrences (marked late) after downtime."""
    active: bool
    on_closed_day: ClosedDayRule = ClosedDayRule.NEXT_WORKDAY
    """A run falling on a day the firm is closed is skipped or moved to the next working day."""
    runs_from: datetime | None = None
    """No run before this moment is made: set when the task is created or resumed
    (the answer to "what about missed runs?"); None: from the first run."""


class RunOutcome(StrEnum):
    """How a recurring run ended."""

    OK = "ok"
    PROBLEM = "problem"


@dataclass(frozen=True)
class RunLog:
    """The trace a completed run leaves: who, when, what was checked, the outcome."""

    job_id: int
    recorded_by: str
    recorded_at: datetime
    checked: str
    outcome: RunOutcome
    problem: str


class RunState(StrEnum):
    """Where a run stands, as the contract's history shows it."""

    DONE = "done"
    """Completed and documented, outcome ok."""
    PROBLEM = "problem"
    """Completed, but a problem was found (or a backup check failed)."""
    OPEN = "open"
    """Created, not yet due to be finished."""
    OVERDUE = "overdue"
    """Still open after its day ended: missed so far."""
    CANCELLED = "cancelled"
    """Cancelled by the dispatcher."""

    @property
    def stands_out(self) -> bool:
        """Missed and failed runs must catch the eye."""
        return self in (RunState.PROBLEM, RunState.OVERDUE)


@dataclass(frozen=True)
class HistoryRow:
    """One run of a contract's recurring tasks, for the history screen."""

    task_id: int
    task_title: str
    occurrence_at: datetime
    job: Job
    technician_name: str | None
    log: RunLog | None
    state: RunState


@dataclass(frozen=True)
class CreatedRun:
    """A job a ``schedule run`` created."""

    job_id: int
    task_id: int
    task_title: str
    occurrence_at: datetime
    late: bool


def run_deadline(occurrence: datetime) -> datetime:
    """When a run becomes overdue: the end of its day in the firm's zone (UTC)."""
    day = local(occurrence).date()
    return local_midnight_utc(day + timedelta(days=1))


def recurring_overdue(job: Job, now: datetime) -> bool:
    """Whether a recurring run is overdue, for the board's overdue flag.

    A run is overdue when it is still open after the end of its occurrence's
    day in the firm's zone (Europe/Warsaw): the Monday 09:00 backup check is
    fine all Monday and overdue from Tuesday 00:00. Jobs not made from a
    recurring task are never "overdue" by this rule.
    """
    if job.recurring_task_id is None or job.occurrence_at is None:
        return False
    return job.status.is_open and now >= run_deadline(job.occurrence_at)


def run_state(job: Job, log: RunLog | None, backup_failed: bool, now: datetime) -> RunState:
    """The history status of a run from its job, its log and its backup check."""
    if job.status is JobStatus.CANCELLED:
        return RunState.CANCELLED
    if backup_failed or (log is not None and log.outcome is RunOutcome.PROBLEM):
        return RunState.PROBLEM
    if job.status is JobStatus.DONE:
        return RunState.DONE
    return RunState.OVERDUE if recurring_overdue(job, now) else RunState.OPEN


@dataclass(frozen=True)
class TaskDraft:
    """What the task form fills in; validated by :func:`save_task`."""

    title: str
    instructions: str
    schedule: str
    """RRULE text, usually built from a preset."""
    starts_at: datetime
    """The first run; its time of day is the time of every run."""
    technician_id: int | None
    expected_minutes: int
    mode: JobMode = JobMode.REMOTE
    category: Category = Category.OTHER
    catch_up: bool = True
    on_closed_day: ClosedDayRule = ClosedDayRule.NEXT_WORKDAY
    """Skip a run on a closed day, or move it to the next working day."""

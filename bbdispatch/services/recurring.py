"""Recurring tasks of IT administration contracts, and the trace their runs leave.

Screens and commands call these; they own the transactions and the audit rows.
Generation of due jobs is :mod:`bbdispatch.services.schedule`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime

from bbdispatch.clock import local, local_midnight_utc, local_today
from bbdispatch.domain.backups import BackupCheck, BackupResult
from bbdispatch.domain.calendar import FirmCalendar, calendar_of
from bbdispatch.domain.clients import Client
from bbdispatch.domain.contracts import Contract, ContractStatus
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.jobs import Job, JobStatus
from bbdispatch.domain.messages import stored
from bbdispatch.domain.people import Technician
from bbdispatch.domain.recurring import (
    ClosedDayRule,
    HistoryRow,
    MissedRuns,
    RecurringTask,
    RunLog,
    RunOutcome,
    run_state,
)
from bbdispatch.domain.recurring import TaskDraft as TaskDraft  # re-exported: forms build one
from bbdispatch.domain.rights import Action
from bbdispatch.domain.schedule import (
    ScheduleError,
    check_runs_on_calendar,
    missed_runs,
    next_occurrences,
    parse_rule,
)
from bbdispatch.formats import format_date
from bbdispatch.i18n import _
from bbdispatch.pricelist import ProductType
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.lifecycle import assign_in_tx, move_job_in_tx
from bbdispatch.services.rights import check, check_job
from bbdispatch.services.saving import saves
from bbdispatch.storage import backups as backup_store
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import recurring as store


@dataclass(frozen=True)
class AdminContract:
    """An IT administration contract with its client, for pickers and titles."""

    contract: Contract
    client: Client


@dataclass(frozen=True)
class RunDetails:
    """Everything the run dialog shows about one recurring job."""

    job: Job
    task: RecurringTask
    log: RunLog | None
    backup: BackupCheck | None


async def it_admin_contracts(ctx: Ctx, *, active_only: bool = True) -> list[AdminContract]:
    """IT administration contracts (monthly fee) with their clients, by client name."""
    await check(ctx, Action.RECURRING_VIEW)
    contracts = [
        c
        for c in await contract_store.contracts_of_kind(ctx.db, ProductType.MONTHLY)
        if not active_only or c.status is ContractStatus.ACTIVE
    ]
    clients = await client_store.clients_by_ids(ctx.db, [c.client_id for c in contracts])
    found = [AdminContract(c, clients[c.client_id]) for c in contracts if c.client_id in clients]
    found.sort(key=lambda a: (a.client.name.casefold(), a.contract.number))
    return found


async def admin_contract(ctx: Ctx, contract_id: int) -> AdminContract:
    """One IT administration contract.

    Raises:
        NotFound: no such contract.
        DomainError: the contract is not an IT administration contract.
    """
    await check(ctx, Action.RECURRING_VIEW, entity="contract", entity_id=contract_id)
    contract = await contract_store.get_contract(ctx.db, contract_id)
    client = await client_store.get_client(ctx.db, contract.client_id) if contract else None
    if contract is None or client is None:
        raise NotFound(_("No contract with id {id}.").format(id=contract_id))
    if contract.kind is not ProductType.MONTHLY:
        raise DomainError(_("Recurring tasks belong to IT administration contracts."))
    return AdminContract(contract, client)


async def tasks_of_contract(ctx: Ctx, contract_id: int) -> list[RecurringTask]:
    """A contract's recurring tasks, active first."""
    await check(ctx, Action.RECURRING_VIEW, entity="contract", entity_id=contract_id)
    return await store.tasks_of_contract(ctx.db, contract_id)


async def get_task(ctx: Ctx, task_id: int) -> RecurringTask:
    """One recurring task.

    Raises:
        NotFound: no such task.
    """
    await check(ctx, Action.RECURRING_VIEW, entity="recurring_task", entity_id=task_id)
    task = await store.get_task(ctx.db, task_id)
    if task is None:
        raise NotFound(_("No recurring task {id}.").format(id=task_id))
    return task


def preview(
    schedule: str,
    starts_at: datetime,
    now: datetime,
    count: int = 3,
    *,
    calendar: FirmCalendar,
    on_closed: ClosedDayRule = ClosedDayRule.NEXT_WORKDAY,
) -> list[datetime]:
    """The next runs of a schedule from now (or from the first run if later).

    Runs follow the firm's ``calendar``: a run on a closed day is skipped or
    moved to the next working day, as ``on_closed`` says; "every workday" skips.

    Raises:
        ScheduleError: the schedule is not valid.
    """
    return next_occurrences(
        schedule, starts_at, max(now, starts_at), calendar, count, on_closed=on_closed
    )


def draft_preview(
    draft_schedule: str,
    starts_at: datetime,
    now: datetime,
    count: int = 3,
    *,
    calendar: FirmCalendar,
    on_closed: ClosedDayRule,
) -> list[datetime]:
    """What the task form shows while a schedule is typed: the checks saving makes, then runs.

    A schedule whose every run the calendar drops is refused here as it is on
    saving (:func:`~bbdispatch.domain.schedule.check_runs_on_calendar`), so
    the form never shows "Next: never" for a task it would then accept.

    Raises:
        ScheduleError: the schedule is not valid, or never runs on the calendar.
    """
    check_runs_on_calendar(draft_schedule, starts_at, calendar, on_closed)
    return preview(draft_schedule, starts_at, now, count, calendar=calendar, on_closed=on_closed)


def next_runs(ctx: Ctx, task: RecurringTask, count: int = 1) -> list[datetime]:
    """A saved task's next runs from now, by its own closed-day rule and the firm's calendar.

    The one computation behind the task list's "Next run" and the task's
    detail (the list once ignored the closed-day rule and showed a run the
    task would skip).

    Raises:
        ScheduleError: the stored schedule no longer parses.
    """
    return preview(
        task.schedule, task.starts_at, ctx.clock.now(), count,
        calendar=calendar_of(ctx.prices), on_closed=task.on_closed_day,
    )  # fmt: skip


def validate_draft(draft: TaskDraft) -> None:
    """Check a task form before saving.

    Raises:
        DomainError: empty title, bad schedule, or a duration out of range.
    """
    if not draft.title.strip():
        raise DomainError(_("Give the task a title."))
    parse_rule(draft.schedule, draft.starts_at)
    if not 1 <= draft.expected_minutes <= 24 * 60:
        raise DomainError(_("Expected duration must be 1 to 1440 minutes."))


def missed_of_draft(ctx: Ctx, draft: TaskDraft) -> list[datetime]:
    """Runs a new task's schedule had before today: what the form asks about on saving.

    Raises:
        ScheduleError: the schedule is not valid.
    """
    return missed_runs(
        draft.schedule, draft.starts_at, since=None, today=_today(ctx),
        calendar=calendar_of(ctx.prices), on_closed=draft.on_closed_day,
    )  # fmt: skip


def _today(ctx: Ctx) -> datetime:
    """The start of the firm's day (UTC): runs before it are missed, today's are not."""
    return local_midnight_utc(local_today(ctx.clock))


def _runs_from(ctx: Ctx, choice: MissedRuns, missed: list[datetime]) -> datetime | None:
    """Where a task may start making runs, for the answer about its missed ones.

    NONE: today; LATEST: the newest missed run; ALL: no limit (the catch-up cap
    of ``schedule run`` still applies). Without missed runs: today.
    """
    if choice is MissedRuns.ALL and missed:
        return None
    if choice is MissedRuns.LATEST and missed:
        return missed[-1]
    return _today(ctx)


async def check_task_term(ctx: Ctx, contract_id: int, draft: TaskDraft) -> None:
    """Refuse a first run outside the contract's term, before anyone is asked anything.

    A task runs for its contract: a first run before the contract starts or
    after it ends would make jobs (and bill work) the contract never covered.

    Raises:
        NotFound: no such contract.
        DomainError: not an IT administration contract.
        ScheduleError: the first run's day (firm's zone) is outside the term.
    """
    contract = (await admin_contract(ctx, contract_id)).contract
    day = local(draft.starts_at).date()
    if day < contract.starts_on:
        raise ScheduleError(
            _("The first run {day} is before contract {n} starts ({start}).").format(
                day=format_date(day), n=contract.number, start=format_date(contract.starts_on)
            )
        )
    if contract.ends_on is not None and day > contract.ends_on:
        raise ScheduleError(
            _("The first run {day} is after contract {n} ends ({end}).").format(
                day=format_date(day), n=contract.number, end=format_date(contract.ends_on)
            )
        )


@saves
async def save_task(
    ctx: Ctx,
    contract_id: int,
    draft: TaskDraft,
    task_id: int | None = None,
    *,
    missed: MissedRuns | None = None,
) -> int:
    """Create a task on a contract, or update one; returns the task id.

    Args:
        ctx: the service environment.
        contract_id: the IT administration contract.
        draft: what the form says.
        task_id: the task to update, None for a new one.
        missed: what to do with runs the schedule had before today. A new task
            takes NONE when not told (no flood of late jobs from a first run
            months back); an update keeps what the task had unless told.

    Raises:
        DomainError: invalid draft, or not an IT administration contract.
        ScheduleError: a new first run outside the contract's term
            (:func:`check_task_term`), or a schedule whose every run the firm's
            calendar drops (a Sunday task whose closed days are skipped).
    """
    await check(ctx, Action.RECURRING_EDIT, entity="contract", entity_id=contract_id)
    validate_draft(draft)
    check_runs_on_calendar(
        draft.schedule, draft.starts_at, calendar_of(ctx.prices), draft.on_closed_day
    )
    await admin_contract(ctx, contract_id)
    existing_task = await store.get_task(ctx.db, task_id) if task_id is not None else None
    if existing_task is None or existing_task.starts_at != draft.starts_at:
        await check_task_term(ctx, contract_id, draft)
    draft = replace(
        draft,
        title=draft.title.strip(),
        instructions=draft.instructions.strip(),
        schedule=draft.schedule.strip().removeprefix("RRULE:"),
    )
    detail: dict[str, object] = {f.name: getattr(draft, f.name) for f in fields(TaskDraft)}
    async with ctx.db.transaction():
        if task_id is None:
            choice = missed or MissedRuns.NONE
            runs_from = _runs_from(ctx, choice, missed_of_draft(ctx, draft))
            task_id = await store.insert_task(ctx.db, contract_id, draft, runs_from)
            await audit.record(
                ctx, "recurring_task", task_id, "created", **detail, missed_runs=choice.value,
                runs_from=runs_from,
            )  # fmt: skip
        else:
            existing = await store.get_task(ctx.db, task_id)
            if existing is None or existing.contract_id != contract_id:
                raise NotFound(_("No recurring task {id}.").format(id=task_id))
            await store.update_task(ctx.db, task_id, draft)
            if missed is not None:
                runs_from = (
                    existing.runs_from
                    if missed is MissedRuns.ALL
                    else _runs_from(ctx, missed, missed_of_draft(ctx, draft))
                )
                await store.set_runs_from(ctx.db, task_id, runs_from)
                detail.update(missed_runs=missed.value, runs_from=runs_from)
            await audit.record(ctx, "recurring_task", task_id, "updated", **detail)
    return task_id


async def missed_of_edit(ctx: Ctx, task_id: int, draft: TaskDraft) -> list[datetime]:
    """Runs an edited schedule had before today that the task has not made: what saving asks.

    Only when the schedule or the first run changes (a new title asks
    nothing), only for an active task (resuming asks about a paused one), and
    only after the task's newest run or where it was allowed to start.

    Raises:
        NotFound: no such task.
    """
    task = await get_task(ctx, task_id)
    if not task.active or (task.schedule, task.starts_at) == (draft.schedule, draft.starts_at):
        return []
    last = await store.last_occurrence(ctx.db, task_id)
    since = max((m for m in (last, task.runs_from) if m is not None), default=None)
    try:
        return missed_runs(
            draft.schedule, draft.starts_at, since=since, today=_today(ctx),
            calendar=calendar_of(ctx.prices), on_closed=draft.on_closed_day,
        )  # fmt: skip
    except DomainError:
        return []


async def missed_while_paused(ctx: Ctx, task_id: int) -> list[datetime]:
    """Runs a paused task would have made before today: what resuming asks about.

    Counted from the newest run made (or where the task was allowed to start),
    oldest first. A task with a schedule that no longer parses has none.

    Raises:
        NotFound: no such task.
    """
    task = await get_task(ctx, task_id)
    last = await store.last_occurrence(ctx.db, task_id)
    since = max((m for m in (last, task.runs_from) if m is not None), default=None)
    try:
        return missed_runs(
            task.schedule, task.starts_at, since=since, today=_today(ctx),
            calendar=calendar_of(ctx.prices), on_closed=task.on_closed_day,
        )  # fmt: skip
    except DomainError:
        return []


@saves
async def set_task_active(
    ctx: Ctx, task_id: int, active: bool, *, missed: MissedRuns = MissedRuns.NONE
) -> None:
    """Pause or resume a task; a paused task creates no jobs.

    On resuming, ``missed`` says what happens to the runs that fell while it
    was paused (see :func:`missed_while_paused`): none (the default), only the
    latest, or all of them (capped by ``schedule run``).
    """
    await check(ctx, Action.RECURRING_EDIT, entity="recurring_task", entity_id=task_id)
    gone = await missed_while_paused(ctx, task_id) if active else []
    async with ctx.db.transaction():
        task = await store.get_task(ctx.db, task_id)
        if task is None:
            raise NotFound(_("No recurring task {id}.").format(id=task_id))
        await store.set_task_active(ctx.db, task_id, active)
        detail: dict[str, object] = {}
        if active and not task.active:
            if missed is MissedRuns.ALL:
                runs_from = task.runs_from
            else:
                runs_from = _runs_from(ctx, missed, gone)
            await store.set_runs_from(ctx.db, task_id, runs_from)
            detail = {"missed_runs": missed.value, "runs_from": runs_from, "missed": len(gone)}
        await audit.record(
            ctx, "recurring_task", task_id, "resumed" if active else "paused", **detail
        )


async def contract_history(ctx: Ctx, contract_id: int) -> list[HistoryRow]:
    """Every run of a contract's recurring tasks, newest first, with its state."""
    await check(ctx, Action.RECURRING_VIEW, entity="contract", entity_id=contract_id)
    now = ctx.clock.now()
    rows = []
    for run in await store.runs_of_contract(ctx.db, contract_id):
        job = run.job
        assert job.occurrence_at is not None
        rows.append(
            HistoryRow(
                task_id=run.task.id, task_title=run.task.title, occurrence_at=job.occurrence_at,
                job=job, technician_name=run.technician_name, log=run.log,
                state=run_state(job, run.log, run.backup_failed, now),
            )
        )  # fmt: skip
    return rows


async def run_details(ctx: Ctx, job_id: int) -> RunDetails:
    """A recurring job with its task, log and backup check.

    Raises:
        NotFound: no such job.
        DomainError: the job was not made from a recurring task.
    """
    await check_job(ctx, Action.RUN_RECORD, job_id)
    job = await job_store.get_job(ctx.db, job_id)
    if job is None:
        raise NotFound(_("No job {id}.").format(id=job_id))
    if job.recurring_task_id is None:
        raise DomainError(_("Job {id} is not a recurring run.").format(id=job_id))
    # The job's technician may record the run without seeing the contract's
    # tasks: the right checked is the one on the job.
    task = await store.get_task(ctx.db, job.recurring_task_id)
    if task is None:
        raise NotFound(_("No recurring task {id}.").format(id=job.recurring_task_id))
    log = await store.run_log_of(ctx.db, job_id)
    backup = await backup_store.backup_check_of(ctx.db, job_id)
    return RunDetails(job, task, log, backup)


@saves
async def complete_run(
    ctx: Ctx, job_id: int, *, checked: str, outcome: RunOutcome, problem: str = ""
) -> None:
    """Finish a recurring run and record its log: who, when, what was checked, the outcome.

    The job is closed as done with a resolution the client can read. A
    cancelled run cannot be documented; a done one can have its log corrected.
    A run whose backup check failed is never logged "OK" (the screen, the
    technician's ``d`` and any command get the same refusal): record a good
    check first, or document the problem.

    Raises:
        DomainError: nothing checked, a problem without a description, an OK
            over a failed backup check, a job that is not a recurring run, a
            cancelled one, or one still open with a timer running on it
            (closing it would lose that time).
    """
    await check_job(ctx, Action.RUN_RECORD, job_id)
    if not checked.strip():
        raise DomainError(_("Say what was checked."))
    if outcome is RunOutcome.PROBLEM and not problem.strip():
        raise DomainError(_("Describe the problem found."))
    if outcome is RunOutcome.OK:
        problem = ""
    async with ctx.db.transaction():
        job = await job_store.get_job(ctx.db, job_id)
        if job is None:
            raise NotFound(_("No job {id}.").format(id=job_id))
        if job.recurring_task_id is None:
            raise DomainError(_("Job {id} is not a recurring run.").format(id=job_id))
        if job.status is JobStatus.CANCELLED:
            raise DomainError(_("Job {id} was cancelled.").format(id=job_id))
        if outcome is RunOutcome.OK:
            found = await backup_store.backup_check_of(ctx.db, job_id)
            if found is not None and found.result is BackupResult.FAILED:
                raise DomainError(
                    _(
                        "The backup check of job {id} failed ({note}):"
                        " document the run as a problem found."
                    ).format(id=job_id, note=found.note or "—")
                )
        log = RunLog(job_id, ctx.actor, ctx.clock.now(), checked, outcome, problem)
        resolution = checked.strip() if outcome is RunOutcome.OK else (
            checked.strip() + "\n" + _("Problem found: {text}").format(text=problem.strip())
        )  # fmt: skip
        if job.status is not JobStatus.DONE:
            if job.technician_id is None:
                person = await _person(ctx)
                if person is not None:
                    await assign_in_tx(ctx, job, person.id, person.name, job.visit_at)
                    job = await job_store.get_job(ctx.db, job_id) or job
            await move_job_in_tx(
                ctx, job, JobStatus.DONE, resolution, remark=stored("status.run_documented")
            )
        await store.insert_run_log(ctx.db, log)
        await audit.record(
            ctx, "job", job_id, "run_logged", outcome=outcome.value, checked=checked.strip(),
            problem=problem.strip(),
        )  # fmt: skip


async def _person(ctx: Ctx) -> Technician | None:
    from bbdispatch.storage.people import person_by_login

    return await person_by_login(ctx.db, ctx.person_login)

"""``schedule run``: turn due occurrences of recurring tasks into jobs, exactly once.

One function serves cron, the systemd timer and the dispatcher App's periodic
run. Each task is handled in its own short ``BEGIN IMMEDIATE`` transaction that
reads the newest occurrence already created and inserts the missing ones with
``INSERT ... ON CONFLICT DO NOTHING`` on UNIQUE(recurring_task_id,
occurrence_at): two processes running at the same moment, or a run repeated
after a crash, never create an occurrence twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from bbdispatch.clock import FIRM_ZONE, format_local
from bbdispatch.domain.calendar import calendar_of
from bbdispatch.domain.clients import ClientStatus
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Job, JobMode, JobStatus, Priority
from bbdispatch.domain.recurring import CreatedRun, RecurringTask, RunState, run_deadline
from bbdispatch.domain.rights import Action
from bbdispatch.domain.schedule import MAX_CATCH_UP, plan_runs
from bbdispatch.i18n import _, ngettext
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.storage import audit as audit_store
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import recurring as store


@dataclass(frozen=True)
class ScheduleResult:
    """What one run of the scheduler did."""

    created: list[CreatedRun] = field(default_factory=list)
    """Jobs created, oldest occurrence first."""
    problems: list[str] = field(default_factory=list)
    """Tasks skipped, one line each (e.g. a schedule that no longer parses)."""
    attention: list[str] = field(default_factory=list)
    """Runs missed (open after their day) or failed in the last day, one line each."""
    skipped: list[str] = field(default_factory=list)
    """Missed runs left uncreated by the catch-up cap, one line per task."""


@saves
async def run_schedule(
    ctx: Ctx, now: datetime | None = None, *, dry_run: bool = False, report_once: bool = False
) -> ScheduleResult:
    """Create every due, not yet created occurrence of every active task.

    An archived client's tasks make no runs (the firm no longer serves it);
    reactivated, its missed runs are made as catch-up allows.

    Args:
        ctx: the service environment.
        now: the moment to plan for (default: the context's clock); occurrences
            after it are not due yet.
        dry_run: only say what would be created (``job_id`` 0); nothing is written.
        report_once: ``attention`` holds only runs not reported before, and
            (unless ``dry_run``) they are remembered as reported, one audit row
            each (``missed_reported`` / ``failure_reported`` on the job): cron's
            ``schedule run`` mails a miss once, not every quarter of an hour.
            The screens' runs leave it off and see every missed or failed run.
    """
    await check(ctx, Action.SCHEDULE_RUN)
    moment = now or ctx.clock.now()
    result = ScheduleResult()
    for task_id in await store.active_task_ids(ctx.db):
        try:
            result.created.extend(await _run_task(ctx, task_id, moment, dry_run, result.skipped))
        except DomainError as err:
            result.problems.append(_("Task {id} skipped: {err}").format(id=task_id, err=err))
    result.created.sort(key=lambda c: (c.occurrence_at, c.task_id))
    found = await _attention(ctx, moment)
    if report_once:
        found = await _not_reported_yet(ctx, found, remember=not dry_run)
    result.attention.extend(line for _job, _action, line in found)
    return result


async def runs_needing_attention(ctx: Ctx, now: datetime) -> list[str]:
    """One line per run that was missed or failed, for ``schedule run``'s stderr (cron mail).

    Missed: still open after its due day. Failed: a problem or a failed backup
    check recorded in the last day, or on a run still open. Every call lists
    them all; ``run_schedule(report_once=True)`` keeps only the new ones.
    """
    return [line for _job, _action, line in await _attention(ctx, now)]


REPORTED = {"missed": "missed_reported", "failed": "failure_reported"}
"""The audit action that remembers a run was reported, by the kind of report."""


async def _not_reported_yet(
    ctx: Ctx, found: list[tuple[int, str, str]], *, remember: bool
) -> list[tuple[int, str, str]]:
    """The reports whose job has no audit row of that report yet; remembered unless told."""
    fresh = []
    for job_id, action, line in found:
        trail = await audit_store.audit_for(ctx.db, "job", job_id)
        if any(entry.action == action for entry in trail):
            continue
        fresh.append((job_id, action, line))
    if remember and fresh:
        async with ctx.db.transaction():
            for job_id, action, _line in fresh:
                await audit.record(ctx, "job", job_id, action)
    return fresh


async def _attention(ctx: Ctx, now: datetime) -> list[tuple[int, str, str]]:
    """(job, audit action that remembers the report, line) per missed or failed run."""
    from bbdispatch.services.recurring import contract_history, it_admin_contracts

    lines = []
    for admin in await it_admin_contracts(ctx, active_only=False):
        for row in await contract_history(ctx, admin.contract.id):
            due = format_local(row.occurrence_at)
            where = f"{admin.client.name} · {row.task_title} · {due}"
            if row.state is RunState.OVERDUE and not _caught_up_today(
                row.job, row.occurrence_at, now
            ):
                lines.append((
                    row.job.id, REPORTED["missed"],
                    _("missed: {run} (job {job}) is not done").format(run=where, job=row.job.id),
                ))  # fmt: skip
            elif row.state is RunState.PROBLEM and (
                row.job.status.is_open
                or (row.log is not None and now - row.log.recorded_at < timedelta(days=1))
            ):
                problem = row.log.problem if row.log is not None else row.job.alert
                lines.append((
                    row.job.id, REPORTED["failed"],
                    _("failed: {run} (job {job}): {problem}").format(
                        run=where, job=row.job.id, problem=problem
                    ),
                ))  # fmt: skip
    return lines


def _caught_up_today(job: Job, occurrence: datetime, now: datetime) -> bool:
    """A run made late (catch-up) has the day it was made; till then it is not "missed".

    ``schedule run`` prints such a job as created late; calling it missed in
    the same breath (and mailing it) told the office to chase a job made a
    second ago. Still open after the end of that day, it is missed.
    """
    return job.received_at >= run_deadline(occurrence) and now < run_deadline(job.received_at)


async def _run_task(
    ctx: Ctx, task_id: int, now: datetime, dry_run: bool, skipped: list[str]
) -> list[CreatedRun]:
    created = []
    async with ctx.db.transaction():
        task = await store.get_task(ctx.db, task_id)
        contract = await contract_store.get_contract(ctx.db, task.contract_id) if task else None
        if task is None or contract is None or not task.active:
            return []
        client = await client_store.get_client(ctx.db, contract.client_id)
        if client is None or client.status is ClientStatus.ARCHIVED:
            # The firm no longer serves an archived client: no runs, and no cron mail
            # every quarter of an hour about it. Reactivated, catch-up makes the missed.
            return []
        last = await store.last_occurrence(ctx.db, task_id)
        until = None
        if contract.ends_on is not None:
            until = datetime.combine(contract.ends_on, time(23, 59, 59), tzinfo=FIRM_ZONE)
        plan = plan_runs(
            task.schedule, task.starts_at, last=last, now=now,
            catch_up=task.catch_up, calendar=calendar_of(ctx.prices), until=until,
            on_closed=task.on_closed_day, runs_from=task.runs_from,
        )  # fmt: skip
        if plan.skipped:
            skipped.append(_skipped_line(task, plan.skipped))
            if not dry_run:
                await audit.record(
                    ctx, "recurring_task", task.id, "runs_skipped", count=len(plan.skipped),
                    first=plan.skipped[0], last=plan.skipped[-1],
                )  # fmt: skip
        for occurrence, late in plan.runs:
            if dry_run:
                created.append(CreatedRun(0, task.id, task.title, occurrence, late))
                continue
            job_id = await job_store.insert_run_job(
                ctx.db, _new_job(task, contract.client_id, occurrence, late), now, ctx.actor
            )
            if job_id is None:
                continue
            await audit.record(
                ctx, "job", job_id, "created", source="schedule", task_id=task.id,
                occurrence_at=occurrence, late=late,
            )  # fmt: skip
            created.append(CreatedRun(job_id, task.id, task.title, occurrence, late))
    return created


def _skipped_line(task: RecurringTask, runs: list[datetime]) -> str:
    """One stderr line for missed runs the catch-up cap left out."""
    made = (
        _("only the newest is made")
        if not task.catch_up
        else _("catch-up makes at most the newest {n}").format(n=MAX_CATCH_UP)
    )
    span = format_local(runs[0])
    if len(runs) > 1:
        span += " – " + format_local(runs[-1])
    return ngettext(
        "skipped: {task} (task {id}): {n} missed run not created ({span}); {made}",
        "skipped: {task} (task {id}): {n} missed runs not created ({span}); {made}",
        len(runs),
    ).format(task=task.title, id=task.id, n=len(runs), span=span, made=made)


def _new_job(task: RecurringTask, client_id: int, occurrence: datetime, late: bool) -> NewJob:
    return NewJob(
        client_id=client_id,
        contract_id=task.contract_id,
        description=task.title,
        mode=task.mode,
        priority=Priority.NORMAL,
        category=task.category,
        status=JobStatus.ASSIGNED if task.technician_id else JobStatus.TRIAGED,
        technician_id=task.technician_id,
        visit_at=occurrence if task.mode is JobMode.ONSITE else None,
        recurring_task_id=task.id,
        occurrence_at=occurrence,
        late=late,
    )

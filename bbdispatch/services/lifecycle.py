"""The one way a job changes status: every front end and every service calls this.

The dispatcher's board, a technician's workspace, a documented recurring run,
the demo builder and the command line all move jobs through
:func:`move_job_in_tx` (or :func:`move_job`) and hand them to a technician
through :func:`assign_in_tx`. The rules are the table in
:mod:`bbdispatch.domain.lifecycle`; this module only reads what the rules need
(is a timer running?), writes the step through
:func:`bbdispatch.storage.jobs.record_transition` and audits it. Putting a
job on hold also stops (and charges) the timers running on it: time on hold
is neither response time nor work.

The audit vocabulary of a job's lifecycle, one name per event:

- ``status``: ``from_status``, ``to_status``, ``note`` — any status change;
- ``assigned`` / ``reassigned``: ``from_technician``, ``technician``,
  ``visit_at``, ``clash_with`` — a technician given or handed the job.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bbdispatch.clock import format_local
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.jobs import Job, JobStatus
from bbdispatch.domain.lifecycle import STATUS_LABEL, plan_assignment, plan_step
from bbdispatch.domain.messages import stored, typed
from bbdispatch.domain.rights import Action
from bbdispatch.domain.timers import MIN_ENTRY, over_limit
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import work as work_store


@saves
async def move_job(ctx: Ctx, job_id: int, target: JobStatus, note: str = "") -> None:
    """Move a job to another status in its own transaction (see :func:`move_job_in_tx`).

    A person asked for this move (a key, ``jobs status``): a job that has the
    status already is refused saying so, as a second ``callbacks done`` or
    ``contracts close`` is, never reported as moved (issue 13: ``jobs status
    27 triaged`` on a triaged job printed "is now triaged"). Inside a larger
    change (a documented run) :func:`move_job_in_tx` leaves it quietly as it is.

    Raises:
        NotFound: no such job.
        DomainError: the job has that status already, or the lifecycle refuses the step.
    """
    await check(ctx, Action.JOB_STATUS, entity="job", entity_id=job_id)
    async with ctx.db.transaction():
        job = await job_store.get_job(ctx.db, job_id)
        if job is None:
            raise NotFound(_("No job {id}.").format(id=job_id))
        if job.status is target and job.status.is_open:
            raise DomainError(
                _("Job {id} is already {status}; nothing changed.").format(
                    id=job_id, status=STATUS_LABEL[target]
                )
            )
        await move_job_in_tx(ctx, job, target, note)


async def move_job_in_tx(
    ctx: Ctx, job: Job, target: JobStatus, note: str = "", *, remark: str | None = None
) -> bool:
    """Move ``job`` to ``target`` inside the caller's transaction, with history and audit.

    ``note`` is the resolution (done), the reason (cancelled, on hold) or a
    remark; ``remark``, when given, is what the history line says instead
    (a documented run's resolution is long, its history line short).
    Moving a job to the status it already has does nothing.

    Returns:
        Whether anything was written.

    Raises:
        DomainError: the lifecycle refuses the step (closed job, a step not
            in the table, a missing technician, resolution or reason, or a
            running timer when closing as done).
    """
    timer_running = target is JobStatus.DONE and await work_store.timer_running_on(ctx.db, job.id)
    step = plan_step(job, target, note, timer_running=timer_running)
    if step is None:
        return False
    step = replace(step, note=typed(step.note) if remark is None else remark)
    await job_store.record_transition(ctx.db, job.id, step, ctx.clock.now(), ctx.actor)
    await audit.record(
        ctx, "job", job.id, "status", from_status=job.status, to_status=target,
        note=note.strip(),
    )  # fmt: skip
    if target is JobStatus.ON_HOLD:
        await _stop_timers_for_hold(ctx, job, note.strip())
    return True


async def _stop_timers_for_hold(ctx: Ctx, job: Job, reason: str) -> None:
    """A job on hold is not being worked on: its running timers stop now and are charged.

    The entry keeps the text the technician gave it, or says it ran until the
    hold and why; a timer of under a minute is dropped (nothing to bill). A
    timer past the price list's ``timer_limit_hours`` is probably forgotten:
    only its technician knows the real end, so the hold is refused until then.

    Raises:
        DomainError: a running timer on the job is past ``timer_limit_hours``.
    """
    now = ctx.clock.now()
    limit = ctx.prices.billing.timer_limit_hours
    for entry in await work_store.running_entries_on(ctx.db, job.id):
        if now - entry.started_at < MIN_ENTRY:
            await work_store.delete_entry(ctx.db, entry.id)
            continue
        if over_limit(now - entry.started_at, limit):
            raise DomainError(
                _(
                    "A timer on job {job} has run since {start}, past the {limit} h limit: have"
                    " the technician stop it with the real end, then put the job on hold."
                ).format(job=job.id, start=format_local(entry.started_at), limit=limit)
            )
        text = entry.description.strip() or _("Work until the job was put on hold: {why}").format(
            why=reason
        )
        await work_store.update_entry(
            ctx.db, entry.id, started_at=entry.started_at, ended_at=now,
            description=text, mode=entry.mode, billable=entry.billable, now=now,
        )  # fmt: skip
        from bbdispatch.services.billing import charge_entry_in_tx  # a stop charges: reads skip it

        stopped = await work_store.get_entry(ctx.db, entry.id)
        assert stopped is not None
        await charge_entry_in_tx(ctx, stopped)
        await audit.record(
            ctx, "work_entry", entry.id, "timer_stopped", job_id=job.id, end=now,
            reason="on_hold",
        )  # fmt: skip


async def assign_in_tx(
    ctx: Ctx,
    job: Job,
    technician_id: int,
    technician_name: str,
    visit_at: datetime | None,
    clash_with: int | None = None,
) -> None:
    """Give ``job`` to a technician (or hand it over) inside the caller's transaction.

    The checks of the person (active, does on-site work, a planned visit) are
    the caller's; the status rules are the lifecycle's.

    Raises:
        DomainError: the job is closed.
    """
    reassigned = job.technician_id is not None and job.technician_id != technician_id
    note = (
        stored("status.handed_over", name=technician_name)
        if reassigned
        else stored("status.assigned", name=technician_name)
    )
    step = plan_assignment(job, technician_id, visit_at, note)
    await job_store.record_transition(ctx.db, job.id, step, ctx.clock.now(), ctx.actor)
    await audit.record(
        ctx, "job", job.id, "reassigned" if reassigned else "assigned",
        from_technician=job.technician_id, technician=technician_id, visit_at=visit_at,
        clash_with=clash_with,
    )  # fmt: skip

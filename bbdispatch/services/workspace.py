"""A technician's own jobs: the list, the detail and the job's progress.

Every function takes the acting technician and refuses jobs assigned to
someone else with :class:`NotAllowed`. The rule lives here, not in the
screens, so no front end can show or change another technician's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bbdispatch.clock import local_today
from bbdispatch.domain.contracts import hours_left_text
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.jobs import Job, JobRow, JobStatus
from bbdispatch.domain.people import Technician
from bbdispatch.domain.rights import Action
from bbdispatch.domain.work import WorkEntry
from bbdispatch.i18n import _
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import balances as contract_balances
from bbdispatch.services.lifecycle import move_job_in_tx
from bbdispatch.services.rights import check, check_job, refuse
from bbdispatch.services.saving import saves
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import recurring as recurring_store
from bbdispatch.storage import work as work_store


@dataclass(frozen=True)
class JobCard:
    """Everything a technician needs on the way to a job."""

    job: Job
    client_name: str
    contact_name: str
    contact_phone: str | None
    """E.164: the caller's number, else the client's first number."""
    site_address: str
    """Where to go: the job's site, else the client's address."""
    balances: list[str]
    """One line per contract of the client: the hours it has left (``hours_left_text``)."""
    entries: list[WorkEntry]
    """This technician's entries on the job, oldest first."""
    run: RunCard | None = None
    """For a recurring run: its due date and checklist; None for other jobs."""


@dataclass(frozen=True)
class RunCard:
    """What a technician needs of a recurring run: when it is due and what to check."""

    task_title: str
    due_at: datetime
    """The run's occurrence (UTC); overdue after the end of that day in Warsaw."""
    checklist: str
    """The task's instructions, as the admin wrote them (may be empty)."""
    documented: bool
    """The run already has its log."""


async def own_job(ctx: Ctx, tech: Technician, job_id: int) -> Job:
    """The job, if it is assigned to ``tech``.

    Raises:
        NotFound: no such job.
        NotAllowed: the job belongs to another technician (or nobody).
    """
    job = await check_job(ctx, Action.JOB_VIEW, job_id)
    if job.technician_id != tech.id:
        await refuse(
            ctx, Action.JOB_VIEW, "not own",
            _("Job {id} is not assigned to you.").format(id=job_id),
            entity="job", entity_id=job_id,
        )  # fmt: skip
    return job


async def my_jobs(ctx: Ctx, tech: Technician) -> list[JobRow]:
    """The technician's open jobs: emergencies first, then by planned visit, then age."""
    await check(ctx, Action.JOB_VIEW, owner_id=tech.id)
    rows = [
        r for r in await job_store.job_rows_of_technician(ctx.db, tech.id) if r.job.status.is_open
    ]
    far = ctx.clock.now().replace(year=9999)
    rows.sort(
        key=lambda r: (r.job.priority.rank, r.job.visit_at or far, r.job.received_at, r.job.id)
    )
    return rows


async def job_card(ctx: Ctx, tech: Technician, job_id: int) -> JobCard:
    """One of the technician's jobs with client, contact and contract balances.

    Raises:
        NotFound: no such job.
        NotAllowed: not the technician's job.
    """
    job = await own_job(ctx, tech, job_id)
    client = await client_store.get_client(ctx.db, job.client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=job.client_id))
    phone = job.caller_phone or (client.phones[0].e164 if client.phones else None)
    warn = ctx.prices.billing.warn_percent
    # Hours left on the client's contracts, as lines of text: the technician
    # sees whether the time is covered, not the contracts themselves.
    contracts = await contract_store.contracts_of(ctx.db, client.id)
    today = local_today(ctx.clock)
    balances = [hours_left_text(b, warn, today) for b in await contract_balances(ctx, contracts)]
    entries = [
        e for e in await work_store.entries_of_job(ctx.db, job.id) if e.technician_id == tech.id
    ]
    return JobCard(
        job=job,
        client_name=client.name,
        contact_name=job.caller_name or client.contact_person,
        contact_phone=phone,
        site_address=job.site_address or client.address,
        balances=balances,
        entries=entries,
        run=await _run_card(ctx, job),
    )


async def _run_card(ctx: Ctx, job: Job) -> RunCard | None:
    if job.recurring_task_id is None or job.occurrence_at is None:
        return None
    task = await recurring_store.get_task(ctx.db, job.recurring_task_id)
    if task is None:
        return None
    log = await recurring_store.run_log_of(ctx.db, job.id)
    return RunCard(task.title, job.occurrence_at, task.instructions, log is not None)


@saves
async def start_work(ctx: Ctx, tech: Technician, job_id: int) -> None:
    """Mark one of the technician's jobs in progress (also ends an on-hold)."""
    await _move(ctx, tech, job_id, JobStatus.IN_PROGRESS, "")


@saves
async def put_on_hold(ctx: Ctx, tech: Technician, job_id: int, reason: str) -> None:
    """Put a job on hold, saying why (waiting for parts, for the client...).

    Raises:
        DomainError: no reason given.
    """
    if not reason.strip():
        raise DomainError(_("Say why the job is on hold."))
    await _move(ctx, tech, job_id, JobStatus.ON_HOLD, reason.strip())


@saves
async def finish_job(ctx: Ctx, tech: Technician, job_id: int, resolution: str) -> None:
    """Close a job as done with a resolution the client may read.

    Raises:
        DomainError: no resolution, or a timer still running on the job.
    """
    if not resolution.strip():
        raise DomainError(_("Describe how the job was resolved."))
    await _move(ctx, tech, job_id, JobStatus.DONE, resolution.strip())


async def _move(ctx: Ctx, tech: Technician, job_id: int, to: JobStatus, note: str) -> None:
    await check_job(ctx, Action.JOB_WORK, job_id)
    async with ctx.db.transaction():
        job = await own_job(ctx, tech, job_id)
        await move_own_job_in_tx(ctx, job, to, note)


async def move_own_job_in_tx(ctx: Ctx, job: Job, to: JobStatus, note: str = "") -> None:
    """Change one of the technician's jobs' status inside the caller's transaction.

    The same rules, history and audit as every other path:
    :func:`bbdispatch.services.lifecycle.move_job_in_tx`.

    Raises:
        DomainError: the lifecycle refuses the step (closed job, a step not in
            the table, or a timer still running when closing as done).
    """
    await move_job_in_tx(ctx, job, to, note)

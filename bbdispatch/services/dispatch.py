"""Dispatch use cases: moving a job through its lifecycle, assigning, editing.

Every change runs in one short write transaction that also writes the job's
status history (``job_status_change``) and the audit trail. Status changes
and assignments go through :mod:`bbdispatch.services.lifecycle`, like every
other path that moves a job.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from decimal import Decimal

from bbdispatch.clock import format_local
from bbdispatch.domain.assignment import Visit, beyond_target, clashing_visit, visit_in_past
from bbdispatch.domain.errors import DomainError, FieldError, NotFound
from bbdispatch.domain.job_edits import JobEdit as JobEdit
from bbdispatch.domain.jobs import Job, JobMode, JobStatus
from bbdispatch.domain.people import Technician
from bbdispatch.domain.products import ProductType
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.board import response_due
from bbdispatch.services.context import Ctx
from bbdispatch.services.jobs import check_terms
from bbdispatch.services.lifecycle import assign_in_tx, move_job
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import dispatch as store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import people as people_store
from bbdispatch.storage import statements as statement_store
from bbdispatch.storage import work as work_store


async def _job_in_tx(ctx: Ctx, job_id: int) -> Job:
    job = await job_store.get_job(ctx.db, job_id)
    if job is None:
        raise NotFound(_("No job {id}.").format(id=job_id))
    return job


@saves
async def change_status(ctx: Ctx, job_id: int, target: JobStatus, note: str = "") -> None:
    """Move a job to another status, if the lifecycle allows it.

    The dispatcher's door to :func:`bbdispatch.services.lifecycle.move_job`,
    the one function every path uses. ``note`` is the resolution (done), the
    reason (cancelled, on hold) or a remark. Moving back to *triaged*
    un-assigns the technician.

    Raises:
        DomainError: an illegal step, a missing resolution or reason, or a
            running timer when closing.
    """
    await check(ctx, Action.JOB_STATUS, entity="job", entity_id=job_id)
    await move_job(ctx, job_id, target, note)


@dataclass(frozen=True)
class Assigned:
    """The outcome of an assignment: what to warn the dispatcher about, if anything."""

    clash: Visit | None = None
    """Another visit of the technician that this one overlaps (travel included)."""
    late_after: datetime | None = None
    """The job's response target (UTC) when the planned visit comes after it: the
    job will be late (an emergency's 2 h offered tomorrow). None: in time, or no
    visit, or no running target."""
    reassigned_from: Technician | None = None
    """The technician the job was taken from, read in the assignment's own
    transaction: two dispatchers giving the same job to two people one after
    the other (or at once, serialised by the write lock) learn that the second
    took it from the first. None: the job had no technician, or kept its own."""


async def visit_clash(
    ctx: Ctx, technician_id: int, at: datetime, job_id: int | None = None
) -> Visit | None:
    """Another visit of the technician that a visit at ``at`` would overlap (travel included)."""
    await check(ctx, Action.JOB_ASSIGN)
    rules = ctx.prices.billing
    visits = await store.visits_of(ctx.db, technician_id)
    return clashing_visit(at, visits, rules.visit_minutes, rules.travel_minutes, job_id)


@saves
async def assign(
    ctx: Ctx, job_id: int, technician_id: int, visit_at: datetime | None = None
) -> Assigned:
    """Give a job to a technician (or hand it over to another); history is kept.

    A new or triaged job becomes *assigned*; a job already under way keeps its
    status and records the hand-over. On-site jobs need a planned visit; on a
    remote job a visit is optional and means the planned time of the remote
    session. A visit is never planned in the past (the job's own visit, kept
    unchanged with the same technician, is no new plan and passes). A
    visit after the job's response target is allowed (the dispatcher decides)
    and named in :attr:`Assigned.late_after`, as an overlap is in ``clash``.

    Raises:
        DomainError: closed job, unknown or inactive person, or a person who does
            not work on site for an on-site job.
        FieldError: an on-site job without a visit, or a visit in the past (``visit``).
    """
    await check(ctx, Action.JOB_ASSIGN, entity="job", entity_id=job_id)
    due = None if visit_at is None else await response_due(ctx, job_id)
    late_after = due if visit_at is not None and beyond_target(visit_at, due) else None
    async with ctx.db.transaction():
        job = await _job_in_tx(ctx, job_id)
        if not job.status.is_open:
            raise DomainError(_("Job {no} is closed.").format(no=job.number))
        person = await people_store.person_by_id(ctx.db, technician_id)
        if person is None or not person.active:
            raise NotFound(_("No active person with id {id}.").format(id=technician_id))
        if job.mode is JobMode.ONSITE:
            if not person.does_onsite:
                raise DomainError(_("{name} does not do on-site work.").format(name=person.name))
            if visit_at is None:
                raise FieldError(
                    "visit", _("Plan the visit: an on-site job needs a date and time.")
                )
        if job.technician_id == technician_id and job.visit_at == visit_at:
            return Assigned(late_after=late_after)
        if visit_at is not None and visit_in_past(visit_at, ctx.clock.now()):
            raise FieldError(
                "visit",
                _("The visit {at} is in the past: plan it from now on.").format(
                    at=format_local(visit_at)
                ),
            )
        clash = (
            None if visit_at is None else await visit_clash(ctx, technician_id, visit_at, job_id)
        )
        before = job.technician_id
        previous = (
            await people_store.person_by_id(ctx.db, before)
            if before is not None and before != technician_id
            else None
        )
        await assign_in_tx(
            ctx, job, technician_id, person.name, visit_at, clash.job_id if clash else None
        )
    return Assigned(clash=clash, late_after=late_after, reassigned_from=previous)


@saves
async def edit_job(ctx: Ctx, job_id: int, edit: JobEdit) -> list[str]:
    """Save corrections to a job; each changed field is audited with old and new value.

    A new contract or new agreed terms re-charge the job's unbilled entries,
    exactly as the dispatcher's contract override does
    (:func:`bbdispatch.services.ledger.choose_contract`). The agreed terms of a
    job whose work is on an issued statement are refused for everyone: issued
    statements never change, and new terms would re-price work the client was
    already billed for (a fixed price dropped credited the whole job).

    Returns:
        The names of the fields that changed.

    Raises:
        FieldError: empty description, both an agreed price and rate, or a negative one.
        FieldError: another client's contract (``contract``).
        DomainError: a closed job, or new agreed terms for a job with issued work.
    """
    await check(ctx, Action.JOB_EDIT, entity="job", entity_id=job_id)
    if not edit.description.strip():
        raise FieldError("description", _("Describe the request."))
    check_terms(edit.agreed_price, edit.agreed_rate)
    async with ctx.db.transaction():
        job = await _job_in_tx(ctx, job_id)
        if not job.status.is_open:
            raise DomainError(_("Job {no} is closed.").format(no=job.number))
        if edit.contract_id is not None:
            contract = await contract_store.get_contract(ctx.db, edit.contract_id)
            if contract is None or contract.client_id != job.client_id:
                raise FieldError("contract", _("That contract is not this client's."))
        new = replace(edit, description=edit.description.strip())
        old = JobEdit(
            job.description, job.priority, job.mode, job.contract_id, job.agreed_price,
            job.agreed_rate,
        )  # fmt: skip
        changed = {
            f.name: {"from": _shown(getattr(old, f.name)), "to": _shown(getattr(new, f.name))}
            for f in fields(JobEdit)
            if getattr(old, f.name) != getattr(new, f.name)
        }
        if not changed:
            return []
        if changed.keys() & {"agreed_price", "agreed_rate"}:
            await _refuse_terms_of_issued_work(ctx, job)
        await job_store.edit_job(ctx.db, job_id, new, ctx.clock.now())
        if changed.keys() & {"contract_id", "agreed_price", "agreed_rate"}:
            # Imported here: the billing ledger is not needed to open the board.
            from bbdispatch.services.billing import recharge_job_in_tx

            await recharge_job_in_tx(ctx, job_id)
        await audit.record(ctx, "job", job_id, "edited", **changed)
    return sorted(changed)


async def contract_not_taken(ctx: Ctx, job_id: int) -> str | None:
    """After a job was set to a contract: why none of its time so far went on it, or None.

    Setting a job's contract (job edit, ``jobs edit --contract``) charges its
    unbilled time again, but a contract takes only work within its dates and
    hours left (:func:`bbdispatch.domain.ledger.allocate`): the edit then says
    "contract" changed while the time stayed where it was. This names where it
    stayed, so the dispatcher reads what happened. None: no contract set, no
    finished unbilled time, or some of it went on the contract. A job with an
    agreed price or rate set to a prepaid block is told that the agreed terms
    bill its time (the block keeps its hours).
    """
    await check(ctx, Action.JOB_VIEW, entity="job", entity_id=job_id)
    job = await job_store.get_job(ctx.db, job_id)
    if job is None or job.contract_id is None:
        return None
    entries = [
        e
        for e in await work_store.entries_of_job(ctx.db, job_id)
        if e.ended_at is not None and e.statement_id is None and e.billable
    ]
    contract = await contract_store.get_contract(ctx.db, job.contract_id)
    if not entries or contract is None:
        return None
    agreed = job.agreed_price is not None or job.agreed_rate is not None
    if agreed and contract.kind is ProductType.BLOCK:  # the agreed terms bill instead
        return _(
            "Job {no} has an agreed price or rate: its time is billed as agreed, not on {n}"
            " (job edit: clear the agreed terms to use the block)."
        ).format(n=contract.number, no=job.number)
    charged = (await contract_store.contracts_charged(ctx.db, [job_id])).get(job_id, [])
    if contract.number in charged:
        return None
    if not charged:
        return _(
            "{n} cannot take job {no}'s time so far (outside its dates or hours left): it"
            " stays without a contract; later work within its dates goes on {n}."
        ).format(n=contract.number, no=job.number)
    return _(
        "{n} cannot take job {no}'s time so far (outside its dates or hours left): it stays"
        " on {where}; later work within its dates goes on {n}."
    ).format(n=contract.number, no=job.number, where=", ".join(charged))


async def _refuse_terms_of_issued_work(ctx: Ctx, job: Job) -> None:
    """Refuse new agreed terms when some of the job's work is on an issued statement.

    Raises:
        DomainError: naming the job and the issued statements' numbers.
    """
    ids = {e.statement_id for e in await work_store.entries_of_job(ctx.db, job.id)}
    ids.discard(None)
    if not ids:
        return
    numbers = [
        s.number or str(s.id)
        for s in await statement_store.issued_of_client(ctx.db, job.client_id)
        if s.id in ids
    ]
    raise DomainError(
        _(
            "Job {no} has work on issued statement {numbers}: its agreed price or rate"
            " stays as billed. Agree any difference with the client; open a new job for"
            " work at other terms."
        ).format(no=job.number, numbers=", ".join(numbers))
    )


def _shown(value: object) -> object:
    """An audited value: money with two decimals, as the audit has always shown it."""
    return f"{value:.2f}" if isinstance(value, Decimal) else value

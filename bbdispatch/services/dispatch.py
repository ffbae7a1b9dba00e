"""Dispatch use cases: moving a job through its lifecycle, assigning, editing.

Every change runs in one short write transaction that also writes the job's
status history (``job_status_change``) and the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bbdispatch.clock import to_db
from bbdispatch.domain.assignment import Visit, clashing_visit
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.jobs import Job, JobMode, JobStatus, Priority
from bbdispatch.domain.lifecycle import check_transition
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.jobs import check_terms
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import dispatch as store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import people as people_store


async def _job_in_tx(ctx: Ctx, job_id: int) -> Job:
    job = await job_store.get_job(ctx.db, job_id)
    if job is None:
        raise NotFound(_("No job {id}.").format(id=job_id))
    return job


async def change_status(ctx: Ctx, job_id: int, target: JobStatus, note: str = "") -> None:
    """Move a job to another status, if the lifecycle allows it.

    ``note`` is the resolution (done), the reason (cancelled, on hold) or a remark.
    Moving back to *triaged* un-assigns the technician.

    Raises:
        DomainError: an illegal step, a missing resolution or reason, or a
            running timer when closing.
    """
    note = note.strip()
    async with ctx.db.transaction():
        job = await _job_in_tx(ctx, job_id)
        running = await store.timer_running_on(ctx.db, job_id)
        check_transition(
            job.status, target, has_technician=job.technician_id is not None, note=note,
            timer_running=running,
        )  # fmt: skip
        now = ctx.now_db()
        fields: dict[str, object] = {"status": target.value}
        if target is JobStatus.DONE:
            fields.update(resolution=note, closed_at=now)
        elif target is JobStatus.CANCELLED:
            fields.update(status_reason=note, closed_at=now)
        elif target is JobStatus.ON_HOLD:
            fields["status_reason"] = note
        elif target is JobStatus.TRIAGED:
            fields.update(technician_id=None, visit_at=None)
        technician = None if target is JobStatus.TRIAGED else job.technician_id
        await job_store.update_job_fields(ctx.db, job_id, now, **fields)
        await job_store.insert_status_change(
            ctx.db, job_id, now, job.status, target, technician, ctx.actor, note
        )
        await audit.record(
            ctx, "job", job_id, "status", from_status=job.status.value, to_status=target.value,
            note=note,
        )  # fmt: skip


@dataclass(frozen=True)
class Assigned:
    """The outcome of an assignment: the clash to warn about, if any."""

    clash: Visit | None = None


async def visit_clash(
    ctx: Ctx, technician_id: int, at: datetime, job_id: int | None = None
) -> Visit | None:
    """Another visit of the technician that a visit at ``at`` would overlap (travel included)."""
    rules = ctx.prices.billing
    visits = await store.visits_of(ctx.db, technician_id)
    return clashing_visit(at, visits, rules.visit_minutes, rules.travel_minutes, job_id)


async def assign(
    ctx: Ctx, job_id: int, technician_id: int, visit_at: datetime | None = None
) -> Assigned:
    """Give a job to a technician (or hand it over to another); history is kept.

    A new or triaged job becomes *assigned*; a job already under way keeps its
    status and records the hand-over. On-site jobs need a planned visit.

    Raises:
        DomainError: closed job, unknown or inactive person, a person who does
            not work on site for an on-site job, or an on-site job without a visit.
    """
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
                raise DomainError(_("Plan the visit: an on-site job needs a date and time."))
        if job.technician_id == technician_id and job.visit_at == visit_at:
            return Assigned()
        clash = (
            None if visit_at is None else await visit_clash(ctx, technician_id, visit_at, job_id)
        )
        now = ctx.now_db()
        target = (
            JobStatus.ASSIGNED if job.status in (JobStatus.NEW, JobStatus.TRIAGED) else job.status
        )
        if target is not job.status:
            check_transition(job.status, target, has_technician=True)
        fields: dict[str, object] = {"technician_id": technician_id, "status": target.value}
        fields["visit_at"] = to_db(visit_at) if visit_at else None
        await job_store.update_job_fields(ctx.db, job_id, now, **fields)
        reassigned = job.technician_id is not None and job.technician_id != technician_id
        note = (
            _("handed over to {name}").format(name=person.name)
            if reassigned
            else _("assigned to {name}").format(name=person.name)
        )
        await job_store.insert_status_change(
            ctx.db, job_id, now, job.status, target, technician_id, ctx.actor, note
        )
        await audit.record(
            ctx, "job", job_id, "reassigned" if reassigned else "assigned",
            from_technician=job.technician_id, technician=technician_id,
            visit_at=fields["visit_at"],
            clash_with=clash.job_id if clash else None,
        )  # fmt: skip
    return Assigned(clash=clash)


@dataclass(frozen=True)
class JobEdit:
    """Fields of a job the dispatcher may correct from the detail screen."""

    description: str
    priority: Priority
    mode: JobMode
    contract_id: int | None
    agreed_price: Decimal | None = None
    """An agreed fixed net price for the whole job (None: none agreed)."""
    agreed_rate: Decimal | None = None
    """An agreed net hourly rate (None: none agreed); never together with a price."""


async def edit_job(ctx: Ctx, job_id: int, edit: JobEdit) -> list[str]:
    """Save corrections to a job; each changed field is audited with old and new value.

    A new contract or new agreed terms re-charge the job's unbilled entries,
    exactly as the dispatcher's contract override does
    (:func:`bbdispatch.services.ledger.choose_contract`).

    Returns:
        The names of the fields that changed.

    Raises:
        FieldError: both an agreed price and rate, or a negative one.
        DomainError: empty description, a closed job, or another client's contract.
    """
    if not edit.description.strip():
        raise DomainError(_("Describe the request."))
    check_terms(edit.agreed_price, edit.agreed_rate)
    async with ctx.db.transaction():
        job = await _job_in_tx(ctx, job_id)
        if not job.status.is_open:
            raise DomainError(_("Job {no} is closed.").format(no=job.number))
        if edit.contract_id is not None:
            contract = await contract_store.get_contract(ctx.db, edit.contract_id)
            if contract is None or contract.client_id != job.client_id:
                raise DomainError(_("That contract is not this client's."))
        new = {
            "description": edit.description.strip(),
            "priority": edit.priority.value,
            "mode": edit.mode.value,
            "contract_id": edit.contract_id,
            "agreed_price": _money(edit.agreed_price),
            "agreed_rate": _money(edit.agreed_rate),
        }
        old = {
            "description": job.description,
            "priority": job.priority.value,
            "mode": job.mode.value,
            "contract_id": job.contract_id,
            "agreed_price": _money(job.agreed_price),
            "agreed_rate": _money(job.agreed_rate),
        }
        changed = {k: v for k, v in new.items() if old[k] != v}
        if not changed:
            return []
        plain = {k: new[k] for k in ("description", "priority", "mode", "contract_id")}
        await job_store.update_job_fields(ctx.db, job_id, ctx.now_db(), **plain)
        terms = {"agreed_price", "agreed_rate"} & set(changed)
        if terms:
            await job_store.set_agreed_terms(
                ctx.db, job_id, edit.agreed_price, edit.agreed_rate, ctx.clock.now()
            )
        if "contract_id" in changed or terms:
            # Imported here: the billing ledger is not needed to open the board.
            from bbdispatch.services.ledger import recharge_job_in_tx

            await recharge_job_in_tx(ctx, job_id)
        await audit.record(
            ctx,
            "job",
            job_id,
            "edited",
            **{k: {"from": old[k], "to": v} for k, v in changed.items()},
        )
    return sorted(changed)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"

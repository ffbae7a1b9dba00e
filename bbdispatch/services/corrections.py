"""An admin's correction of work already on an issued statement.

Technicians cannot edit locked entries; an admin can, and the change in billed
time and money is recorded so the next statement shows it as a correction line.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from bbdispatch.clock import local
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.rights import Action
from bbdispatch.formats import format_date
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.billing import settle_billed_in_tx
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.services.timekeeping import (
    check_after_received,
    check_finished_entry,
    check_on_the_job_in_tx,
    overlap_message,
)
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import statements as store
from bbdispatch.storage import work as work_store


@saves
async def correct_locked_entry(
    ctx: Ctx,
    entry_id: int,
    *,
    started_at: datetime,
    ended_at: datetime,
    description: str,
    reason: str,
    long: bool = False,
) -> int:
    """Correct an entry on an issued statement; returns the correction's id.

    ``long`` confirms an entry longer than the price list's ``timer_limit_hours``.

    Raises:
        NotAllowed: the acting person is not an admin.
        NotFound: no such entry.
        DomainError: the entry is not locked (edit it normally), no reason, bad times,
            or an overlap with another entry of the same technician.
    """
    await check(ctx, Action.TIME_CORRECT, entity="work_entry", entity_id=entry_id)
    if not reason.strip():
        raise DomainError(_("Say why the billed entry is corrected."))
    check_finished_entry(ctx, started_at, ended_at, description, long=long)
    async with ctx.db.transaction():
        entry = await work_store.get_entry(ctx.db, entry_id)
        if entry is None:
            raise NotFound(_("No work entry {id}.").format(id=entry_id))
        if entry.statement_id is None:
            raise DomainError(_("Entry {id} is not on an issued statement.").format(id=entry_id))
        clash = await work_store.overlapping_entry(
            ctx.db, entry.technician_id, started_at, ended_at, exclude_id=entry_id
        )
        if clash is not None:
            raise DomainError(overlap_message(clash.job_id, clash.started_at, clash.ended_at))
        job = await job_store.get_job(ctx.db, entry.job_id)
        assert job is not None
        check_after_received(job, started_at)
        old_minutes, old_net = await _billed(ctx, entry_id)
        await work_store.correct_entry(
            ctx.db, entry_id, started_at, ended_at, description.strip(), ctx.clock.now()
        )
        # Recorded first, so the entry is among the billed work charged again.
        correction_id = await store.insert_correction(
            ctx.db, client_id=job.client_id, entry_id=entry_id, locked_by=entry.statement_id,
            made_at=ctx.clock.now(), made_by=ctx.actor, reason=reason.strip(),
            minutes_delta=0, net_delta=Decimal("0.00"),
        )  # fmt: skip
        await settle_billed_in_tx(ctx, job.client_id, min(entry.started_at, started_at))
        new_minutes, new_net = await _billed(ctx, entry_id)
        await store.set_correction_delta(
            ctx.db, correction_id, new_minutes - old_minutes, new_net - old_net
        )
        await audit.record(
            ctx, "work_entry", entry_id, "corrected", reason=reason.strip(),
            before={"start": entry.started_at, "end": entry.ended_at or started_at,
                    "description": entry.description, "billed": old_minutes},
            after={"start": started_at, "end": ended_at, "description": description.strip(),
                   "billed": new_minutes},
            correction_id=correction_id,
        )  # fmt: skip
    return correction_id


@saves
async def add_late_entry(
    ctx: Ctx,
    *,
    job_id: int,
    technician_id: int,
    started_at: datetime,
    ended_at: datetime,
    description: str,
    reason: str,
    long: bool = False,
) -> int:
    """Admin: add work forgotten in a period already on an issued statement; returns its id.

    The entry joins the issued statement's locked entries (technicians cannot
    edit it) and is charged by the rules in its place; the issued document does
    not change, and the next statement bills it as a correction referring to the
    issued number (:func:`bbdispatch.services.statements.corrections_due`).

    Raises:
        NotAllowed: the acting person is not an admin.
        NotFound: no such job.
        DomainError: no reason, bad times, an overlap, or the day is not in an
            issued period (record it normally).
    """
    await check(ctx, Action.TIME_CORRECT, entity="job", entity_id=job_id)
    if not reason.strip():
        raise DomainError(_("Say why the work is added after the statement was issued."))
    check_finished_entry(ctx, started_at, ended_at, description, long=long)
    async with ctx.db.transaction():
        job = await job_store.get_job(ctx.db, job_id)
        if job is None:
            raise NotFound(_("No job {id}.").format(id=job_id))
        check_after_received(job, started_at)
        await check_on_the_job_in_tx(ctx, job, technician_id)
        issued = await store.statement_covering_job_day(ctx.db, job_id, local(started_at).date())
        if issued is None:
            raise DomainError(
                _("{day} is not on an issued statement; record the time normally.").format(
                    day=format_date(local(started_at).date())
                )
            )
        clash = await work_store.overlapping_entry(
            ctx.db, technician_id, started_at, ended_at, exclude_id=None
        )
        if clash is not None:
            raise DomainError(overlap_message(clash.job_id, clash.started_at, clash.ended_at))
        entry_id = await work_store.insert_entry(
            ctx.db, job_id=job_id, technician_id=technician_id, started_at=started_at,
            ended_at=ended_at, description=description.strip(), mode=job.mode, billable=True,
            now=ctx.clock.now(),
        )  # fmt: skip
        await work_store.lock_entries(ctx.db, issued.id, [entry_id])
        correction_id = await store.insert_correction(
            ctx.db, client_id=job.client_id, entry_id=entry_id, locked_by=issued.id,
            made_at=ctx.clock.now(), made_by=ctx.actor, reason=reason.strip(),
            minutes_delta=0, net_delta=Decimal("0.00"),
        )  # fmt: skip
        # Charged like every change to billed work (:func:`settle_billed_in_tx`):
        # in its place among the billed work, before the open work after it, so
        # the result never depends on when it was added.
        await settle_billed_in_tx(ctx, job.client_id, started_at)
        minutes, net = await _billed(ctx, entry_id)
        await store.set_correction_delta(ctx.db, correction_id, minutes, net)
        await audit.record(
            ctx, "work_entry", entry_id, "added_late", job_id=job_id, start=started_at,
            end=ended_at, reason=reason.strip(), statement_id=issued.id,
            correction_id=correction_id,
        )  # fmt: skip
    return entry_id


async def _billed(ctx: Ctx, entry_id: int) -> tuple[int, Decimal]:
    charges = (await store.charges_of(ctx.db, [entry_id])).get(entry_id, [])
    return sum(c.minutes for c in charges), sum((c.net for c in charges), Decimal("0.00"))

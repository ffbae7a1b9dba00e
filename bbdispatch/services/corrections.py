"""An admin's correction of work already on an issued statement.

Technicians cannot edit locked entries; an admin can, and the change in billed
time and money is recorded so the next statement shows it as a correction line.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from bbdispatch.clock import local
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.rights import Action
from bbdispatch.formats import format_date
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.billing import (
    cover_locked_uncovered_in_tx,
    recharge_issued_entry_in_tx,
    recharge_open_entries_in_tx,
)
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check
from bbdispatch.services.timekeeping import (
    check_after_received,
    check_finished_entry,
    check_on_the_job_in_tx,
    overlap_message,
)
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import statements as store
from bbdispatch.storage import work as work_store


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
        old_blocks = await _block_minutes(ctx, entry_id)
        await work_store.correct_entry(
            ctx.db, entry_id, started_at, ended_at, description.strip(), ctx.clock.now()
        )
        changed = await work_store.get_entry(ctx.db, entry_id)
        assert changed is not None
        await recharge_issued_entry_in_tx(ctx, changed)
        new_minutes, new_net = await _billed(ctx, entry_id)
        correction_id = await store.insert_correction(
            ctx.db, client_id=job.client_id, entry_id=entry_id, locked_by=entry.statement_id,
            made_at=ctx.clock.now(), made_by=ctx.actor, reason=reason.strip(),
            minutes_delta=new_minutes - old_minutes, net_delta=new_net - old_net,
        )  # fmt: skip
        new_blocks = await _block_minutes(ctx, entry_id)
        freed = {cid: m - new_blocks.get(cid, 0) for cid, m in old_blocks.items()}
        await _give_freed_hours_in_tx(ctx, job.client_id, entry_id, freed)
        await recharge_open_entries_in_tx(ctx, job.client_id, min(entry.started_at, started_at))
        await audit.record(
            ctx, "work_entry", entry_id, "corrected", reason=reason.strip(),
            before={"start": entry.started_at, "end": entry.ended_at or started_at,
                    "description": entry.description, "billed": old_minutes},
            after={"start": started_at, "end": ended_at, "description": description.strip(),
                   "billed": new_minutes},
            correction_id=correction_id,
        )  # fmt: skip
    return correction_id


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
        entry = await work_store.get_entry(ctx.db, entry_id)
        assert entry is not None
        # Charged in its place among the open entries worked after it: block
        # hours that open work took (hours a correction freed, say) go back to
        # the earlier, late work first, and the open work gets what is left.
        await recharge_open_entries_in_tx(ctx, job.client_id, started_at, also=entry)
        minutes, net = await _billed(ctx, entry_id)
        correction_id = await store.insert_correction(
            ctx.db, client_id=job.client_id, entry_id=entry_id, locked_by=issued.id,
            made_at=ctx.clock.now(), made_by=ctx.actor, reason=reason.strip(),
            minutes_delta=minutes, net_delta=net,
        )  # fmt: skip
        await audit.record(
            ctx, "work_entry", entry_id, "added_late", job_id=job_id, start=started_at,
            end=ended_at, reason=reason.strip(), statement_id=issued.id,
            correction_id=correction_id,
        )  # fmt: skip
    return entry_id


FREED_HOURS_PL = "godziny bloku zwolnione korektą wpisu {entry}"
"""Why billed uncovered time moved onto a block, as the client's document says it."""


async def _give_freed_hours_in_tx(
    ctx: Ctx, client_id: int, corrected_id: int, freed: dict[int, int]
) -> None:
    """Uncovered billed work takes the hours a correction freed; each move is a correction.

    Each entry whose charges changed gets its own correction row (its billed
    minutes stay, its money falls), so the next statement shows one line per
    entry, with the entry's id, instead of a sum no one can check.
    """
    waiting = {u.entry_id for u in await store.uncovered_charges(ctx.db, client_id) if u.locked}
    before = {eid: await _billed(ctx, eid) for eid in waiting}
    for eid in await cover_locked_uncovered_in_tx(ctx, client_id, freed):
        entry = await work_store.get_entry(ctx.db, eid)
        if entry is None or entry.statement_id is None:
            continue
        minutes, net = await _billed(ctx, eid)
        await store.insert_correction(
            ctx.db, client_id=client_id, entry_id=eid, locked_by=entry.statement_id,
            made_at=ctx.clock.now(), made_by=ctx.actor,
            reason=FREED_HOURS_PL.format(entry=corrected_id),
            minutes_delta=minutes - before[eid][0], net_delta=net - before[eid][1],
        )  # fmt: skip
        await audit.record(
            ctx, "work_entry", eid, "freed_hours_taken", corrected_entry=corrected_id,
            minutes=minutes, net=str(net),
        )  # fmt: skip


async def _block_minutes(ctx: Ctx, entry_id: int) -> dict[int, int]:
    """An entry's minutes on each prepaid block (contract id → minutes)."""
    out: dict[int, int] = {}
    for c in (await store.charges_of(ctx.db, [entry_id])).get(entry_id, []):
        if c.basis is ChargeBasis.BLOCK and c.contract_id is not None:
            out[c.contract_id] = out.get(c.contract_id, 0) + c.minutes
    return out


async def _billed(ctx: Ctx, entry_id: int) -> tuple[int, Decimal]:
    charges = (await store.charges_of(ctx.db, [entry_id])).get(entry_id, [])
    return sum(c.minutes for c in charges), sum((c.net for c in charges), Decimal("0.00"))

"""A technician's own work entries: add afterwards, correct, delete.

Only the technician's own entries of the last :data:`EDIT_WINDOW_DAYS` days can
change, never one already on an issued statement, and every change is audited
and recharged in the same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bbdispatch.domain.errors import DomainError, NotAllowed, NotFound
from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.people import Technician
from bbdispatch.domain.rights import Action
from bbdispatch.domain.timeinput import EDIT_WINDOW_DAYS
from bbdispatch.domain.work import WorkEntry
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.billing import charge_entry_in_tx, recharge_after_removal_in_tx
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import check, check_entry, refuse
from bbdispatch.services.saving import saves
from bbdispatch.services.timekeeping import (
    add_entry,
    check_finished_entry,
    check_period_open_in_tx,
    check_while_open,
    overlap_message,
)
from bbdispatch.services.workspace import own_job
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import work as store


def edit_window_start(ctx: Ctx) -> datetime:
    """The oldest start a technician may still add, change or delete."""
    return ctx.clock.now() - timedelta(days=EDIT_WINDOW_DAYS)


async def my_recent_entries(ctx: Ctx, tech: Technician) -> list[WorkEntry]:
    """The technician's entries of the edit window, newest first (a timer included)."""
    await check(ctx, Action.TIME_VIEW, owner_id=tech.id)
    return await store.entries_of_technician_since(ctx.db, tech.id, edit_window_start(ctx))


@saves
async def add_my_entry(
    ctx: Ctx,
    tech: Technician,
    job_id: int,
    *,
    started_at: datetime,
    ended_at: datetime,
    description: str,
    mode: JobMode,
    billable: bool = True,
    long: bool = False,
) -> int:
    """Record work done offline on one of the technician's jobs; returns the entry id.

    ``long`` confirms an entry longer than the price list's ``timer_limit_hours``.

    Raises:
        NotAllowed: not the technician's job, older than the edit window, or in a
            period already on an issued statement.
        DomainError: see :func:`bbdispatch.services.timekeeping.add_entry`.
    """
    await check(ctx, Action.TIME_EDIT, owner_id=tech.id)
    await own_job(ctx, tech, job_id)
    _check_window(ctx, started_at)
    return await add_entry(
        ctx, job_id=job_id, technician_id=tech.id, started_at=started_at, ended_at=ended_at,
        description=description, mode=mode, billable=billable, long=long,
    )  # fmt: skip


@saves
async def edit_my_entry(
    ctx: Ctx,
    tech: Technician,
    entry_id: int,
    *,
    started_at: datetime,
    ended_at: datetime,
    description: str,
    mode: JobMode,
    billable: bool,
    long: bool = False,
) -> None:
    """Correct one of the technician's finished entries, audited and recharged.

    ``long`` confirms an entry longer than the price list's ``timer_limit_hours``.

    Raises:
        NotAllowed: not theirs, too old, already on an issued statement, or moved
            into a period already on an issued statement.
        DomainError: a running timer, no description, bad times or an overlap.
    """
    await check_entry(ctx, Action.TIME_EDIT, entry_id)  # whose, before anything else
    check_finished_entry(ctx, started_at, ended_at, description, long=long)
    _check_window(ctx, started_at)
    async with ctx.db.transaction():
        entry = await _own_changeable(ctx, tech, entry_id)
        await change_entry_in_tx(
            ctx, entry, started_at=started_at, ended_at=ended_at, description=description,
            mode=mode, billable=billable, long=long,
        )  # fmt: skip


async def change_entry_in_tx(
    ctx: Ctx,
    entry: WorkEntry,
    *,
    started_at: datetime,
    ended_at: datetime,
    description: str,
    mode: JobMode,
    billable: bool,
    long: bool = False,
) -> None:
    """Change a finished, unbilled entry, recharge and audit it (the caller checked who may).

    Every way of correcting an entry (the technician's own, the office's) goes
    through here, so the period lock, the overlap check and the re-charge hold alike.

    Raises:
        NotAllowed: on an issued statement, or moved into an issued period.
        TooLong: longer than ``timer_limit_hours`` and ``long`` not given.
        DomainError: a running timer, no description, bad times or an overlap.
    """
    check_finished_entry(ctx, started_at, ended_at, description, long=long)
    if entry.running:
        raise DomainError(_("Stop the timer before changing it."))
    if entry.statement_id is not None:
        raise NotAllowed(
            _("Entry {id} is already on an issued statement; ask the office.").format(id=entry.id)
        )
    await check_period_open_in_tx(ctx, entry.job_id, started_at)
    job = await job_store.get_job(ctx.db, entry.job_id)
    if job is not None:
        check_while_open(job, started_at, ended_at)
    clash = await store.overlapping_entry(
        ctx.db, entry.technician_id, started_at, ended_at, entry.id
    )
    if clash is not None:
        raise DomainError(overlap_message(clash.job_id, clash.started_at, clash.ended_at))
    await store.update_entry(
        ctx.db, entry.id, started_at=started_at, ended_at=ended_at,
        description=description.strip(), mode=mode, billable=billable, now=ctx.clock.now(),
    )  # fmt: skip
    changed = await store.get_entry(ctx.db, entry.id)
    assert changed is not None
    await charge_entry_in_tx(ctx, changed, was_started_at=entry.started_at)
    await audit.record(
        ctx, "work_entry", entry.id, "edited", job_id=entry.job_id,
        before=_snapshot(entry), after=_snapshot(changed),
    )  # fmt: skip


@saves
async def delete_my_entry(ctx: Ctx, tech: Technician, entry_id: int) -> None:
    """Delete one of the technician's entries (or discard a timer started by mistake).

    Raises:
        NotAllowed: not theirs, too old, or already on an issued statement.
    """
    await check_entry(ctx, Action.TIME_EDIT, entry_id)
    async with ctx.db.transaction():
        entry = await _own_changeable(ctx, tech, entry_id)
        await store.delete_entry(ctx.db, entry.id)
        await recharge_after_removal_in_tx(ctx, entry)
        await audit.record(
            ctx, "work_entry", entry.id, "deleted", job_id=entry.job_id, before=_snapshot(entry)
        )


async def _own_changeable(ctx: Ctx, tech: Technician, entry_id: int) -> WorkEntry:
    entry = await store.get_entry(ctx.db, entry_id)
    if entry is None:
        raise NotFound(_("No work entry {id}.").format(id=entry_id))
    if entry.technician_id != tech.id:
        await refuse(
            ctx, Action.TIME_EDIT, "not own", _("Entry {id} is not yours.").format(id=entry_id),
            entity="work_entry", entity_id=entry_id,
        )  # fmt: skip
    if entry.statement_id is not None:
        raise NotAllowed(
            _("Entry {id} is already on an issued statement; ask the office.").format(id=entry_id)
        )
    _check_window(ctx, entry.started_at)
    return entry


def _check_window(ctx: Ctx, started_at: datetime) -> None:
    if started_at < edit_window_start(ctx):
        raise NotAllowed(
            _("Only entries of the last {days} days can be changed; ask the office.").format(
                days=EDIT_WINDOW_DAYS
            )
        )


def _snapshot(entry: WorkEntry) -> dict[str, object]:
    return {
        "start": entry.started_at,
        "end": entry.ended_at,
        "description": entry.description,
        "mode": entry.mode,
        "billable": entry.billable,
    }

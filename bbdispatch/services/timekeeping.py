"""Recording technicians' time: nothing may be lost, nothing may overlap."""

from __future__ import annotations

from datetime import datetime

from bbdispatch.clock import format_local, to_db
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.jobs import JobMode
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.billing import charge_entry_in_tx
from bbdispatch.services.context import Ctx
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import work as store


async def add_entry(
    ctx: Ctx,
    *,
    job_id: int,
    technician_id: int,
    started_at: datetime,
    ended_at: datetime,
    description: str,
    mode: JobMode,
    billable: bool = True,
) -> int:
    """Record finished work (done offline, or entered afterwards) and charge it.

    Raises:
        DomainError: no description, end not after start, end in the future, or
            an overlap with another entry of the same technician (named).
    """
    if not description.strip():
        raise DomainError(_("Describe the work for the client's statement."))
    if ended_at <= started_at:
        raise DomainError(_("The end must be after the start."))
    if ended_at > ctx.clock.now():
        raise DomainError(_("The end is in the future."))
    async with ctx.db.transaction():
        if await job_store.get_job(ctx.db, job_id) is None:
            raise NotFound(_("No job {id}.").format(id=job_id))
        start, end = to_db(started_at), to_db(ended_at)
        clash = await store.overlapping_entry(ctx.db, technician_id, start, end)
        if clash is not None:
            raise DomainError(overlap_message(clash.job_id, clash.started_at, clash.ended_at))
        entry_id = await store.insert_entry(
            ctx.db,
            job_id=job_id,
            technician_id=technician_id,
            started_at=start,
            ended_at=end,
            description=description.strip(),
            mode=mode,
            billable=billable,
            now=ctx.now_db(),
        )
        entry = await store.get_entry(ctx.db, entry_id)
        assert entry is not None
        await charge_entry_in_tx(ctx, entry)
        await audit.record(
            ctx, "work_entry", entry_id, "created", job_id=job_id, start=start, end=end
        )
    return entry_id


def overlap_message(job_id: int, started_at: datetime, ended_at: datetime | None) -> str:
    """Name the entry a new one would overlap, so the technician can find it."""
    end = format_local(ended_at, with_date=False) if ended_at else _("running")
    return _("Overlaps your entry on job {job} ({start}–{end}).").format(
        job=job_id, start=format_local(started_at), end=end
    )

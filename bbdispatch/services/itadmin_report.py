"""Build the IT administration report of a client for a month (``report itadmin``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bbdispatch.clock import local_midnight_utc
from bbdispatch.domain.contracts import ContractStatus
from bbdispatch.domain.errors import NotFound
from bbdispatch.domain.inventory import SoftwareList, diff_inventories
from bbdispatch.domain.itadmin_report import (
    ItAdminReport,
    ReportBackup,
    ReportFee,
    ReportInventory,
    ReportRun,
)
from bbdispatch.domain.recurring import RunState, run_deadline
from bbdispatch.domain.rights import Action
from bbdispatch.i18n import _
from bbdispatch.pricelist import ProductType
from bbdispatch.services.context import Ctx
from bbdispatch.services.recurring import contract_history
from bbdispatch.services.rights import check
from bbdispatch.storage import backups as backup_store
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import inventory as inventory_store
from bbdispatch.storage import work as work_store


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of the month ``month`` falls in."""
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


async def itadmin_report(ctx: Ctx, client_id: int, month: date) -> ItAdminReport:
    """The client's IT administration month: runs, backups, inventories, time, fee.

    Runs are those whose occurrence falls in the month (firm's zone); a run is
    late when it was documented after the end of its due day, missed when it is
    still open after it. The fee is each IT administration contract's monthly
    fee for the month, if the contract ran in it.

    Raises:
        NotAllowed: the acting person may not see recurring work.
        NotFound: no such client, or the client has no IT administration contract.
    """
    await check(ctx, Action.RECURRING_VIEW, entity="client", entity_id=client_id)
    client = await client_store.get_client(ctx.db, client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    first, last = month_bounds(month)
    start, end = local_midnight_utc(first), local_midnight_utc(last + timedelta(days=1))
    contracts = [
        c
        for c in await contract_store.contracts_of(ctx.db, client_id)
        if c.kind is ProductType.MONTHLY
    ]
    if not contracts:
        raise NotFound(_("{client} has no IT administration contract.").format(client=client.name))
    runs: list[ReportRun] = []
    backups: list[ReportBackup] = []
    minutes = 0
    for contract in contracts:
        for row in await contract_history(ctx, contract.id):
            if not start <= row.occurrence_at < end:
                continue
            log = row.log
            late = log is not None and log.recorded_at >= run_deadline(row.occurrence_at)
            outcome = "; ".join(t for t in ((log.checked, log.problem) if log else ()) if t)
            runs.append(
                ReportRun(
                    task_title=row.task_title, due_at=row.occurrence_at,
                    technician=row.technician_name or "", state=row.state, late=late,
                    documented_at=log.recorded_at if log else None, outcome=outcome,
                )
            )  # fmt: skip
            found = await backup_store.backup_check_of(ctx.db, row.job.id)
            if found is not None:
                backups.append(
                    ReportBackup(
                        row.occurrence_at, found.result, found.backup_date, found.size_bytes,
                        found.location, found.note,
                    )
                )  # fmt: skip
            minutes += sum(
                e.minutes() for e in await work_store.entries_of_job(ctx.db, row.job.id)
                if e.ended_at is not None
            )  # fmt: skip
    runs.sort(key=lambda r: (r.due_at, r.task_title))
    backups.sort(key=lambda b: b.due_at)
    fees = tuple(
        ReportFee(c.number, c.title, c.net)
        for c in contracts
        if not (c.status is ContractStatus.CLOSED and c.ends_on is None)
        and c.starts_on <= last
        and (c.ends_on is None or c.ends_on >= first)
    )
    return ItAdminReport(
        client_name=client.name,
        month=first,
        made_at=ctx.clock.now(),
        runs=tuple(r for r in runs if r.state is not RunState.CANCELLED),
        backups=tuple(backups),
        inventories=await _inventories(ctx, client_id, start, end),
        minutes_spent=minutes,
        fees=fees,
    )


async def _inventories(
    ctx: Ctx, client_id: int, start: datetime, end: datetime
) -> tuple[ReportInventory, ...]:
    """Inventories loaded in [start, end), each against its computer's previous one.

    By computer name, then by when they were loaded.
    """
    heads = list(reversed(await inventory_store.inventory_ids_of_client(ctx.db, client_id)))
    out = []
    previous: dict[str, SoftwareList] = {}
    for head in heads:
        software = await inventory_store.load_inventory(ctx.db, head.id)
        if software is None:
            continue
        if start <= head.loaded_at < end:
            before = previous.get(head.host)
            diff = diff_inventories(before, software)
            out.append(
                ReportInventory(
                    loaded_at=head.loaded_at,
                    programs=len(software.items),
                    added=tuple(f"{i.name} {i.version}".strip() for i in diff.added),
                    removed=tuple(f"{i.name} {i.version}".strip() for i in diff.removed),
                    updated=tuple(
                        f"{c.name} {c.old_version} → {c.new_version}" for c in diff.changed
                    ),
                    first=before is None,
                    host=head.host,
                )
            )
        previous[head.host] = software
    out.sort(key=lambda i: (i.host.casefold(), i.loaded_at))
    return tuple(out)

"""Build the IT administration report of a client for a month (``report itadmin``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bbdispatch.clock import FIRM_ZONE, local_midnight_utc, local_today
from bbdispatch.dates import format_day
from bbdispatch.domain.calendar import calendar_of
from bbdispatch.domain.contracts import Contract, ContractStatus
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.inventory import SoftwareList, diff_inventories
from bbdispatch.domain.itadmin_report import (
    ItAdminReport,
    ReportBackup,
    ReportFee,
    ReportInventory,
    ReportRun,
)
from bbdispatch.domain.messages import shown_parts
from bbdispatch.domain.recurring import RunState, run_deadline
from bbdispatch.domain.rights import Action
from bbdispatch.domain.schedule import ScheduleError, plan_runs
from bbdispatch.formats import DOCUMENT_LANGUAGE, format_date
from bbdispatch.i18n import _
from bbdispatch.pricelist import ProductType
from bbdispatch.services.context import Ctx
from bbdispatch.services.recurring import contract_history
from bbdispatch.services.rights import check
from bbdispatch.storage import backups as backup_store
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import inventory as inventory_store
from bbdispatch.storage import recurring as recurring_store
from bbdispatch.storage import work as work_store


class OutsideTerm(DomainError):
    """The month is outside every IT administration contract's term (``report itadmin``: exit 2)."""


def _ran_in(contract: Contract, first: date, last: date) -> bool:
    """Whether the contract ran on a day of [first, last]; one closed without an end never ran."""
    if contract.status is ContractStatus.CLOSED and contract.ends_on is None:
        return False
    return contract.starts_on <= last and (contract.ends_on is None or contract.ends_on >= first)


def _term(contract: Contract) -> str:
    """``BB/2026/003 from 01.09.2026`` or ``BB/2026/003 01.09.2026–31.12.2026``, in words."""
    if contract.status is ContractStatus.CLOSED and contract.ends_on is None:
        return _("{number} was closed before it started").format(number=contract.number)
    if contract.ends_on is None:
        return _("{number} runs from {start}").format(
            number=contract.number, start=format_day(contract.starts_on)
        )
    return _("{number} ran {start}–{end}").format(
        number=contract.number, start=format_day(contract.starts_on),
        end=format_day(contract.ends_on),
    )  # fmt: skip


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of the month ``month`` falls in."""
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


async def itadmin_report(ctx: Ctx, client_id: int, month: date) -> ItAdminReport:
    """The client's IT administration month: runs, backups, inventories, time, fee.

    Runs are those whose occurrence falls in the month (firm's zone): the jobs
    made from the client's tasks, and the runs the tasks' schedules call for
    that never became jobs, the current month's later ones planned
    (:func:`_never_created`). A run is late
    when it was documented after the end of its due day, missed when it is
    still open after it, or was never created and its day is over. The fee is
    each IT administration contract's monthly fee for the month, if the
    contract ran in it.

    Raises:
        NotAllowed: the acting person may not see recurring work.
        NotFound: no such client, or the client has no IT administration contract.
        OutsideTerm: the month has not started yet, or none of the client's IT
            administration contracts ran in the month (it names their terms).
    """
    await check(ctx, Action.RECURRING_VIEW, entity="client", entity_id=client_id)
    client = await client_store.get_client(ctx.db, client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    first, last = month_bounds(month)
    if first > local_today(ctx.clock):
        # A month not yet started has nothing to report, and its fee is not due.
        raise OutsideTerm(
            _("{month} has not started yet: its report can be made from {day} on.").format(
                month=first.strftime("%m.%Y"), day=format_date(first)
            )
        )
    start, end = local_midnight_utc(first), local_midnight_utc(last + timedelta(days=1))
    contracts = [
        c
        for c in await contract_store.contracts_of(ctx.db, client_id)
        if c.kind is ProductType.MONTHLY
    ]
    if not contracts:
        raise NotFound(_("{client} has no IT administration contract.").format(client=client.name))
    ran = [c for c in contracts if _ran_in(c, first, last)]
    if not ran:
        raise OutsideTerm(
            _("{client}'s IT administration did not run in {month}: {terms}.").format(
                client=client.name, month=first.strftime("%m.%Y"),
                terms="; ".join(_term(c) for c in contracts),
            )
        )  # fmt: skip
    runs: list[ReportRun] = []
    backups: list[ReportBackup] = []
    minutes = 0
    made: set[tuple[int, datetime]] = set()
    for contract in contracts:
        for row in await contract_history(ctx, contract.id):
            if not start <= row.occurrence_at < end:
                continue
            made.add((row.task_id, row.occurrence_at))
            log = row.log
            late = log is not None and log.recorded_at >= run_deadline(row.occurrence_at)
            # The report is Polish: the system's own sentences in it too.
            outcome = "; ".join(
                shown_parts(t, DOCUMENT_LANGUAGE)
                for t in ((log.checked, log.problem) if log else ())
                if t
            )
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
                        found.location, shown_parts(found.note, DOCUMENT_LANGUAGE),
                    )
                )  # fmt: skip
            minutes += sum(
                e.minutes() for e in await work_store.entries_of_job(ctx.db, row.job.id)
                if e.ended_at is not None
            )  # fmt: skip
    runs += await _never_created(ctx, ran, start, end, made)
    runs.sort(key=lambda r: (r.due_at, r.task_title))
    backups.sort(key=lambda b: b.due_at)
    fees = tuple(ReportFee(c.number, c.title, c.net) for c in ran)
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


async def _never_created(
    ctx: Ctx,
    contracts: list[Contract],
    start: datetime,
    end: datetime,
    made: set[tuple[int, datetime]],
) -> list[ReportRun]:
    """Runs the schedules call for in [start, end) that never became jobs (or not yet).

    Expected runs come from each active task's rule, the firm's calendar and
    the task's own limits (first run, ``runs_from``, the contract's end), as
    ``schedule run`` plans them but without its catch-up cap; a run over the
    cap, or due while ``schedule run`` did not run, is then missed once its day
    is over (open until then); a run later in the current month is open, planned.
    A paused task expects nothing (its pause is not dated), and a rule that no
    longer parses expects nothing.
    """
    now = ctx.clock.now()
    # The whole month, today's and later runs too: the current month lists what is
    # still planned (open), not only what fell due so far.
    upto = end - timedelta(microseconds=1)
    calendar = calendar_of(ctx.prices)
    out = []
    for contract in contracts:
        until = None
        if contract.ends_on is not None:
            until = datetime.combine(contract.ends_on, time(23, 59, 59), tzinfo=FIRM_ZONE)
        for task in await recurring_store.tasks_of_contract(ctx.db, contract.id):
            if not task.active:
                continue
            floor = start if task.runs_from is None else max(start, task.runs_from)
            try:
                plan = plan_runs(
                    task.schedule, task.starts_at, last=None, now=upto, catch_up=True,
                    calendar=calendar, until=until, on_closed=task.on_closed_day,
                    runs_from=floor, limit=None,
                )  # fmt: skip
            except ScheduleError:
                continue
            for due_at, _late in plan.runs:
                if (task.id, due_at) in made or not start <= due_at < end:
                    continue
                missed = now >= run_deadline(due_at)
                out.append(
                    ReportRun(
                        task_title=task.title, due_at=due_at, technician="",
                        state=RunState.OVERDUE if missed else RunState.OPEN, late=False,
                        documented_at=None, outcome="", created=False,
                    )
                )  # fmt: skip
    return out


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

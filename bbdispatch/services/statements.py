"""Work statements: build one for a client and a period, and issue it (close the period)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from bbdispatch.clock import format_local, local, local_midnight_utc, local_today
from bbdispatch.domain.contracts import Contract, ContractStatus
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.domain.statements import (
    ChargeRow,
    ContractSubtotal,
    CorrectionLine,
    MonthlyFee,
    Statement,
    StatementLine,
    months_active,
    price_lines,
)
from bbdispatch.i18n import _
from bbdispatch.pricelist import ProductType
from bbdispatch.reports.json_report import statement_dict
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import statements as store
from bbdispatch.storage import work as work_store
from bbdispatch.storage.jobs import FixedPrice


def check_period(period_from: date, period_to: date) -> None:
    """Refuse a period that ends before it starts.

    Raises:
        DomainError: with a message naming both dates.
    """
    if period_to < period_from:
        raise DomainError(
            _("The period ends ({to}) before it starts ({start}).").format(
                to=period_to.strftime("%d.%m.%Y"), start=period_from.strftime("%d.%m.%Y")
            )
        )


async def build_statement(
    ctx: Ctx, client_id: int, period_from: date, period_to: date
) -> Statement:
    """The client's statement for the period (days inclusive, firm's time zone).

    Raises:
        NotFound: no such client.
        DomainError: the period ends before it starts.
    """
    check_period(period_from, period_to)
    client = await client_store.get_client(ctx.db, client_id)
    if client is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    start = local_midnight_utc(period_from)
    end = local_midnight_utc(period_to + timedelta(days=1))
    found = await store.entries_between(ctx.db, client_id, start, end)
    fixed = await job_store.fixed_price_first_entries(ctx.db, [e.entry.job_id for e in found])
    lines = price_lines([
        StatementLine(
            entry_id=e.entry.id,
            day=local(e.entry.started_at).date(),
            job_number=str(e.entry.job_id),
            technician=e.technician,
            mode=e.entry.mode,
            description=e.entry.description,
            actual_minutes=e.entry.minutes(),
            billed_minutes=sum(c.minutes for c in e.charges),
            charges=_with_fixed_price(e.entry.id, e.charges, fixed.get(e.entry.job_id)),
            started_at=e.entry.started_at,
            ended_at=e.entry.ended_at,
            statement_id=e.entry.statement_id,
        )
        for e in found
    ])  # fmt: skip
    contracts = await contract_store.contracts_of(ctx.db, client_id)
    subtotals = await _subtotals(ctx, contracts, lines, start, end, period_from, period_to)
    # Fees follow the contract's dates, not its status: a contract closed today
    # still owes the months it ran (closing sets its end date). A closed one
    # without an end date never ran (closed before its start) or was closed
    # before that rule; when it stopped is unknown, so it bills no fee rather
    # than one for every month since.
    fees = tuple(
        MonthlyFee(c, n)
        for c in contracts
        if not (c.status is ContractStatus.CLOSED and c.ends_on is None)
        and (n := months_active(c, period_from, period_to)) > 0
    )
    issued = await store.statement_of_period(ctx.db, client_id, period_from, period_to)
    pending = await store.corrections_for(ctx.db, client_id, end, issued.id if issued else None)
    corrections = tuple(
        CorrectionLine(
            local(p.made_at).date(), p.entry_id, str(p.job_id), p.reason, p.minutes_delta,
            p.net_delta,
        )
        for p in pending
    )  # fmt: skip
    return Statement(
        client_id=client.id,
        client_name=client.name,
        client_address=client.address,
        client_nip=client.nip,
        period_from=period_from,
        period_to=period_to,
        vat_rate=ctx.prices.vat_rate,
        lines=lines,
        contracts=subtotals,
        fees=fees,
        corrections=corrections,
        statement_id=issued.id if issued else None,
        issued_at=issued.issued_at if issued else None,
        rounding_minutes=ctx.prices.billing.rounding_minutes,
    )


def _with_fixed_price(
    entry_id: int, charges: tuple[ChargeRow, ...], fixed: FixedPrice | None
) -> tuple[ChargeRow, ...]:
    """An entry's charges, the agreed price added to the job's first billable entry.

    A job agreed at a fixed price bills that price once, whatever its time: the
    time itself is charged "agreed" at no rate, and the job's earliest entry
    carries the price, so the statement holding that entry bills it and no other.
    """
    if fixed is None or fixed.first_entry_id != entry_id:
        return charges
    price = fixed.price
    agreed = [c for c in charges if c.basis is ChargeBasis.AGREED]
    if not agreed:
        return charges
    first = replace(agreed[0], fixed=price, reason=_("agreed price"))
    return tuple(first if c is agreed[0] else c for c in charges)


async def _subtotals(
    ctx: Ctx,
    contracts: list[Contract],
    lines: tuple[StatementLine, ...],
    start: datetime,
    end: datetime,
    period_from: date,
    period_to: date,
) -> tuple[ContractSubtotal, ...]:
    by_contract: dict[int, list[ChargeRow]] = {}
    for ln in lines:
        for ch in ln.charges:
            if ch.contract_id is not None:
                by_contract.setdefault(ch.contract_id, []).append(ch)
    charged = by_contract.keys()
    shown = [
        c
        for c in contracts
        if c.id in charged
        or (
            c.kind is ProductType.BLOCK
            and c.status is not ContractStatus.CLOSED
            and c.starts_on <= period_to
            and (c.ends_on is None or c.ends_on >= period_from)
        )
    ]
    ids = [c.id for c in shown]
    before = await store.charged_minutes_before(ctx.db, ids, start)
    after = await store.charged_minutes_before(ctx.db, ids, end)
    out = []
    for c in shown:
        parts = by_contract.get(c.id, [])
        included = c.minutes_included
        if not parts and included is not None and before[c.id] >= included:
            continue  # a block used up before the period: nothing to report on it
        out.append(
            ContractSubtotal(
                contract=c,
                minutes=sum(p.minutes for p in parts),
                net=sum((p.net for p in parts), Decimal("0.00")),
                left_before=None if included is None else max(included - before[c.id], 0),
                left_after=None if included is None else max(included - after[c.id], 0),
            )
        )
    return tuple(out)


async def issue_statement(
    ctx: Ctx,
    client_id: int,
    period_from: date,
    period_to: date,
    *,
    deliver: Callable[[Statement], Awaitable[None]] | None = None,
) -> int:
    """Issue the statement: record it and lock its entries against technicians' edits.

    ``deliver`` gets the statement as issued (number and date set) before the
    issue commits, to write the document: if it raises (a folder that does not
    exist, a full disk), nothing is issued and the period stays open.

    Raises:
        DomainError: the period has not ended, nothing to bill, a statement for an
            overlapping period was already issued, or a timer started in the period
            is still running (its time could never be billed afterwards).
    """
    check_period(period_from, period_to)
    if period_to >= local_today(ctx.clock):
        raise DomainError(
            _("The period ends {day}; issue its statement after that day.").format(
                day=period_to.strftime("%d.%m.%Y")
            )
        )
    async with ctx.db.transaction():
        clash = await store.overlapping_statement(ctx.db, client_id, period_from, period_to)
        if clash is not None:
            raise DomainError(
                _("Statement {id} for {start}–{end} is already issued.").format(
                    id=clash.id,
                    start=clash.period_from.strftime("%d.%m.%Y"),
                    end=clash.period_to.strftime("%d.%m.%Y"),
                )
            )
        running = await store.timer_running_between(
            ctx.db,
            client_id,
            local_midnight_utc(period_from),
            local_midnight_utc(period_to + timedelta(days=1)),
        )
        if running is not None:
            raise DomainError(
                _(
                    "A timer started {start} is still running on job {job}; stop it before"
                    " issuing the statement."
                ).format(start=format_local(running.started_at), job=running.job_id)
            )
        statement = await build_statement(ctx, client_id, period_from, period_to)
        if statement.is_empty:
            raise DomainError(empty_message(statement))
        statement_id = await store.insert_statement(
            ctx.db, client_id, period_from, period_to, ctx.clock.now(), ctx.actor
        )
        await work_store.lock_entries(ctx.db, statement_id, [ln.entry_id for ln in statement.lines])
        corrections = await store.corrections_for(
            ctx.db, client_id, local_midnight_utc(period_to + timedelta(days=1)), None
        )
        await store.apply_corrections(ctx.db, statement_id, [c.id for c in corrections])
        # The audit row keeps the statement exactly as issued: later admin corrections
        # change the entries, and show up on the next statement, not on this record.
        await audit.record(
            ctx, "statement", statement_id, "issued", client_id=client_id,
            period_from=period_from.isoformat(), period_to=period_to.isoformat(),
            entries=len(statement.lines), net=str(statement.net),
            as_issued=statement_dict(statement),
        )  # fmt: skip
        if deliver is not None:
            await deliver(await build_statement(ctx, client_id, period_from, period_to))
    return statement_id


def empty_message(statement: Statement) -> str:
    """What to say when a period has nothing to bill."""
    return _(
        "Nothing to bill for {client} from {start} to {end}: no work, fees or corrections."
    ).format(
        client=statement.client_name,
        start=statement.period_from.strftime("%d.%m.%Y"),
        end=statement.period_to.strftime("%d.%m.%Y"),
    )

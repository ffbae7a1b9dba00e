"""Contract views for screens and reports: statuses, balances, forecasts, uncovered time.

The writes behind them (charging entries, re-charging a job, moving uncovered
time, writing back statuses) are :mod:`bbdispatch.services.billing`'s, which
never imports this module: the dependency runs one way only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bbdispatch.clock import local_midnight_utc, local_today
from bbdispatch.dates import format_day
from bbdispatch.domain.contracts import (
    Balance,
    Contract,
    ContractStatus,
    effective_status,
    forecast_run_out,
    offer_service_hint,
)
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.ledger import UncoveredWork
from bbdispatch.domain.rights import Action
from bbdispatch.formats import format_hours, format_money
from bbdispatch.i18n import _
from bbdispatch.pricelist import ProductType
from bbdispatch.services import audit
from bbdispatch.services.billing import (
    move_uncovered_in_tx,
    recharge_job_in_tx,
    uncovered_work_of,
)
from bbdispatch.services.billing import (
    refresh_statuses_in_tx as refresh_statuses_in_tx,  # re-exported for older callers
)
from bbdispatch.services.context import Ctx
from bbdispatch.services.contracts import (
    close_contract as close_contract,  # re-exported for older callers
)
from bbdispatch.services.rights import check
from bbdispatch.services.saving import saves
from bbdispatch.storage import clients as client_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import statements as statement_store

FORECAST_DAYS = 90
"""The forecast extrapolates the pace of this many past days."""


@dataclass(frozen=True)
class ContractView:
    """A contract as the contracts screen and ``bbdispatch contracts`` show it."""

    balance: Balance
    client_name: str
    status: ContractStatus
    runs_out_on: date | None
    """At the client's pace of the last 90 days; None for non-blocks or no recent use."""
    offer_service: bool
    """A starter contract past the warning threshold: offer a service contract."""
    forecast_note: str = ""
    """Why there is no forecast (closed, no recent work, not a block), else empty."""


def contract_notes(v: ContractView) -> list[str]:
    """The hint lines under a contract's balance, the same on screen and in ``contracts``.

    Opening balance, the offer of a service contract, the run-out forecast, the
    monthly fee of an IT-administration contract, or why there is no forecast;
    amounts and dates in the firm's formats. Empty when there is nothing to add.
    """
    c = v.balance.contract
    lines: list[str] = []
    if c.opening_used_minutes:
        lines.append(
            _("Opening balance: {hours} used before bbdispatch (imported).").format(
                hours=format_hours(c.opening_used_minutes)
            )
        )
    if v.offer_service:
        lines.append(_("Starter nearly used: offer a service contract."))
    elif v.runs_out_on:
        lines.append(_("At the pace of 90 days runs out {day}.").format(
            day=format_day(v.runs_out_on)))  # fmt: skip
    elif c.kind is ProductType.MONTHLY:
        lines.append(_("Monthly fee {fee} (IT administration).").format(
            fee=format_money(c.net)))  # fmt: skip
    elif v.forecast_note:
        lines.append(_("No run-out forecast: {why}.").format(why=v.forecast_note))
    return lines


async def forecasts(ctx: Ctx, balances: list[Balance]) -> dict[int, date | None]:
    """The day each block runs out at its client's pace (None: no forecast; see reasons).

    The pace is the client's billed time on blocks and without a contract over
    the last 90 days, whichever block took it: a block signed today is forecast
    from the client's habits, not from its own first hour. Blocks are used
    oldest first, so a block runs out when it and the usable blocks before it
    are used up. Closed, expired and used-up contracts get no forecast. One
    query for the pace of every client.
    """
    return (await forecasts_with_reasons(ctx, balances))[0]


async def forecasts_with_reasons(
    ctx: Ctx, balances: list[Balance]
) -> tuple[dict[int, date | None], dict[int, str]]:
    """:func:`forecasts`, and for each contract without one the reason, in words."""
    today = local_today(ctx.clock)
    since = local_midnight_utc(today - timedelta(days=FORECAST_DAYS))
    pace = await statement_store.client_block_pace(
        ctx.db, sorted({b.contract.client_id for b in balances}), since
    )
    found: dict[int, date | None] = {b.contract.id: None for b in balances}
    reasons: dict[int, str] = {}
    ahead: dict[int, int] = {}
    ordered = sorted(balances, key=lambda b: (b.contract.starts_on, b.contract.id))
    for b in ordered:
        c = b.contract
        status = effective_status(b, today)
        if c.kind is not ProductType.BLOCK:
            reasons[c.id] = _("not a block of hours")
        elif status is ContractStatus.CLOSED:
            reasons[c.id] = _("closed")
        elif status is ContractStatus.EXPIRED:
            reasons[c.id] = _("expired")
        elif not b.left_minutes:
            reasons[c.id] = _("used up")
        elif not pace.get(c.client_id):
            reasons[c.id] = _("no work in the last 90 days")
        else:
            before = ahead.get(c.client_id, 0)
            found[c.id] = forecast_run_out(
                before + b.left_minutes, pace[c.client_id], FORECAST_DAYS, today
            )
            ahead[c.client_id] = before + b.left_minutes
    return found, reasons


async def contract_views(ctx: Ctx, client_id: int | None = None) -> list[ContractView]:
    """Every contract (or a client's), statuses refreshed, with balance and forecast.

    Raises:
        NotFound: no such client.
    """
    await check(ctx, Action.CONTRACT_VIEW)
    if client_id is not None and await client_store.get_client(ctx.db, client_id) is None:
        raise NotFound(_("No client with id {id}.").format(id=client_id))
    contracts, used = await _contracts_and_use(ctx, client_id)
    today = local_today(ctx.clock)
    if any(effective_status(Balance(c, used[c.id]), today) is not c.status for c in contracts):
        # Write only when a status is stale: every commit wakes every screen.
        async with ctx.db.transaction():
            await refresh_statuses_in_tx(ctx, client_id)
        contracts, used = await _contracts_and_use(ctx, client_id)
    names = await client_store.client_names(ctx.db, [c.client_id for c in contracts])
    warn = ctx.prices.billing.warn_percent
    balances = [Balance(c, used[c.id]) for c in contracts]
    runs_out, reasons = await forecasts_with_reasons(ctx, balances)
    views = []
    for c, balance in zip(contracts, balances, strict=True):
        views.append(
            ContractView(
                balance=balance,
                client_name=names.get(c.client_id, ""),
                status=c.status,
                runs_out_on=runs_out[c.id],
                offer_service=offer_service_hint(balance, warn),
                forecast_note=reasons.get(c.id, ""),
            )
        )
    return views


async def _contracts_and_use(
    ctx: Ctx, client_id: int | None
) -> tuple[list[Contract], dict[int, int]]:
    contracts = (
        await contract_store.contracts_of(ctx.db, client_id)
        if client_id is not None
        else await contract_store.all_contracts(ctx.db)
    )
    return contracts, await contract_store.used_minutes(ctx.db, [c.id for c in contracts])


async def uncovered_minutes(ctx: Ctx, client_id: int) -> int:
    """Billed minutes of the client no contract covers and no statement has billed yet."""
    await check(ctx, Action.CONTRACT_VIEW, entity="client", entity_id=client_id)
    found = await statement_store.uncovered_charges(ctx.db, client_id)
    return sum(u.minutes for u in found if not u.locked)


async def uncovered_work(ctx: Ctx, client_id: int) -> list[UncoveredWork]:
    """The client's unbilled uncovered work by day, oldest first (what a new contract may take).

    The signing form asks :func:`bbdispatch.domain.ledger.movable_minutes` of it
    whether the dates typed would take any of it.
    """
    await check(ctx, Action.CONTRACT_VIEW, entity="client", entity_id=client_id)
    return await uncovered_work_of(ctx, client_id)


@saves
async def move_uncovered(ctx: Ctx, contract_id: int) -> int:
    """Move the client's unbilled uncovered time onto a (later signed) contract.

    Only time worked within the contract's dates moves (sign it from an earlier
    start to take earlier work). A block takes as much as it has left, oldest
    work first; an hourly contract takes it all at its own rate. Entries on an
    issued statement stay as billed. Returns the minutes moved.

    Raises:
        NotFound: no such contract.
        DomainError: the contract cannot take time (closed, expired, monthly fee,
            block used up).
    """
    await check(ctx, Action.CONTRACT_EDIT, entity="contract", entity_id=contract_id)
    async with ctx.db.transaction():
        return await move_uncovered_in_tx(ctx, contract_id)


@saves
async def choose_contract(ctx: Ctx, job_id: int, contract_id: int | None) -> int:
    """The dispatcher's override: charge a job's time to this contract (None = the rules).

    The job's entries not yet on an issued statement are charged again; the charge
    rows say "chosen by dispatcher". Returns how many entries were re-charged.

    Raises:
        NotFound: no such job or contract.
        DomainError: the contract belongs to another client.
    """
    await check(ctx, Action.CONTRACT_EDIT, entity="job", entity_id=job_id)
    async with ctx.db.transaction():
        job = await job_store.get_job(ctx.db, job_id)
        if job is None:
            raise NotFound(_("No job {id}.").format(id=job_id))
        if contract_id is not None:
            contract = await contract_store.get_contract(ctx.db, contract_id)
            if contract is None:
                raise NotFound(_("No contract with id {id}.").format(id=contract_id))
            if contract.client_id != job.client_id:
                raise DomainError(
                    _("Contract {n} belongs to another client.").format(n=contract.number)
                )
        await job_store.set_contract(ctx.db, job_id, contract_id, ctx.clock.now())
        recharged = await recharge_job_in_tx(ctx, job_id)
        await audit.record(ctx, "job", job_id, "contract_chosen", contract_id=contract_id)
    return recharged

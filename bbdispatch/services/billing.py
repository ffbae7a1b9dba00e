"""Charging work entries to the right contract (the rules live in domain.ledger)."""

from __future__ import annotations

from bbdispatch.clock import local
from bbdispatch.domain.contracts import Balance
from bbdispatch.domain.jobs import Category
from bbdispatch.domain.ledger import JobTerms, allocate, billed_minutes
from bbdispatch.domain.work import WorkEntry
from bbdispatch.money import to_grosze
from bbdispatch.services.context import Ctx
from bbdispatch.services.ledger import refresh_statuses_in_tx
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import recurring as recurring_store
from bbdispatch.storage import work as work_store


async def charge_entry_in_tx(ctx: Ctx, entry: WorkEntry) -> None:
    """(Re)charge one finished entry; call inside the transaction that saved it."""
    await work_store.delete_charges_of(ctx.db, entry.id)
    if entry.ended_at is None or not entry.billable:
        return
    job = await job_store.get_job(ctx.db, entry.job_id)
    if job is None:
        return
    seconds = int((entry.ended_at - entry.started_at).total_seconds())
    minutes = billed_minutes(seconds, ctx.prices.billing.rounding_minutes)
    contracts = await contract_store.contracts_of(ctx.db, job.client_id)
    used = await contract_store.used_minutes(ctx.db, [c.id for c in contracts])
    balances = [Balance(c, used.get(c.id, 0)) for c in contracts]
    terms = JobTerms(
        is_network=job.category is Category.NETWORK,
        recurring_contract_id=(
            await recurring_store.contract_of_task(ctx.db, job.recurring_task_id)
            if job.recurring_task_id
            else None
        ),
        override_contract_id=job.contract_id,
        agreed_rate=job.agreed_rate,
        agreed_price=job.agreed_price,
    )
    parts = allocate(
        minutes, terms, balances, local(entry.started_at).date(), ctx.prices.billing.hourly_rate_net
    )
    for part in parts:
        await work_store.insert_charge(
            ctx.db,
            work_entry_id=entry.id,
            contract_id=part.contract_id,
            basis=part.basis.value,
            minutes=part.minutes,
            rate_grosze=to_grosze(part.hourly_rate),
            reason=part.reason,
        )
    await refresh_statuses_in_tx(ctx, job.client_id)

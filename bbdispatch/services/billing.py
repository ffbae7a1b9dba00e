"""Charging work entries to the right contract (the rules live in domain.ledger).

Prepaid hours go to the oldest work first. Any change to an entry (added,
stopped, edited, corrected, deleted, its job's contract changed) can free or
take hours that later work depends on, so the client's open entries (those not
on an issued statement) from the earliest changed moment on are charged again,
in order of their start. Hours freed by correcting an early entry therefore go
to the next entry that had run out of them.

Every write of charges and of contracts' automatic statuses happens here:
charging an entry, re-charging a job whose contract changed, moving uncovered
time onto a new contract, writing back "used up" and "expired". The contract
views (:mod:`bbdispatch.services.ledger`) and signing
(:mod:`bbdispatch.services.contracts`) build on this module, never the other
way round.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from bbdispatch.clock import local, local_today
from bbdispatch.domain.contracts import Balance, Contract, ContractStatus, effective_status
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.jobs import Category, Job
from bbdispatch.domain.ledger import (
    ChargeBasis,
    ChargePart,
    JobTerms,
    ToCharge,
    allocate,
    billed_minutes,
    charge_in_order,
    in_force_on,
    usable_on,
)
from bbdispatch.domain.messages import stored
from bbdispatch.domain.work import WorkEntry
from bbdispatch.i18n import _
from bbdispatch.pricelist import ProductType
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import recurring as recurring_store
from bbdispatch.storage import statements as statement_store
from bbdispatch.storage import work as work_store


async def charge_entry_in_tx(
    ctx: Ctx, entry: WorkEntry, *, was_started_at: datetime | None = None
) -> None:
    """(Re)charge a saved entry and the client's open entries after it; inside its transaction.

    Args:
        ctx: the service environment.
        entry: the entry as saved now.
        was_started_at: its start before an edit, if the edit moved it: entries
            from the earlier of the two starts are charged again.
    """
    job = await job_store.get_job(ctx.db, entry.job_id)
    if job is None:
        return
    since = entry.started_at if was_started_at is None else min(entry.started_at, was_started_at)
    await recharge_open_entries_in_tx(ctx, job.client_id, since, also=entry)


async def recharge_issued_entry_in_tx(ctx: Ctx, entry: WorkEntry) -> None:
    """Charge an entry on an issued statement again after an admin's correction.

    The issued entry keeps the contracts it was billed on: closing or signing a
    contract after issue never moves billed time. The pieces are those of the
    issued document (not of an earlier correction), so the final charges depend
    only on the final times, never on the order of corrections: fewer billed
    minutes come off the issued pieces' end (the hours go back to their block,
    and a reduction is never a charge); more minutes are charged by the rules
    as new time of the entry's day. Block hours the entry gave back that other
    work has taken since stay with that work. An entry not on the issued
    document (work added late) starts from its charges now. The caller then
    gives freed hours to uncovered billed work (:func:`cover_locked_uncovered_in_tx`)
    and charges the client's open entries from the entry's earlier start on
    again (:func:`recharge_open_entries_in_tx`).
    """
    job = await job_store.get_job(ctx.db, entry.job_id)
    if job is None or entry.ended_at is None:
        return
    contracts = await contract_store.contracts_of(ctx.db, job.client_id)
    old = await _issued_charges(ctx, entry, contracts)
    if old is None:
        old = [
            ChargePart(c.contract_id, c.basis, c.minutes, c.rate, c.reason)
            for c in (await statement_store.charges_of(ctx.db, [entry.id])).get(entry.id, [])
        ]
    seconds = int((entry.ended_at - entry.started_at).total_seconds())
    total = billed_minutes(seconds, ctx.prices.billing.rounding_minutes) if entry.billable else 0
    await work_store.delete_charges_of_entries(ctx.db, [entry.id])
    used = await contract_store.used_minutes(ctx.db, [c.id for c in contracts])
    included = {c.id: c.minutes_included for c in contracts}
    kept: list[ChargePart] = []
    left = total
    for c in old:
        if left <= 0:
            break
        take = min(left, c.minutes)
        if c.basis is ChargeBasis.BLOCK and c.contract_id is not None:
            # Hours the entry gave back and other work took since stay with that work.
            room = (included.get(c.contract_id) or 0) - used.get(c.contract_id, 0)
            take = min(take, max(room, 0))
        if take <= 0:
            continue
        kept.append(ChargePart(c.contract_id, c.basis, take, c.hourly_rate, c.reason))
        if c.contract_id is not None:
            used[c.contract_id] = used.get(c.contract_id, 0) + take
        left -= take
    if left > 0:
        terms = await _terms(ctx, job)
        if terms is not None:
            kept += allocate(
                left,
                terms,
                [Balance(c, used.get(c.id, 0)) for c in contracts],
                local(entry.started_at).date(),
                ctx.prices.billing.hourly_rate_net,
                also_usable=frozenset(c.contract_id for c in old if c.contract_id is not None),
            )
    for part in kept:
        await work_store.insert_charge(
            ctx.db,
            work_entry_id=entry.id,
            contract_id=part.contract_id,
            basis=part.basis,
            minutes=part.minutes,
            rate=part.hourly_rate,
            reason=part.reason,
        )


async def _issued_charges(
    ctx: Ctx, entry: WorkEntry, contracts: list[Contract]
) -> list[ChargePart] | None:
    """The entry's charges as its issued statement's kept JSON document billed them.

    None when the entry is on no kept document (added late, or issued before
    documents were kept, or a document that cannot be read).
    """
    if entry.statement_id is None:
        return None
    kept = await statement_store.document_of(ctx.db, entry.statement_id, "json")
    if kept is None:
        return None
    ids = {c.number: c.id for c in contracts}
    try:
        for line in json.loads(kept)["lines"]:
            if int(line["entry_id"]) != entry.id:
                continue
            return [
                ChargePart(
                    contract_id=ids.get(c["contract"]) if c["contract"] else None,
                    basis=ChargeBasis(c["basis"]),
                    minutes=int(c["minutes"]),
                    hourly_rate=Decimal(c["hourly_rate"]),
                    reason=str(c["reason"]),
                )
                for c in line["charges"]
            ]
    except (ValueError, KeyError, TypeError, ArithmeticError):
        return None
    return None


async def cover_locked_uncovered_in_tx(
    ctx: Ctx, client_id: int, freed: dict[int, int]
) -> list[int]:
    """Put uncovered time on issued statements onto the hours a correction freed, oldest first.

    After an admin's correction gives minutes back to blocks (``freed``: contract
    id → minutes), the billed entries that found no hours (uncovered, at the
    hourly rate) take them in the order they were worked, like open entries do:
    a correction never leaves uncovered time while the block it freed has hours.
    Only those blocks and at most those minutes move (a contract signed after
    issue still never moves billed time), and only for work on a day the block
    was in force. The issued documents do not change; the caller records each
    changed entry as a correction for the next statement. Returns the ids of the
    entries whose charges changed, oldest first.
    """
    contracts = [
        c
        for c in await contract_store.contracts_of(ctx.db, client_id)
        if freed.get(c.id, 0) > 0
        and c.kind is ProductType.BLOCK
        and c.status is not ContractStatus.CLOSED
    ]
    if not contracts:
        return []
    contracts.sort(key=lambda c: (c.starts_on, c.id))
    used = await contract_store.used_minutes(ctx.db, [c.id for c in contracts])
    changed: list[int] = []
    for u in await statement_store.uncovered_charges(ctx.db, client_id):
        if not u.locked:
            continue
        day = local(u.started_at).date()
        left = u.minutes
        for c in contracts:
            if left <= 0:
                break
            room = min(Balance(c, used.get(c.id, 0)).left_minutes or 0, freed[c.id])
            if room <= 0 or not usable_on(c, day):
                continue
            take = min(room, left)
            reason = _("prepaid block {n}, oldest with hours left").format(n=c.number)
            if take == left:
                await work_store.move_charge(
                    ctx.db, u.charge_id, c.id, ChargeBasis.BLOCK, Decimal(0), reason
                )
            else:
                await work_store.shrink_charge(ctx.db, u.charge_id, left - take)
                await work_store.insert_charge(
                    ctx.db, work_entry_id=u.entry_id, contract_id=c.id,
                    basis=ChargeBasis.BLOCK, minutes=take, rate=Decimal(0), reason=reason,
                )  # fmt: skip
            used[c.id] = used.get(c.id, 0) + take
            freed[c.id] -= take
            left -= take
        if left != u.minutes and u.entry_id not in changed:
            changed.append(u.entry_id)
    return changed


async def recharge_after_removal_in_tx(ctx: Ctx, removed: WorkEntry) -> None:
    """After deleting an entry: its hours go to the open entries after it, in order."""
    job = await job_store.get_job(ctx.db, removed.job_id)
    if job is not None and removed.ended_at is not None:
        await recharge_open_entries_in_tx(ctx, job.client_id, removed.started_at)


async def recharge_open_entries_in_tx(
    ctx: Ctx, client_id: int, since: datetime, *, also: WorkEntry | None = None
) -> int:
    """Charge the client's open entries that started at ``since`` or later again, in order.

    Call inside the transaction that changed something. Entries before ``since``
    and entries on an issued statement keep their charges; their use of the
    blocks is the starting balance. ``also`` is charged in its place in the
    order even when it is on an issued statement (an admin's correction).
    Returns how many entries were charged.
    """
    entries = await work_store.open_entries_of_client(ctx.db, client_id, since)
    if also is not None and also.ended_at is not None and all(e.id != also.id for e in entries):
        entries = sorted([*entries, also], key=lambda e: (e.started_at, e.id))
    ids = [e.id for e in entries]
    # Time a dispatcher moved onto a contract signed after it was worked may stay there.
    moved: dict[int, set[int]] = {}
    for charge in await work_store.charges_of_entries(ctx.db, ids):
        if charge.contract_id is not None:
            moved.setdefault(charge.work_entry_id, set()).add(charge.contract_id)
    await work_store.delete_charges_of_entries(ctx.db, ids)
    contracts = await contract_store.contracts_of(ctx.db, client_id)
    used = await contract_store.used_minutes(ctx.db, [c.id for c in contracts])
    terms: dict[int, JobTerms | None] = {}
    queue: list[ToCharge] = []
    for entry in entries:
        if entry.job_id not in terms:
            terms[entry.job_id] = await _terms(ctx, await job_store.get_job(ctx.db, entry.job_id))
        job_terms = terms[entry.job_id]
        if job_terms is None or not entry.billable or entry.ended_at is None:
            continue
        seconds = int((entry.ended_at - entry.started_at).total_seconds())
        queue.append(
            ToCharge(
                entry_id=entry.id,
                minutes=billed_minutes(seconds, ctx.prices.billing.rounding_minutes),
                terms=job_terms,
                day=local(entry.started_at).date(),
                also_usable=frozenset(moved.get(entry.id, ())),
            )
        )
    charged = charge_in_order(
        queue,
        [Balance(c, used.get(c.id, 0)) for c in contracts],
        ctx.prices.billing.hourly_rate_net,
    )
    for entry_id, parts in charged.items():
        for part in parts:
            await work_store.insert_charge(
                ctx.db,
                work_entry_id=entry_id,
                contract_id=part.contract_id,
                basis=part.basis,
                minutes=part.minutes,
                rate=part.hourly_rate,
                reason=part.reason,
            )
    await refresh_statuses_in_tx(ctx, client_id)
    return len(entries)


async def _terms(ctx: Ctx, job: Job | None) -> JobTerms | None:
    if job is None:
        return None
    return JobTerms(
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


async def recharge_job_in_tx(ctx: Ctx, job_id: int) -> int:
    """Charge a job's finished, unbilled entries again after its contract changed.

    Every way of changing a job's contract goes through here, so time never stays
    on the contract the job has left. Entries on an issued statement stay as
    billed. Returns how many entries were re-charged.
    """
    entries = [
        e
        for e in await work_store.entries_of_job(ctx.db, job_id)
        if e.statement_id is None and e.ended_at is not None
    ]
    if entries:
        # Charging the job's earliest open entry charges every later open entry too.
        await charge_entry_in_tx(ctx, entries[0])
    return len(entries)


async def move_uncovered_in_tx(ctx: Ctx, contract_id: int) -> int:
    """:func:`move_uncovered` inside a transaction the caller holds (signing and moving at once).

    Raises:
        NotFound: no such contract.
        DomainError: see :func:`move_uncovered`.
    """
    contract = await contract_store.get_contract(ctx.db, contract_id)
    if contract is None:
        raise NotFound(_("No contract with id {id}.").format(id=contract_id))
    if contract.status is ContractStatus.CLOSED or contract.kind in (
        ProductType.MONTHLY,
        ProductType.INDIVIDUAL,
    ):
        raise DomainError(_("Contract {n} cannot take uncovered time.").format(n=contract.number))
    used = (await contract_store.used_minutes(ctx.db, [contract.id]))[contract.id]
    if effective_status(Balance(contract, used), local_today(ctx.clock)) is ContractStatus.EXPIRED:
        raise DomainError(
            _("Contract {n} has expired: uncovered time cannot move onto it.").format(
                n=contract.number
            )
        )
    room = Balance(contract, used).left_minutes
    basis = ChargeBasis.BLOCK if contract.kind is ProductType.BLOCK else ChargeBasis.HOURLY
    rate = Decimal(0) if basis is ChargeBasis.BLOCK else contract.net
    reason = stored("charge.moved", n=contract.number, who=ctx.actor)
    moved = 0
    for u in await statement_store.uncovered_charges(ctx.db, contract.client_id):
        if u.locked or not in_force_on(contract, local(u.started_at).date()):
            # Only work done while the contract runs may move: a contract from 1.11
            # never covers March, and that month's statement keeps it uncovered.
            continue
        take = u.minutes if room is None else min(room - moved, u.minutes)
        if take <= 0:
            break
        if take == u.minutes:
            await work_store.move_charge(ctx.db, u.charge_id, contract.id, basis, rate, reason)
        else:
            await work_store.shrink_charge(ctx.db, u.charge_id, u.minutes - take)
            await work_store.insert_charge(
                ctx.db,
                work_entry_id=u.entry_id,
                contract_id=contract.id,
                basis=basis,
                minutes=take,
                rate=rate,
                reason=reason,
            )
        moved += take
    if moved == 0:
        raise DomainError(
            _("No uncovered time within the dates of {n} to move onto it.").format(
                n=contract.number
            )
            if room != 0
            else _("Contract {n} has no hours left.").format(n=contract.number)
        )
    await refresh_statuses_in_tx(ctx, contract.client_id)
    await audit.record(
        ctx, "contract", contract.id, "uncovered_moved", minutes=moved,
        client_id=contract.client_id,
    )  # fmt: skip
    return moved


async def refresh_statuses_in_tx(ctx: Ctx, client_id: int | None = None) -> None:
    """Write back "used up" and "expired" where hours or dates say so (inside a transaction)."""
    contracts = (
        await contract_store.contracts_of(ctx.db, client_id)
        if client_id is not None
        else await contract_store.all_contracts(ctx.db)
    )
    used = await contract_store.used_minutes(ctx.db, [c.id for c in contracts])
    today = local_today(ctx.clock)
    for c in contracts:
        status = effective_status(Balance(c, used.get(c.id, 0)), today)
        if status is not c.status:
            await contract_store.set_contract_status(ctx.db, c.id, status)
            await audit.record(ctx, "contract", c.id, "status", status=status.value)

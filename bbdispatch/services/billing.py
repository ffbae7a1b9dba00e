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
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from bbdispatch.clock import local, local_today
from bbdispatch.domain.contracts import Balance, Contract, ContractStatus, effective_status
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.jobs import Category, Job
from bbdispatch.domain.ledger import (
    BilledWork,
    ChargeBasis,
    ChargePart,
    JobTerms,
    ToCharge,
    UncoveredWork,
    billed_minutes,
    charge_billed,
    charge_in_order,
    in_force_on,
)
from bbdispatch.domain.messages import stored
from bbdispatch.domain.work import WorkEntry
from bbdispatch.formats import format_hours
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


async def settle_billed_in_tx(ctx: Ctx, client_id: int, since: datetime | None = None) -> None:
    """Charge the client's billed work again after a change to it, then its open work.

    Billed work (entries on issued statements) is charged from what the issued
    documents billed and the entries as they are now
    (:func:`~bbdispatch.domain.ledger.charge_billed`): the charges, and so the
    correction lines of the next statement, depend only on the documents and the
    final work, never on the order of the corrections, late entries or contract
    closings that led there. Only entries that can differ from their document
    are charged again: those corrected or added late (they have a correction
    record) and those billed with uncovered time. An entry of a statement issued
    before documents were kept starts from its charges now. The client's open entries from
    the earliest of them (or ``since``, an entry's start before a correction moved
    it) are then charged again (:func:`recharge_open_entries_in_tx`).
    """
    issued = await statement_store.issued_of_client(ctx.db, client_id)
    if not issued:
        return
    contracts = await contract_store.contracts_of(ctx.db, client_id)
    by_number = {c.number: c.id for c in contracts}
    documents: dict[int, dict[int, tuple[ChargePart, ...]]] = {}
    for s in issued:
        pieces = await issued_pieces(ctx, s.id, by_number)
        if pieces is not None:
            documents[s.id] = pieces
    touched = set(await statement_store.corrected_entries(ctx.db, client_id))
    touched |= {
        entry_id
        for pieces in documents.values()
        for entry_id, parts in pieces.items()
        if any(p.basis is ChargeBasis.UNCOVERED for p in parts)
    }
    entries = [e for e in [await work_store.get_entry(ctx.db, i) for i in sorted(touched)] if e]
    entries = sorted(
        (e for e in entries if e.statement_id is not None and e.ended_at is not None),
        key=lambda e: (e.started_at, e.id),
    )
    if not entries:
        if since is not None:
            await recharge_open_entries_in_tx(ctx, client_id, since)
        return
    first = entries[0].started_at if since is None else min(since, entries[0].started_at)
    ids = [e.id for e in entries]
    now = await statement_store.charges_of(ctx.db, ids)
    later_open = await work_store.open_entries_of_client(ctx.db, client_id, first)
    used = await contract_store.used_minutes(ctx.db, [c.id for c in contracts])
    for charge in await work_store.charges_of_entries(ctx.db, [*ids, *(e.id for e in later_open)]):
        if charge.contract_id in used:
            used[charge.contract_id] -= charge.minutes
    terms: dict[int, JobTerms | None] = {}
    work: list[BilledWork] = []
    for e in entries:
        if e.job_id not in terms:
            terms[e.job_id] = await _terms(ctx, await job_store.get_job(ctx.db, e.job_id))
        job_terms = terms[e.job_id]
        assert e.ended_at is not None
        assert e.statement_id is not None
        if job_terms is None:
            continue
        seconds = int((e.ended_at - e.started_at).total_seconds())
        minutes = billed_minutes(seconds, ctx.prices.billing.rounding_minutes) if e.billable else 0
        # Pieces keep the reason stored with them (the document has it in words).
        reasons = {(c.contract_id, c.basis, c.rate): c.reason for c in now.get(e.id, [])}
        if e.statement_id in documents:
            issued_parts = documents[e.statement_id].get(e.id)
        else:
            # Issued before documents were kept: its charges now stand for the document
            # (none yet: work added late).
            issued_parts = (
                tuple(
                    ChargePart(c.contract_id, c.basis, c.minutes, c.rate, c.reason)
                    for c in now.get(e.id, [])
                )
                or None
            )
        if issued_parts is not None:
            issued_parts = tuple(
                replace(p, reason=reasons.get((p.contract_id, p.basis, p.hourly_rate), p.reason))
                for p in issued_parts
            )
        day = local(e.started_at).date()
        work.append(BilledWork(e.id, minutes, job_terms, day, issued_parts))
    charged = charge_billed(
        work,
        [Balance(c, used.get(c.id, 0)) for c in contracts],
        ctx.prices.billing.hourly_rate_net,
    )
    for entry_id, parts in charged.items():
        before = [(c.contract_id, c.basis, c.minutes, c.rate) for c in now.get(entry_id, [])]
        after = [(p.contract_id, p.basis, p.minutes, p.hourly_rate) for p in parts]
        if before == after:
            continue
        await work_store.delete_charges_of_entries(ctx.db, [entry_id])
        await _insert_charges(ctx, entry_id, parts)
    await recharge_open_entries_in_tx(ctx, client_id, first)


async def issued_pieces(
    ctx: Ctx, statement_id: int, by_number: dict[str, int]
) -> dict[int, tuple[ChargePart, ...]] | None:
    """Each entry's charges as the issued statement's kept JSON document billed them, by entry.

    ``by_number`` maps contract numbers to ids. None when the statement has no
    kept document (issued before documents were kept) or it cannot be read.
    """
    kept = await statement_store.document_of(ctx.db, statement_id, "json")
    if kept is None:
        return None
    try:
        return {
            int(line["entry_id"]): tuple(
                ChargePart(
                    contract_id=by_number.get(c["contract"]) if c["contract"] else None,
                    basis=ChargeBasis(c["basis"]),
                    minutes=int(c["minutes"]),
                    hourly_rate=Decimal(c["hourly_rate"]),
                    reason=str(c["reason"]),
                )
                for c in line["charges"]
            )
            for line in json.loads(kept)["lines"]
        }
    except (ValueError, KeyError, TypeError, ArithmeticError):
        return None


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
        await _insert_charges(ctx, entry_id, parts)
    await refresh_statuses_in_tx(ctx, client_id)
    return len(entries)


async def _insert_charges(ctx: Ctx, entry_id: int, parts: Iterable[ChargePart]) -> None:
    """Write the charges ``parts`` of work entry ``entry_id`` (inside the caller's transaction)."""
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
    """:func:`move_uncovered` inside a transaction the caller holds.

    Raises:
        NotFound: no such contract.
        DomainError: see :func:`move_uncovered`, and nothing within the
            contract's dates or hours to move.
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
    moved = await take_uncovered_in_tx(ctx, contract)
    if moved == 0 and Balance(contract, used).left_minutes != 0:
        issued = sum(
            u.minutes
            for u in await statement_store.uncovered_charges(ctx.db, contract.client_id)
            if u.locked and in_force_on(contract, local(u.started_at).date())
        )
        if issued:
            # Issued statements never change: say so, not "no uncovered time".
            raise DomainError(
                _(
                    "The uncovered time within the dates of {n} ({h}) is on an issued"
                    " statement and stays billed as issued: only time not yet issued"
                    " moves. Agree any credit for it with the client."
                ).format(n=contract.number, h=format_hours(issued))
            )
    if moved == 0:
        raise DomainError(
            _("No uncovered time within the dates of {n} to move onto it.").format(
                n=contract.number
            )
            if Balance(contract, used).left_minutes != 0
            else _("Contract {n} has no hours left.").format(n=contract.number)
        )
    return moved


async def take_uncovered_in_tx(ctx: Ctx, contract: Contract) -> int:
    """Move what the contract can take of the client's unbilled uncovered time; the minutes moved.

    Only work done within the contract's dates moves, oldest first, a block no
    further than its hours left (:func:`bbdispatch.domain.ledger.movable_minutes`
    says the same before signing). A closed, expired, monthly-fee or
    individually priced contract takes nothing; nothing to take is 0, no error
    (signing with "move uncovered time" moves what fits and says what stayed).
    Entries on an issued statement stay as billed.
    """
    if contract.status is ContractStatus.CLOSED or contract.kind in (
        ProductType.MONTHLY,
        ProductType.INDIVIDUAL,
    ):
        return 0
    used = (await contract_store.used_minutes(ctx.db, [contract.id]))[contract.id]
    if effective_status(Balance(contract, used), local_today(ctx.clock)) is ContractStatus.EXPIRED:
        return 0
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
    if moved:
        await refresh_statuses_in_tx(ctx, contract.client_id)
        await audit.record(
            ctx, "contract", contract.id, "uncovered_moved", minutes=moved,
            client_id=contract.client_id,
        )  # fmt: skip
    return moved


async def uncovered_work_of(ctx: Ctx, client_id: int) -> list[UncoveredWork]:
    """The client's unbilled uncovered work by local day, oldest first (no rights checked)."""
    return [
        UncoveredWork(local(u.started_at).date(), u.minutes)
        for u in await statement_store.uncovered_charges(ctx.db, client_id)
        if not u.locked
    ]


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

"""The right contract: how an entry's billed minutes land on contracts (DESIGN.md).

Pure functions, so the rules can be property-tested without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bbdispatch.domain.contracts import Balance, Contract, ContractStatus
from bbdispatch.domain.messages import stored
from bbdispatch.formats import format_hours
from bbdispatch.i18n import _
from bbdispatch.pricelist import ProductType


class ChargeBasis(StrEnum):
    """Why minutes cost what they cost."""

    BLOCK = "block"
    """Taken from a prepaid block of hours."""
    HOURLY = "hourly"
    """Hourly network service at the contract's rate."""
    MONTHLY = "monthly"
    """Covered by an IT administration contract's monthly fee."""
    UNCOVERED = "uncovered"
    """No contract covers it: billed at the price list's hourly rate and flagged."""
    AGREED = "agreed"
    """A private person's job at the rate agreed on the job."""


@dataclass(frozen=True)
class ChargePart:
    """A piece of an entry's billed time and where it lands."""

    contract_id: int | None
    basis: ChargeBasis
    minutes: int
    hourly_rate: Decimal
    """Net per hour for this piece; zero where a block or monthly fee covers it."""
    reason: str


@dataclass(frozen=True)
class JobTerms:
    """What about a job decides where its time lands."""

    is_network: bool
    recurring_contract_id: int | None
    """The IT administration contract of the recurring task the job was made from."""
    override_contract_id: int | None
    """The contract the dispatcher chose for the job, if any."""
    agreed_rate: Decimal | None
    """A private person's agreed hourly rate, if any."""
    agreed_price: Decimal | None = None
    """A fixed price agreed for the whole job: its time is billed through the price."""


MIN_BILLED_SECONDS = 60
"""Less is a timer started by mistake: never billed (and refused when saved)."""


def billed_minutes(actual_seconds: int, increment: int) -> int:
    """Round worked time up to the billing increment (any started unit counts).

    Under a minute bills nothing: services refuse such an entry with a message,
    and one saved before that rule is shown with 0 h billed, not a quarter-hour.
    """
    if actual_seconds < MIN_BILLED_SECONDS:
        return 0
    unit = increment * 60
    return -(-actual_seconds // unit) * increment


def in_force_on(contract: Contract, day: date) -> bool:
    """Whether a day lies within a contract's dates (from its start to its end, if any)."""
    return contract.starts_on <= day and (contract.ends_on is None or day <= contract.ends_on)


@dataclass(frozen=True)
class UncoveredWork:
    """Unbilled work of a client that no contract covers (what a new contract could take)."""

    day: date
    """The local day the work was done (a contract takes only work within its dates)."""
    minutes: int
    """Its billed minutes."""


def movable_minutes(
    work: Sequence[UncoveredWork],
    starts_on: date,
    ends_on: date | None,
    room: int | None,
    today: date,
) -> int:
    """The uncovered minutes a contract with these dates and room could take.

    The rule :func:`bbdispatch.services.billing.move_uncovered_in_tx` applies,
    for a form to say before signing whether there is anything to move: only
    work done within the contract's dates (from its start to its end, if any),
    never onto a contract that has already expired (its end before ``today``),
    and a block no more than ``room`` minutes (``None``: no limit, an hourly
    contract).
    """
    if ends_on is not None and ends_on < today:
        return 0
    within = sum(
        w.minutes for w in work if starts_on <= w.day and (ends_on is None or w.day <= ends_on)
    )
    return within if room is None else max(0, min(within, room))


def moved_text(moved: int, left: int, *, expired: bool = False) -> str:
    """What signing with "move uncovered time" did, in one line for the form and the CLI.

    ``moved`` and ``left`` are minutes: moved onto the new contract, and still
    uncovered after it (work outside its dates, or beyond its hours).
    ``expired``: the contract ended before today, so nothing moved onto it
    whatever its dates cover (said so, not "none within its dates").
    """
    if expired and not moved:
        return (
            _(
                "Nothing moved: the contract has already expired, and uncovered time never"
                " moves onto an expired contract; {left} stays uncovered."
            ).format(left=format_hours(left))
            if left
            else _("Nothing moved: the contract has already expired.")
        )
    if moved and left:
        return _("Moved {moved} of uncovered time onto it; {left} stays uncovered.").format(
            moved=format_hours(moved), left=format_hours(left)
        )
    if moved:
        return _("Moved {moved} of uncovered time onto it.").format(moved=format_hours(moved))
    if left:
        return _("No uncovered time within its dates or hours: {left} stays uncovered.").format(
            left=format_hours(left)
        )
    return _("No uncovered time to move.")


def usable_on(contract: Contract, day: date) -> bool:
    """Whether a contract can take time worked on a given day.

    Only a closed contract refuses time outright; "used up" and "expired" follow
    from the hours left and the dates, so re-charging an old entry still finds the
    block it was worked under.
    """
    if contract.status is ContractStatus.CLOSED:
        return False
    return in_force_on(contract, day)


def allocate(
    minutes: int,
    terms: JobTerms,
    balances: Sequence[Balance],
    day: date,
    uncovered_rate: Decimal,
    also_usable: frozenset[int] = frozenset(),
) -> list[ChargePart]:
    """Split billed minutes across contracts by the firm's rules.

    ``also_usable`` names contracts that may take the time although their dates
    say otherwise: a dispatcher moved this entry's uncovered time onto a contract
    signed later, and charging it again must not undo that.

    1. a recurring-task job → its IT administration contract;
    2. the dispatcher's override, if it can take the time;
    3. network work → the client's hourly network service;
    4. an agreed fixed price (the time is recorded at no rate; the statement
       bills the price once) or an agreed hourly rate;
    5. prepaid blocks with hours left, oldest first, splitting across blocks;
    6. whatever is left is uncovered, at the price list's hourly rate.
    """
    if minutes <= 0:
        return []
    # Oldest first, whatever order the caller passed: the same input always splits alike.
    usable = sorted(
        (
            b
            for b in balances
            if usable_on(b.contract, day)
            or (b.contract.id in also_usable and b.contract.status is not ContractStatus.CLOSED)
        ),
        key=lambda b: (b.contract.starts_on, b.contract.id),
    )
    by_id = {b.contract.id: b for b in usable}

    if terms.recurring_contract_id in by_id:
        c = by_id[terms.recurring_contract_id].contract
        return [_whole(c, minutes, stored("charge.recurring", n=c.number))]

    override = by_id.get(terms.override_contract_id) if terms.override_contract_id else None
    if override and override.contract.kind is not ProductType.BLOCK:
        reason = stored("charge.chosen", n=override.contract.number)
        return [_whole(override.contract, minutes, reason)]

    if terms.is_network and override is None:
        for b in usable:
            if b.contract.kind is ProductType.HOURLY:
                reason = stored("charge.network", n=b.contract.number)
                return [_whole(b.contract, minutes, reason)]

    if terms.agreed_price is not None:  # the dispatcher's price beats any contract
        return [
            ChargePart(None, ChargeBasis.AGREED, minutes, Decimal(0), stored("charge.agreed_price"))
        ]

    if terms.agreed_rate is not None:  # an agreed rate applies instead of the job's block
        return [
            ChargePart(
                None, ChargeBasis.AGREED, minutes, terms.agreed_rate, stored("charge.agreed_rate")
            )
        ]

    blocks = [b for b in usable if b.contract.kind is ProductType.BLOCK]
    if override is not None:
        blocks.remove(override)
        blocks.insert(0, override)
    parts: list[ChargePart] = []
    remaining = minutes
    for b in blocks:
        left = b.left_minutes or 0
        if remaining == 0 or left == 0:
            continue
        take = min(left, remaining)
        if b is override:
            reason = stored("charge.chosen", n=b.contract.number)
        elif parts:
            reason = stored("charge.continued", n=b.contract.number)
        else:
            reason = stored("charge.block", n=b.contract.number)
        parts.append(ChargePart(b.contract.id, ChargeBasis.BLOCK, take, Decimal(0), reason))
        remaining -= take
    if remaining:
        reason = stored("charge.uncovered")
        parts.append(ChargePart(None, ChargeBasis.UNCOVERED, remaining, uncovered_rate, reason))
    return parts


@dataclass(frozen=True)
class ToCharge:
    """One entry waiting to be charged: its billed minutes, its job's terms, its local day."""

    entry_id: int
    minutes: int
    terms: JobTerms
    day: date
    also_usable: frozenset[int] = frozenset()
    """Contracts this entry's time was moved onto by hand (see :func:`allocate`)."""


def charge_in_order(
    entries: Sequence[ToCharge], balances: Sequence[Balance], uncovered_rate: Decimal
) -> dict[int, list[ChargePart]]:
    """Charge entries one after another, each seeing the hours the ones before it took.

    ``entries`` must be in the order work was done (oldest first): prepaid hours go
    to the oldest work. ``balances`` are the blocks' use before the first entry.
    Returns each entry's parts, by entry id.
    """
    current = {b.contract.id: b for b in balances}
    found: dict[int, list[ChargePart]] = {}
    for entry in entries:
        parts = allocate(
            entry.minutes, entry.terms, list(current.values()), entry.day, uncovered_rate,
            entry.also_usable,
        )  # fmt: skip
        for part in parts:
            if part.basis is ChargeBasis.BLOCK and part.contract_id is not None:
                b = current[part.contract_id]
                current[part.contract_id] = replace(b, used_minutes=b.used_minutes + part.minutes)
        found[entry.entry_id] = parts
    return found


def _whole(contract: Contract, minutes: int, reason: str) -> ChargePart:
    if contract.kind is ProductType.HOURLY:
        return ChargePart(contract.id, ChargeBasis.HOURLY, minutes, contract.net, reason)
    if contract.kind is ProductType.MONTHLY:
        return ChargePart(contract.id, ChargeBasis.MONTHLY, minutes, Decimal(0), reason)
    # An individually priced contract bills its agreed rate per hour; the charge
    # table keeps "agreed" for job-level rates without a contract.
    return ChargePart(contract.id, ChargeBasis.HOURLY, minutes, contract.net, reason)


@dataclass(frozen=True)
class BilledWork:
    """An entry on an issued statement, charged again from what its document billed.

    ``issued`` are the pieces the issued document billed for it (None: work added
    late, on no document). ``minutes`` are its billed minutes now.
    """

    entry_id: int
    minutes: int
    terms: JobTerms
    day: date
    issued: tuple[ChargePart, ...] | None


def charge_billed(
    work: Sequence[BilledWork], balances: Sequence[Balance], uncovered_rate: Decimal
) -> dict[int, list[ChargePart]]:
    """Charges of billed work after corrections: from the issued documents and the final times.

    The result depends only on what the documents billed and on the work as it is
    now, never on the order of the corrections, late entries or closings that led
    there, so the correction lines of a later statement do not either.

    ``work`` is oldest first; ``balances`` are the blocks' use by everything else
    (billed work not in ``work``, open work before it).

    1. Every entry keeps the pieces its document billed, cut from the end down to
       its minutes now: an entry that grows back takes back its own block hours
       first, whoever had them meanwhile.
    2. Hours of a block no longer used by the entries that were billed on it
       (freed) cover billed uncovered time, oldest work first, within the block's
       dates, at most the freed minutes (a block signed after issue never moves
       billed time; a closed block takes none).
    3. Minutes beyond the issued pieces, and work added late, are charged by the
       rules (:func:`allocate`) as new time of the entry's day, oldest first.
    """
    current = {b.contract.id: b for b in balances}

    def use(contract_id: int | None, minutes: int) -> None:
        if contract_id in current:
            b = current[contract_id]
            current[contract_id] = replace(b, used_minutes=b.used_minutes + minutes)

    kept: dict[int, list[ChargePart]] = {}
    freed: dict[int, int] = {}
    for w in work:
        if w.issued is None:
            continue
        pieces: list[ChargePart] = []
        left = w.minutes
        for p in w.issued:
            if p.basis is ChargeBasis.BLOCK and p.contract_id is not None:
                freed[p.contract_id] = freed.get(p.contract_id, 0) + p.minutes
            take = min(left, p.minutes)
            if p.basis is ChargeBasis.BLOCK and p.contract_id in current:
                take = min(take, current[p.contract_id].left_minutes or 0)
            if take <= 0:
                continue
            pieces.append(replace(p, minutes=take))
            if p.basis is ChargeBasis.BLOCK and p.contract_id is not None:
                freed[p.contract_id] -= take
                use(p.contract_id, take)
            left -= take
        kept[w.entry_id] = pieces
    blocks = sorted(
        (b.contract for b in balances if b.contract.kind is ProductType.BLOCK),
        key=lambda c: (c.starts_on, c.id),
    )
    out: dict[int, list[ChargePart]] = {}
    for w in work:
        parts: list[ChargePart] = []
        for p in kept.get(w.entry_id, []):
            if p.basis is not ChargeBasis.UNCOVERED:
                parts.append(p)
                continue
            left = p.minutes
            for c in blocks:
                room = min(current[c.id].left_minutes or 0, freed.get(c.id, 0))
                if left <= 0 or room <= 0 or not usable_on(c, w.day):
                    continue
                take = min(room, left)
                parts.append(
                    ChargePart(
                        c.id,
                        ChargeBasis.BLOCK,
                        take,
                        Decimal(0),
                        stored("charge.block", n=c.number),
                    )
                )
                use(c.id, take)
                freed[c.id] -= take
                left -= take
            if left > 0:
                parts.append(replace(p, minutes=left))
        also = frozenset(p.contract_id for p in w.issued or () if p.contract_id is not None)
        extra = allocate(
            w.minutes - sum(p.minutes for p in parts), w.terms, list(current.values()), w.day,
            uncovered_rate, also,
        )  # fmt: skip
        for p in extra:
            if p.basis is ChargeBasis.BLOCK:
                use(p.contract_id, p.minutes)
        out[w.entry_id] = _merged([*parts, *extra])
    return out


def _merged(parts: list[ChargePart]) -> list[ChargePart]:
    """Pieces on the same contract, basis and rate as one piece (the first one's reason)."""
    found: dict[tuple[int | None, ChargeBasis, Decimal], ChargePart] = {}
    for p in parts:
        key = (p.contract_id, p.basis, p.hourly_rate)
        same = found.get(key)
        found[key] = p if same is None else replace(same, minutes=same.minutes + p.minutes)
    return list(found.values())

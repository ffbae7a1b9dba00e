"""Work statements: what the client is billed for a period, as plain data.

Renderers (``bbdispatch.reports``) and the statement screen only format a
:class:`Statement`; every sum is computed here, once, in Decimal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from operator import attrgetter
from typing import TypeVar

from bbdispatch.domain.contracts import Contract
from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.money import GROSZ, round_grosz, vat_of
from bbdispatch.pricelist import ProductType, Seller

RateKey = tuple[ChargeBasis, int | None, Decimal, bool]
"""(basis, contract id, net hourly rate, fixed-price job): the money of one rate is rounded once.

Time of a job agreed at a fixed price is keyed apart from time at an agreed
rate of 0,00 zł/h: the price is its own amount, never a rate's share.
"""


@dataclass(frozen=True)
class RateTotal:
    """All the statement's time at one rate: hours times rate, rounded once."""

    basis: ChargeBasis
    contract_number: str | None
    rate: Decimal
    minutes: int
    net: Decimal
    """``round_grosz(rate × minutes / 60)``: the lines of this rate add up to it exactly."""


@dataclass(frozen=True)
class PriceTotal:
    """A job agreed at a fixed price on a statement: its time and the price billed here.

    ``net`` is the price when the statement holds the job's first billable entry
    (the one that carries it), else zero: the price is billed once.
    """

    job_number: str
    minutes: int
    net: Decimal


@dataclass(frozen=True)
class ChargeRow:
    """One piece of an entry's billed time, with the contract it landed on."""

    contract_id: int | None
    contract_number: str | None
    basis: ChargeBasis
    minutes: int
    rate: Decimal
    """Net per hour; zero where a block or a monthly fee covers the time."""
    reason: str
    fixed: Decimal | None = None
    """An agreed fixed price billed with this piece (the job's first entry), else None."""
    amount: Decimal | None = None
    """This piece's share of its rate's total on a statement (set by :func:`price_lines`)."""
    priced: bool = False
    """The piece is time of a job agreed at a fixed price (billed through the price, not a rate).

    Tells a fixed-price job's later entries (no rate, no price) from time at an
    agreed rate of 0,00 zł/h.
    """

    @property
    def fixed_price_job(self) -> bool:
        """Whether this piece is time of a fixed-price job (the one carrying the price or not)."""
        return self.fixed is not None or self.priced

    @property
    def exact(self) -> Decimal:
        """What the piece is worth before its rate's total is rounded.

        Hours times rate, unrounded; an agreed fixed price is its own amount.
        """
        if self.fixed is not None:
            return round_grosz(self.fixed)
        return self.rate * self.minutes / 60

    @property
    def key(self) -> RateKey:
        """The rate this piece is billed at: pieces of one key are summed, then rounded once."""
        return (self.basis, self.contract_id, self.rate, self.fixed_price_job)

    @property
    def net(self) -> Decimal:
        """What this piece adds to the bill.

        On a statement, its share of its rate's total (:func:`price_lines`); alone
        (a correction), hours times rate half-up to the grosz, or the fixed price.
        """
        return self.amount if self.amount is not None else round_grosz(self.exact)


@dataclass(frozen=True)
class StatementLine:
    """One work entry on the statement."""

    entry_id: int
    day: date
    """The local day the work started."""
    job_number: str
    technician: str
    mode: JobMode
    description: str
    actual_minutes: int
    billed_minutes: int
    charges: tuple[ChargeRow, ...]
    started_at: datetime | None = None
    ended_at: datetime | None = None
    statement_id: int | None = None
    """The issued statement that locked this entry, if any."""

    @property
    def actual_seconds(self) -> int:
        """Time actually worked, to the second (whole minutes when the times are unknown).

        Shown beside the billed hours because seconds decide them: 0:15:30 is
        billed as 0,5 h at a 15-minute increment, 0:15:00 as 0,25 h.
        """
        if self.started_at is None or self.ended_at is None:
            return self.actual_minutes * 60
        return int((self.ended_at - self.started_at).total_seconds())

    @property
    def net(self) -> Decimal:
        """Net amount billed for this entry on top of prepaid blocks and fees."""
        return sum((c.net for c in self.charges), Decimal("0.00"))

    @property
    def uncovered(self) -> bool:
        """Some of the time had no contract: flagged for the dispatcher."""
        return any(c.basis is ChargeBasis.UNCOVERED for c in self.charges)


@dataclass(frozen=True)
class ContractSubtotal:
    """Time charged to one contract in the period, and what is left of a block."""

    contract: Contract
    minutes: int
    net: Decimal
    """Hourly contracts: hours times the snapshotted rate; zero for blocks and fees."""
    left_before: int | None
    """Minutes left in a block when the period started; None for non-blocks."""
    left_after: int | None
    """Minutes left in a block when the period ended."""


@dataclass(frozen=True)
class MonthlyFee:
    """An IT administration contract's fee for the months of the period it ran."""

    contract: Contract
    months: int

    @property
    def net(self) -> Decimal:
        """The fee times the months."""
        return round_grosz(self.contract.net * self.months)


@dataclass(frozen=True)
class CorrectionLine:
    """A signed change to a period already on an issued statement, billed on a later one.

    Positive amounts are a charge, negative ones a credit. ``refers_to`` names the
    issued statement whose period changed.
    """

    made_on: date
    entry_id: int
    """The corrected entry, or 0 when the line settles a whole issued period."""
    job_number: str
    reason: str
    minutes_delta: int
    net_delta: Decimal
    refers_to: str = ""
    """The number of the issued statement this corrects (``WP/2026/11/005``)."""
    fee_contract: str = ""
    """For a monthly fee changed since issue: the contract's number (``BB/2026/006``)."""
    fee_months: tuple[date, ...] = ()
    """For a monthly fee changed since issue: its months (their first days)."""


@dataclass(frozen=True)
class Statement:
    """A client's work statement for a period, with every total in Decimal."""

    client_id: int
    client_name: str
    client_address: str
    client_nip: str | None
    period_from: date
    period_to: date
    vat_rate: Decimal
    lines: tuple[StatementLine, ...]
    contracts: tuple[ContractSubtotal, ...]
    fees: tuple[MonthlyFee, ...]
    corrections: tuple[CorrectionLine, ...] = ()
    statement_id: int | None = None
    """Set once the statement is issued (the period is then closed)."""
    issued_at: datetime | None = None
    rounding_minutes: int = 15
    """Each entry was billed rounded up to this many minutes (the price list's rule)."""
    number: str | None = None
    """The firm's number of the issued statement (``WP/2026/11/005``); None on a draft."""
    seller: Seller | None = None
    """Who bills: the firm's name, address and NIP from the price list."""

    def __post_init__(self) -> None:
        # Every statement's lines carry their share of each rate's once-rounded total,
        # however it was built: the lines always add up to the total. Lines that
        # price_lines returned as one set are priced already (pricing is idempotent).
        if not isinstance(self.lines, PricedLines):
            object.__setattr__(self, "lines", price_lines(self.lines))

    @property
    def rates(self) -> tuple[RateTotal, ...]:
        """Money per rate: hours × rate, rounded once (the lines of a rate sum to it)."""
        return rate_totals(self.lines)

    @property
    def prices(self) -> tuple[PriceTotal, ...]:
        """Jobs agreed at a fixed price, in first-appearance order, with the price billed here."""
        found: dict[str, tuple[int, Decimal]] = {}
        for ln in self.lines:
            for c in ln.charges:
                if c.fixed_price_job:
                    minutes, net = found.get(ln.job_number, (0, Decimal("0.00")))
                    found[ln.job_number] = (minutes + c.minutes, net + c.net)
        return tuple(PriceTotal(job, m, n) for job, (m, n) in found.items())

    @property
    def settlement_net(self) -> Decimal:
        """The sum of the per-contract settlement table: contracts, rates and fixed prices.

        With the fees and corrections it is the statement's net total, to the grosz
        (every table that shows money adds up to the total).
        """
        total = sum((t.net for t in self.contracts), Decimal("0.00"))
        total += sum((r.net for r in self.rates if r.contract_number is None), Decimal("0.00"))
        total += sum((p.net for p in self.prices), Decimal("0.00"))
        return total

    def minutes_of(self, basis: ChargeBasis) -> int:
        """Billed minutes of one kind across all lines."""
        return sum(c.minutes for ln in self.lines for c in ln.charges if c.basis is basis)

    def net_of(self, basis: ChargeBasis) -> Decimal:
        """Net amount of one kind across all lines."""
        return sum(
            (c.net for ln in self.lines for c in ln.charges if c.basis is basis), Decimal("0.00")
        )

    @property
    def actual_minutes(self) -> int:
        """Time actually worked in the period."""
        return sum(ln.actual_minutes for ln in self.lines)

    @property
    def actual_seconds(self) -> int:
        """Time actually worked in the period, to the second."""
        return sum(ln.actual_seconds for ln in self.lines)

    @property
    def billed_minutes(self) -> int:
        """Time billed in the period, after rounding."""
        return sum(ln.billed_minutes for ln in self.lines)

    @property
    def net(self) -> Decimal:
        """Net total: the lines, the monthly fees and the corrections."""
        total = sum((ln.net for ln in self.lines), Decimal("0.00"))
        total += sum((f.net for f in self.fees), Decimal("0.00"))
        total += sum((c.net_delta for c in self.corrections), Decimal("0.00"))
        return round_grosz(total)

    @property
    def work_net(self) -> Decimal:
        """What the period itself is worth: its lines and fees, without corrections."""
        total = sum((ln.net for ln in self.lines), Decimal("0.00"))
        total += sum((f.net for f in self.fees), Decimal("0.00"))
        return round_grosz(total)

    @property
    def vat(self) -> Decimal:
        """VAT on the net total, half-up to the grosz."""
        return vat_of(self.net, self.vat_rate)

    @property
    def gross(self) -> Decimal:
        """Net plus VAT, exactly."""
        return self.net + self.vat

    @property
    def is_empty(self) -> bool:
        """Nothing worked, no fee, no correction: nothing to bill."""
        return not self.lines and not self.fees and not self.corrections


def _rate_minutes(lines: Sequence[StatementLine]) -> dict[RateKey, tuple[int, str | None]]:
    return _rate_minutes_of([ln.charges for ln in lines])


def _rate_minutes_of(
    charge_lists: Sequence[Sequence[ChargeRow]],
) -> dict[RateKey, tuple[int, str | None]]:
    found: dict[RateKey, tuple[int, str | None]] = {}
    for charges in charge_lists:
        for c in charges:
            # Every piece at a rate, an agreed rate of 0,00 zł/h included; a
            # fixed-price job's time is the price's (see :attr:`Statement.prices`).
            if c.rate or (c.basis is ChargeBasis.AGREED and not c.fixed_price_job):
                minutes, number = found.get(c.key, (0, c.contract_number))
                found[c.key] = (minutes + c.minutes, number)
    return found


def rate_totals(lines: Sequence[StatementLine]) -> tuple[RateTotal, ...]:
    """The statement's money per rate, each rounded once, in first-appearance order.

    400 entries of 15 min at 85,50 zł/h are 100 h × 85,50 = 8 550,00 zł, not
    400 × 21,38 = 8 552,00 zł. Pieces at no rate (blocks, monthly fees) and the time
    of fixed-price jobs are left out.
    """
    return tuple(
        RateTotal(key[0], number, key[2], minutes, round_grosz(key[2] * minutes / 60))
        for key, (minutes, number) in _rate_minutes(lines).items()
    )


class PricedLines(tuple[StatementLine, ...]):
    """Lines that :func:`price_lines` priced together, as one set.

    A :class:`Statement` given exactly such a set does not price it again (the
    service prices its lines once to sum contracts, then builds the statement).
    Slicing or joining gives a plain tuple, which a statement prices afresh.
    """

    __slots__ = ()


def price_lines(lines: Sequence[StatementLine]) -> PricedLines:
    """Give every charged piece its share of its rate's total, so lines add up exactly.

    The amounts are :func:`charge_amounts`'s; a line whose pieces already carry
    them is kept as it is, any other is copied with them.
    """
    amounts = charge_amounts([ln.charges for ln in lines])
    priced = []
    for ln, row in zip(lines, amounts, strict=True):
        charges = priced_charges(ln.charges, row)
        unchanged = all(new is old for new, old in zip(charges, ln.charges, strict=True))
        priced.append(ln if unchanged else _evolve(ln, charges=charges))
    return PricedLines(priced)


def priced_charges(
    charges: Sequence[ChargeRow], amounts: Sequence[Decimal]
) -> tuple[ChargeRow, ...]:
    """The pieces with their amounts (from :func:`charge_amounts`), in order.

    A piece already at exactly its amount is kept, not copied.
    """
    return tuple(
        c if _same(c.amount, amount) else _evolve(c, amount=amount)
        for c, amount in zip(charges, amounts, strict=True)
    )


def price_fresh_lines(lines: Sequence[StatementLine]) -> PricedLines:
    """Price freshly built lines in place: every piece gets its share of its rate's total.

    For lines no one else holds yet (just built by storage, or just copied by
    the caller): the amounts (:func:`flat_amounts`) are set on the frozen
    pieces themselves instead of copying every piece and line, ten thousand of
    each on a year's statement of the busiest client. Lines seen elsewhere go
    through :func:`price_lines`, which copies. Returns the same lines as one
    priced set.
    """
    pieces = [c for ln in lines for c in ln.charges]
    for c, amount in zip(pieces, flat_amounts(pieces), strict=True):
        c.__dict__["amount"] = amount
    return PricedLines(lines)


def charge_amounts(charge_lists: Sequence[Sequence[ChargeRow]]) -> list[list[Decimal]]:
    """Every piece's share of its rate's total (:func:`flat_amounts`), line by line.

    ``charge_lists``: each statement line's pieces, in statement order.
    """
    flat = flat_amounts([c for charges in charge_lists for c in charges])
    out: list[list[Decimal]] = []
    at = 0
    for charges in charge_lists:
        out.append(flat[at : at + len(charges)])
        at += len(charges)
    return out


_Worth = tuple[ChargeBasis, int | None, Decimal, Decimal | None, bool, int]
"""(basis, contract id, rate, fixed price, priced, minutes): what decides a piece's worth."""
_worth: Callable[[ChargeRow], _Worth] = attrgetter(
    "basis", "contract_id", "rate", "fixed", "priced", "minutes"
)


def flat_amounts(pieces: Sequence[ChargeRow]) -> list[Decimal]:
    """Every piece's share of its rate's total, so lines add up exactly; in ``pieces``' order.

    ``pieces``: all the statement's charge pieces, line after line, in statement
    order. Each rate's total is rounded once (:func:`rate_totals`). Its grosze
    go to the pieces by the largest-remainder rule: each piece gets its exact
    amount rounded down, and the grosze left over go one each to the pieces
    that lost the most, earliest first on a tie. Every piece is then within one
    grosz of its exact amount, and the pieces of a rate sum to the rate's total.

    Thousands of pieces are worth exactly the same (a block's quarter hour, an
    hour at 100,00 zł): the pieces are grouped by what decides their worth
    (:data:`_Worth`) and each group is worked out once; only a rate whose
    total leaves grosze over ranks its pieces one by one to hand them out.
    """
    groups: dict[_Worth, list[int]] = {}
    for i, worth in enumerate(map(_worth, pieces)):
        same = groups.get(worth)
        if same is None:
            groups[worth] = [i]
        else:
            same.append(i)
    amounts: list[Decimal] = [GROSZ] * len(pieces)
    minutes: dict[RateKey, int] = {}
    floors: dict[RateKey, Decimal] = {}
    losses: dict[RateKey, list[tuple[Decimal, list[int]]]] = {}
    # Equal (price, rate, minutes) are worth the same on any basis: each is worked out once.
    worked: dict[tuple[Decimal | None, Decimal, int], tuple[Decimal, Decimal]] = {}
    for (basis, contract_id, rate, fixed, priced, each), at in groups.items():
        known = worked.get((fixed, rate, each))
        if known is None:
            exact = round_grosz(fixed) if fixed is not None else rate * each / 60
            floor = exact.quantize(GROSZ, rounding=ROUND_FLOOR)
            known = worked[(fixed, rate, each)] = (exact, floor)
        exact, floor = known
        for i in at:
            amounts[i] = floor
        fixed_job = fixed is not None or priced
        key = (basis, contract_id, rate, fixed_job)
        # Every piece at a rate, an agreed rate of 0,00 zł/h included; a
        # fixed-price job's time is the price's (see :attr:`Statement.prices`).
        if rate or (basis is ChargeBasis.AGREED and not fixed_job):
            minutes[key] = minutes.get(key, 0) + each * len(at)
        floors[key] = floors.get(key, Decimal(0)) + floor * len(at)
        losses.setdefault(key, []).append((exact - floor, at))
    for key, floor_sum in floors.items():
        total = round_grosz(key[2] * minutes[key] / 60) if key in minutes else floor_sum
        spare = int((total - floor_sum) / GROSZ)
        if not spare:
            continue
        # Largest losses first; equal losses keep statement order, earliest first.
        # The first ``spare`` pieces win a grosz each (a negative ``spare``, which
        # exact arithmetic never gives, gives it to all but the last ``-spare``).
        ranked = sorted((-loss, i) for loss, at in losses[key] for i in at)
        for _loss, i in ranked[:spare]:
            amounts[i] += GROSZ
    return amounts


def _same(amount: Decimal | None, priced: Decimal) -> bool:
    """Already priced at exactly this amount (same value and same digits)?

    A statement prices its lines when built; pricing them again (the
    :class:`Statement` does, whoever built the lines) then copies nothing.
    """
    return amount is not None and amount == priced and amount.as_tuple() == priced.as_tuple()


_Frozen = TypeVar("_Frozen", ChargeRow, StatementLine)


def _evolve(obj: _Frozen, **changes: object) -> _Frozen:
    """``dataclasses.replace`` for the statement's plain frozen rows, a few times faster.

    A statement of ten thousand entries copies some eighty thousand rows; ``replace``
    reads every field through ``getattr`` and re-runs ``__init__``. These classes
    have no ``__post_init__``, no slots and no validation, so copying the instance
    dictionary gives the same object (``tests/unit/test_statement_pricing.py``).
    """
    new = object.__new__(type(obj))
    state = new.__dict__
    state.update(obj.__dict__)
    state.update(changes)
    return new


def months_active(
    contract: Contract,
    period_from: date,
    period_to: date,
    issued: Sequence[tuple[date, date]] = (),
) -> int:
    """Months of a monthly contract whose fee falls due in the period.

    A month's fee is billed in arrears, exactly once: by the statement whose
    period holds the month's last billable day (its last day, or the contract's
    end date in the month it ends). However the periods are cut, a month's fee
    belongs to one statement: ``01.12–01.12`` bills no December (it is not over),
    ``05.02–28.02`` bills February. The statement says so
    (:data:`bbdispatch.reports.common.FEE_RULE_PL`). ``issued`` are periods
    (days inclusive) already billed by issued statements: a month whose fee fell
    due in one of them is not billed again by a draft that overlaps it.
    """
    return len(fee_months(contract, period_from, period_to, issued))


def fee_months(
    contract: Contract,
    period_from: date,
    period_to: date,
    issued: Sequence[tuple[date, date]] = (),
) -> list[date]:
    """The months (their first days) :func:`months_active` counts, oldest first.

    So a document can name them: a fee correction says which months it bills.
    """
    if contract.kind is not ProductType.MONTHLY:
        return []
    first = max(contract.starts_on, period_from)
    if contract.ends_on is not None and contract.ends_on < first:
        return []
    year, month = first.year, first.month
    found: list[date] = []
    while True:
        nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        due = nxt - timedelta(days=1)
        if contract.ends_on is not None and contract.ends_on < due:
            due = contract.ends_on
        if due > period_to or due < contract.starts_on:
            break
        if due >= period_from and not any(a <= due <= b for a, b in issued):
            found.append(date(year, month, 1))
        if contract.ends_on is not None and due >= contract.ends_on:
            break
        year, month = nxt.year, nxt.month
    return found


def correction_due(
    worth_now: tuple[int, Decimal],
    worth_issued: tuple[int, Decimal],
    settled: tuple[int, Decimal],
) -> tuple[int, Decimal]:
    """What a later statement must still carry for an issued one: (minutes, net), signed.

    ``worth_now`` is what the issued period's work and fees are worth today,
    ``worth_issued`` what they were worth on the issued document, ``settled`` what
    later issued statements already carried for it. The issued total plus every
    correction then equals what the corrected work costs; a reduction is a credit.
    """
    return (
        worth_now[0] - worth_issued[0] - settled[0],
        worth_now[1] - worth_issued[1] - settled[1],
    )

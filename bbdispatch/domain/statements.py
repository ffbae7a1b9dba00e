"""Work statements: what the client is billed for a period, as plain data.

Renderers (``bbdispatch.reports``) and the statement screen only format a
:class:`Statement`; every sum is computed here, once, in Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from bbdispatch.domain.contracts import Contract
from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.ledger import ChargeBasis
from bbdispatch.money import round_grosz, vat_of
from bbdispatch.pricelist import ProductType


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

    @property
    def net(self) -> Decimal:
        """What this piece adds to the bill, half-up to the grosz."""
        if self.fixed is not None:
            return round_grosz(self.fixed)
        return round_grosz(self.rate * self.minutes / 60)


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
    """An admin's correction of an entry already billed on an issued statement."""

    made_on: date
    entry_id: int
    job_number: str
    reason: str
    minutes_delta: int
    net_delta: Decimal


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


def months_active(contract: Contract, period_from: date, period_to: date) -> int:
    """Months of a monthly contract whose fee falls due in the period.

    Each month the contract runs on at least one day is billed exactly once, in
    the period containing its first billable day (the 1st, or the start date in
    the month it was signed). Splitting a month across two statements therefore
    never bills its fee twice, and a period starting mid-month leaves that
    month's fee to the statement that holds its first day.
    """
    if contract.kind is not ProductType.MONTHLY:
        return 0
    last = period_to if contract.ends_on is None else min(contract.ends_on, period_to)
    # Months before the period's first month fall due before it: skip them.
    year, month = max(
        (contract.starts_on.year, contract.starts_on.month), (period_from.year, period_from.month)
    )
    count = 0
    while (due := max(date(year, month, 1), contract.starts_on)) <= last:
        if due >= period_from:
            count += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return count

"""Contracts the firm signs with clients, and the needs assessment before them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from bbdispatch import formats
from bbdispatch.domain.people import actor_text
from bbdispatch.domain.products import ProductType, product_name
from bbdispatch.i18n import _


class ContractStatus(StrEnum):
    """Whether a contract can still take time."""

    ACTIVE = "active"
    USED_UP = "used_up"
    EXPIRED = "expired"
    CLOSED = "closed"


@dataclass(frozen=True)
class Contract:
    """A signed contract; prices and hours are a snapshot taken at signing."""

    id: int
    client_id: int
    product_code: str
    kind: ProductType
    number: str
    title: str
    starts_on: date
    ends_on: date | None
    minutes_included: int | None
    """Prepaid minutes of a block; None for other kinds."""
    net: Decimal
    """Net price of the block, the hourly rate or the monthly fee."""
    vat_rate: Decimal
    status: ContractStatus
    assessment_id: int | None
    signed_at: datetime
    signed_by: str
    opening_used_minutes: int = 0
    """Minutes of a block used before the firm started bbdispatch (an imported contract)."""

    @property
    def imported(self) -> bool:
        """Whether the contract was brought over by ``contracts import``, not signed here."""
        return self.signed_by.startswith(IMPORTED_BY)

    def signer_text(self) -> str:
        """``signed by anna``, or ``imported by root`` for a contract brought over."""
        if self.imported:
            who = actor_text(self.signed_by.removeprefix(IMPORTED_BY))
            return _("imported by {who}").format(who=who)
        return _("signed by {who}").format(who=actor_text(self.signed_by))


IMPORTED_BY = "import:"
"""Prefix of ``signed_by`` for a contract brought over by an import: ``import:root`` is a
contract root imported (nobody signed it in bbdispatch; the firm signed it before)."""


@dataclass(frozen=True)
class Balance:
    """How much of a block is used, for every place a contract is shown."""

    contract: Contract
    used_minutes: int
    """Billed minutes charged to the contract so far."""

    @property
    def included_minutes(self) -> int | None:
        """Prepaid minutes, or None for contracts without a block."""
        return self.contract.minutes_included

    @property
    def left_minutes(self) -> int | None:
        """Minutes left in the block (never below zero)."""
        if self.included_minutes is None:
            return None
        return max(self.included_minutes - self.used_minutes, 0)

    @property
    def percent_used(self) -> int | None:
        """Whole percent of the block used."""
        if not self.included_minutes:
            return None
        return self.used_minutes * 100 // self.included_minutes

    def warning_level(self, warn_percent: int) -> int:
        """0 = fine, 1 = past the warning threshold, 2 = used up."""
        percent = self.percent_used
        if percent is None:
            return 0
        if percent >= 100:
            return 2
        return 1 if percent >= warn_percent else 0


@dataclass(frozen=True)
class NeedsAssessment:
    """The client's IT needs and the agreed rules of work; each revision is kept."""

    id: int
    client_id: int
    revision: int
    assessed_on: date
    needs: str
    rules: str
    waived: bool
    waiver_reason: str
    recorded_by: str
    recorded_at: datetime


def format_hours(minutes: int) -> str:
    """Hours for people in the session's language: ``9,5 h`` / ``9.5 h``, ``10 h``."""
    return formats.format_hours(minutes)


def balance_text(
    balance: Balance, warn_percent: int, today: date | None = None, *, short: bool = False
) -> str:
    """One-line balance shown wherever a contract appears.

    ``BB/2026/002 Starter contract 10 h: 9.5 h of 10 h used, 0.5 h left (95%) ⚠``
    (the product by its name in the session's language; ``short=True``: its
    short name, ``BB/2026/002 Starter: …``, for a card at 80 columns); a block
    brought over with hours already used names them, last: ``… 31.5 h of 50 h
    used, 18.5 h left (63%) · opening balance 31.5 h``.

    The percentage as Babel writes it for the session's language. A closed
    contract, or one past its end (when ``today`` is given), says so instead of
    its hours left, which it can no longer take
    (``BB/2026/003 Service contract 50 h: closed, 3 h of 50 h used``).
    """
    c = balance.contract
    product = product_name(c.product_code, title=c.title, short=short)
    ended = c.status in (ContractStatus.CLOSED, ContractStatus.EXPIRED) or (
        today is not None and c.ends_on is not None and today > c.ends_on
    )
    if ended:
        used, included = format_hours(balance.used_minutes), balance.included_minutes
        if c.status is ContractStatus.CLOSED:
            text = (
                _("{number} {product}: closed, {used} charged")
                if included is None
                else _("{number} {product}: closed, {used} of {included} used")
            )
        else:
            text = (
                _("{number} {product}: expired, {used} charged")
                if included is None
                else _("{number} {product}: expired, {used} of {included} used")
            )
        return text.format(
            number=c.number, product=product, used=used,
            included=format_hours(included or 0),
        )  # fmt: skip
    if balance.included_minutes is None:
        return _("{number} {product}: {used} charged").format(
            number=c.number,
            product=product,
            used=format_hours(balance.used_minutes),
        )
    left = balance.left_minutes or 0
    mark = {0: "", 1: " ⚠", 2: " ⛔"}[balance.warning_level(warn_percent)]
    percent = formats.format_percent(Decimal(balance.percent_used or 0) / 100)
    text = _("{number} {product}: {used} of {included} used, {left} left ({percent})").format(
        number=c.number,
        product=product,
        used=format_hours(balance.used_minutes),
        included=format_hours(balance.included_minutes),
        left=format_hours(left),
        percent=percent,
    )
    if c.opening_used_minutes:
        # Hours used before bbdispatch are named wherever the block's hours are; last, so
        # a narrow line cuts them rather than what is left.
        mark += _(" · opening balance {opening}").format(
            opening=format_hours(c.opening_used_minutes)
        )
    return text + mark


def hours_left_text(balance: Balance, warn_percent: int, today: date | None = None) -> str:
    """One short line for the technician's job card: how many hours the contract has left.

    What the technician needs is whether their time is covered, not the
    contract's accounting: ``BB/2026/002 Starter: 0.5 h left of 10 h ⚠``; a
    contract without a block says how its time is paid instead (``… Network
    1 h: billed by the hour, no hours prepaid``, ``… IT admin: monthly fee, no
    hour limit``); a closed or expired one that it takes no more time (``…
    closed, no hours left``). The product reads by its short name in the session's language
    (``Starter``, ``Network 1 h``): the card is 80 columns wide.
    """
    c = balance.contract
    ended = c.status in (ContractStatus.CLOSED, ContractStatus.EXPIRED) or (
        today is not None and c.ends_on is not None and today > c.ends_on
    )
    if ended:
        text = (
            _("{number} {product}: closed, no hours left")
            if c.status is ContractStatus.CLOSED
            else _("{number} {product}: expired, no hours left")
        )
        return text.format(
            number=c.number, product=product_name(c.product_code, title=c.title, short=True)
        )
    if balance.included_minutes is None:
        text = (
            _("{number} {product}: monthly fee, no hour limit")
            if c.kind is ProductType.MONTHLY
            else _("{number} {product}: billed by the hour, no hours prepaid")
        )
        return text.format(
            number=c.number, product=product_name(c.product_code, title=c.title, short=True)
        )
    mark = {0: "", 1: " ⚠", 2: " ⛔"}[balance.warning_level(warn_percent)]
    return _("{number} {product}: {left} left of {included}").format(
        number=c.number, product=product_name(c.product_code, title=c.title, short=True),
        left=format_hours(balance.left_minutes or 0),
        included=format_hours(balance.included_minutes),
    ) + mark  # fmt: skip


def effective_status(balance: Balance, today: date) -> ContractStatus:
    """The status a contract should have today: closed stays closed, then dates, then hours.

    "Used up" and "expired" are facts about hours and dates, so they are derived
    here and written back by the services rather than set by hand.
    """
    c = balance.contract
    if c.status is ContractStatus.CLOSED:
        return ContractStatus.CLOSED
    if c.ends_on is not None and today > c.ends_on:
        return ContractStatus.EXPIRED
    if balance.included_minutes and balance.used_minutes >= balance.included_minutes:
        return ContractStatus.USED_UP
    return ContractStatus.ACTIVE


def offer_service_hint(balance: Balance, warn_percent: int) -> bool:
    """A starter contract this far used: time to offer the client a service contract."""
    percent = balance.percent_used
    return (
        balance.contract.product_code.startswith("starter")
        and percent is not None
        and percent >= warn_percent
    )


def forecast_run_out(left_minutes: int, used_recently: int, days: int, today: date) -> date | None:
    """The day a block runs out if the client keeps the pace of the last ``days`` days.

    Returns None when nothing was used recently (no pace to extrapolate) and
    ``today`` when nothing is left.
    """
    if left_minutes <= 0:
        return today
    if used_recently <= 0 or days <= 0:
        return None
    days_left = -(-left_minutes * days // used_recently)
    return today + timedelta(days=days_left)

"""Money as Decimal in code and integer grosze in the database; VAT to the grosz."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from bbdispatch.domain.errors import DomainError
from bbdispatch.i18n import _

GROSZ = Decimal("0.01")
"""The smallest unit of the złoty."""
MAX_AMOUNT = Decimal("9999999999.99")
"""Larger amounts are typing errors (and would not fit the database's integer grosze)."""


_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


class MoneyError(DomainError):
    """A text or number that is not a valid amount of money."""


def parse_money(text: str | int | Decimal) -> Decimal:
    """Read an amount such as ``2950``, ``"2950.00"`` or ``"2 950,00"`` into Decimal.

    Raises:
        MoneyError: when the text is not a number or has fractions of a grosz.
    """
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int):
        value = Decimal(text)
    else:
        cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        cleaned = cleaned.removesuffix("zł").removesuffix("PLN")
        if not _PLAIN_NUMBER.match(cleaned):
            # Decimal() also reads 1e3, NaN and Infinity: an amount is typed in digits.
            raise MoneyError(_("Not an amount: {text}").format(text=text))
        try:
            value = Decimal(cleaned)
        except InvalidOperation as err:
            raise MoneyError(_("Not an amount: {text}").format(text=text)) from err
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        raise MoneyError(_("Not an amount: {text}").format(text=text))
    if value != value.quantize(GROSZ):
        raise MoneyError(_("More precise than a grosz: {text}").format(text=text))
    return value.quantize(GROSZ)


def round_grosz(value: Decimal) -> Decimal:
    """Round half-up to the grosz, the rule for every computed amount."""
    return value.quantize(GROSZ, rounding=ROUND_HALF_UP)


def to_grosze(value: Decimal) -> int:
    """Convert an amount to integer grosze for storage (rounding half-up)."""
    return int(round_grosz(value) * 100)


def from_grosze(grosze: int) -> Decimal:
    """Convert stored integer grosze back to an amount, to the grosz (``295000`` → ``2950.00``).

    Moving the decimal point (``scaleb``) gives exactly what dividing by 100 and
    quantizing to the grosz gives, value and digits (checked by a property
    test), at half the cost: statements and the board decode thousands.
    """
    return Decimal(grosze).scaleb(-2)


def vat_of(net: Decimal, rate: Decimal) -> Decimal:
    """VAT on a net amount, half-up to the grosz."""
    return round_grosz(net * rate)


def gross_of(net: Decimal, rate: Decimal) -> Decimal:
    """Gross amount: net plus its VAT, so gross = net + VAT holds exactly."""
    return round_grosz(net) + vat_of(net, rate)


def rate_to_bp(rate: Decimal) -> int:
    """A VAT rate (``0.23``) in basis points (``2300``) for storage."""
    return int((rate * 10000).to_integral_value(rounding=ROUND_HALF_UP))


@cache
def rate_from_bp(bp: int) -> Decimal:
    """A stored VAT rate in basis points back to a Decimal fraction (``2300`` → ``0.23``).

    A firm has a handful of rates and every contract row carries one: each is
    worked out once (a Decimal is immutable, so sharing it is safe).
    """
    return (Decimal(bp) / 10000).normalize()


def format_plain(value: Decimal) -> str:
    """Machine format for JSON and CSV: ``3628.50``."""
    return f"{round_grosz(value):.2f}"

"""How a product of the price list is billed: the kind of a contract made from it.

Apart from the price list (:mod:`bbdispatch.pricelist`, which re-exports it) so
a contract can be read without reading the firm's TOML file: ``lookup`` shows a
caller's contracts on the phone path (issue 13).
"""

from __future__ import annotations

from enum import StrEnum


class ProductType(StrEnum):
    """How a product is billed; also the ``kind`` of a contract made from it."""

    BLOCK = "block"
    """A prepaid block of hours (service, starter)."""
    HOURLY = "hourly"
    """Billed per hour actually worked (network service)."""
    MONTHLY = "monthly"
    """A fixed monthly fee agreed per client (IT administration)."""
    INDIVIDUAL = "individual"
    """A price agreed per job (private persons)."""

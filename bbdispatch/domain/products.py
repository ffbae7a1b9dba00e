"""How a product of the price list is billed: the kind of a contract made from it.

Apart from the price list (:mod:`bbdispatch.pricelist`, which re-exports it) so
a contract can be read without reading the firm's TOML file: ``lookup`` shows a
caller's contracts on the phone path (issue 13).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from bbdispatch.i18n import current_language


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


_NAMES: dict[str, tuple[str, str, str, str]] = {}
"""Product code → (Polish name, English name, Polish short, English short), from the
price list last read."""


def register_product_names(names: Mapping[str, tuple[str, str, str, str]]) -> None:
    """Remember the names of the price list's products for :func:`product_name`.

    Args:
        names: product code → (Polish name, English name, Polish short name,
            English short name), as in ``data/pricelist.toml``.
            Called by :func:`bbdispatch.pricelist.load_pricelist`; codes of products
            no longer on the list keep their names, so an old contract still reads.
    """
    _NAMES.update(names)


def product_name(
    code: str, *, title: str = "", language: str | None = None, short: bool = False
) -> str:
    """The name people read for a product code, in the session's language (issue 16).

    The one formatter of product codes for screens, text output and documents;
    JSON and CSV keep the code. ``service-50h`` reads *Umowa serwisowa 50 h* in
    Polish and *Service contract 50 h* in English.

    Args:
        code: the product code (``service-50h``).
        title: the name a contract copied at signing (Polish), used when the price
            list no longer has the product.
        language: ``"pl"`` or ``"en"``; None: the session's language.
        short: the short name (``Serwisowa`` / ``Service``) for narrow places:
            the contracts table and the job cards at 80 columns.

    Returns:
        The name, else ``title``, else the code itself.
    """
    names = _NAMES.get(code)
    polish = (language or current_language()) == "pl"
    if names is None:
        return title or code
    if short:
        return names[2] if polish else names[3] or names[2]
    return names[0] if polish else names[1] or names[0]

"""The price list in use loads."""

from __future__ import annotations

from bbdispatch.i18n import _, ngettext
from bbdispatch.pricelist import (
    PriceListError,
    default_pricelist_path,
    load_pricelist,
    pricelist_origin,
)
from bbdispatch.services.doctor.check import Check


def check_pricelist() -> Check:
    """The price list in use loads; the detail names its file and where it was named.

    The shipped example is fine for a trial but is replaced on every upgrade, so
    the check says so (``docs/pricelist.md``) without failing.
    """
    path = default_pricelist_path()
    try:
        prices = load_pricelist(path)
    except PriceListError as err:
        return Check(False, _("price list"), str(err))
    origin = pricelist_origin(path)
    if origin == "shipped":
        where = _("{path} (the shipped example: give the firm's own file, docs/pricelist.md)")
    else:
        where = _("{path} (from {origin})")
    return Check(
        True,
        _("price list"),
        ngettext("{n} product", "{n} products", len(prices.products)).format(n=len(prices.products))
        + ", "
        + where.format(path=path, origin=origin),
    )

"""``bbdispatch pricelist``: the products and prices a dispatcher quotes on the phone."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path
from typing import Any

from bbdispatch.commands.common import echo, echo_err, print_json
from bbdispatch.domain.products import product_name
from bbdispatch.formats import format_amount, format_percent
from bbdispatch.i18n import _
from bbdispatch.money import format_plain
from bbdispatch.pricelist import (
    PriceList,
    PriceListError,
    default_pricelist_path,
    load_pricelist,
    pricelist_origin,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``pricelist`` subcommand."""
    parser = sub.add_parser("pricelist", help=_("show products with net and gross prices"))
    parser.add_argument("--json", action="store_true", help=_("machine-readable output"))
    parser.set_defaults(handler=handle)


def products_json(prices: PriceList) -> list[dict[str, Any]]:
    """Each product with code, name, hours, net, VAT rate and gross (strings, 2 decimals)."""
    out = []
    for p in prices.products:
        net, gross = p.net, p.gross(prices.vat_rate)
        out.append(
            {
                "code": p.code,
                "name": p.name,
                "type": p.type.value,
                "hours": p.hours,
                "net": None if net is None else format_plain(net),
                "vat_rate": f"{prices.vat_rate:.2f}",
                "gross": None if gross is None else format_plain(gross),
                "currency": prices.currency,
            }
        )
    return out


def handle(args: argparse.Namespace) -> int:
    """Print the price list (it needs no database)."""
    try:
        prices = load_pricelist()
    except PriceListError as err:
        echo_err(f"bbdispatch: {err}")
        return 1
    rows = products_json(prices)
    if args.json:
        print_json(rows)
        return 0
    vat = format_percent(prices.vat_rate)
    head = (_("code"), _("product"), _("hours"), _("net"), _("gross"))
    echo(f"{head[0]:<13} {head[1]:<58} {head[2]:>5} {head[3]:>10} {head[4]:>10}")
    agreed = _("agreed")
    for r in rows:
        net = format_amount(Decimal(r["net"])) if r["net"] else agreed
        gross = format_amount(Decimal(r["gross"])) if r["gross"] else agreed
        name = product_name(r["code"], title=r["name"])
        echo(f"{r['code']:<13} {name:<58} {r['hours'] or '':>5} {net:>10} {gross:>10}")
    echo(
        _("Prices in {currency}; gross includes VAT {vat}.").format(
            currency=prices.currency, vat=vat
        )
    )
    path = default_pricelist_path()
    echo(_("Price list file: {path} ({origin})").format(path=path, origin=_origin(path)))
    return 0


def _origin(path: Path) -> str:
    """Where the file in use was named, in words (:func:`pricelist_origin`)."""
    origin = pricelist_origin(path)
    return _("the shipped example; see docs/pricelist.md") if origin == "shipped" else origin

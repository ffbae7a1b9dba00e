"""``bbdispatch contracts``: contracts with their balances, for people and scripts."""

from __future__ import annotations

import argparse
from typing import Any

from bbdispatch.commands.common import EXIT_USAGE, CommandError, open_ctx, print_json, run
from bbdispatch.domain.contracts import balance_text
from bbdispatch.reports.common import hours_plain
from bbdispatch.services.ledger import ContractView, contract_views


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``contracts`` subcommand."""
    parser = sub.add_parser("contracts", help="contracts with hours included, used and left")
    parser.add_argument("--client", metavar="ID", help="only this client's contracts")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=handle)


def view_json(v: ContractView) -> dict[str, Any]:
    """One contract: code, number, hours included, used and left (strings, 2 decimals)."""
    b, c = v.balance, v.balance.contract
    return {
        "id": c.id,
        "client_id": c.client_id,
        "client": v.client_name,
        "code": c.product_code,
        "number": c.number,
        "status": v.status.value,
        "starts_on": c.starts_on.isoformat(),
        "ends_on": c.ends_on.isoformat() if c.ends_on else None,
        "hours_included": None if b.included_minutes is None else hours_plain(b.included_minutes),
        "hours_used": hours_plain(b.used_minutes),
        "hours_left": None if b.left_minutes is None else hours_plain(b.left_minutes),
        "percent_used": b.percent_used,
        "runs_out_on": v.runs_out_on.isoformat() if v.runs_out_on else None,
        "offer_service_contract": v.offer_service,
    }


def handle(args: argparse.Namespace) -> int:
    """List contracts (all, or one client's)."""

    async def body() -> int:
        client_id = None
        if args.client is not None:
            try:
                client_id = int(args.client)
            except ValueError as err:
                raise CommandError(
                    f"--client: not a client id: {args.client!r}", EXIT_USAGE
                ) from err
        async with open_ctx(args) as ctx:
            views = await contract_views(ctx, client_id)
            warn = ctx.prices.billing.warn_percent
        if args.json:
            print_json([view_json(v) for v in views])
            return 0
        for v in views:
            print(f"{v.client_name[:30]:<30} {v.status.value:<8} {balance_text(v.balance, warn)}")
        return 0

    return run(body)

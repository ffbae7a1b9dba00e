"""``bbdispatch contracts``: contracts with their balances, for people and scripts."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bbdispatch.clock import local_today
from bbdispatch.commands.common import (
    EXIT_ERROR,
    EXIT_USAGE,
    CommandError,
    client_id_of,
    echo,
    echo_err,
    open_ctx,
    print_json,
    run,
)
from bbdispatch.commands.import_clients import (
    add_check_flag,
    problem_report,
    read_checked,
    warn_left_out,
)
from bbdispatch.commands.office import day, money, office_ctx, one_line_errors, positive_id
from bbdispatch.commands.table import cell
from bbdispatch.domain.contracts import balance_text
from bbdispatch.domain.labels import CONTRACT_STATUS_LABEL, width_of
from bbdispatch.domain.ledger import moved_text
from bbdispatch.domain.products import product_name
from bbdispatch.formats import format_hours, format_money
from bbdispatch.i18n import _, ngettext
from bbdispatch.money import format_plain, gross_of
from bbdispatch.pricelist import ProductType
from bbdispatch.reports.common import hours_plain
from bbdispatch.services.contracts import (
    SignRequest,
    close_contract,
    prepaid_left,
    sign_for_client,
)
from bbdispatch.services.import_contracts import import_contracts, read_contracts
from bbdispatch.services.ledger import (
    ContractView,
    contract_notes,
    contract_views,
    move_uncovered,
)
from bbdispatch.services.references import Ref
from bbdispatch.services.spreadsheet import ImportFileError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``contracts`` subcommand."""
    parser = sub.add_parser("contracts", help=_("contracts with hours included, used and left"))
    parser.add_argument("--client", metavar=_("ID"), help=_("only this client's contracts"))
    parser.add_argument("--json", action="store_true", help=_("machine-readable output"))
    parser.set_defaults(handler=handle)
    actions = parser.add_subparsers(dest="contracts_command", metavar=_("ACTION"))
    sign = one_line_errors(actions.add_parser("sign", help=_("sign a product of the price list")))
    sign.add_argument(
        "--client", type=positive_id, required=True, metavar=_("ID"), help=_("the client's id")
    )
    sign.add_argument("--product", required=True, metavar=_("CODE"), help=_("a price-list code"))
    sign.add_argument("--starts", type=day, metavar=_("DATE"), help=_("first day (default: today)"))
    sign.add_argument("--ends", type=day, metavar=_("DATE"), help=_("last day (default: open)"))
    sign.add_argument(
        "--fee", type=money, metavar=_("NET"), help=_("IT administration's monthly net fee")
    )
    sign.add_argument(
        "--move-uncovered", action="store_true", help=_("move unbilled uncovered time onto it")
    )
    sign.add_argument("--json", action="store_true", help=_("print the new id as JSON"))
    sign.set_defaults(handler=handle_sign)
    move = one_line_errors(
        actions.add_parser("move", help=_("move the client's uncovered time onto a contract"))
    )
    move.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the contract's id"))
    move.add_argument("--json", action="store_true", help=_("print JSON"))
    move.set_defaults(handler=handle_move, id_refers=Ref.CONTRACT)
    close = one_line_errors(actions.add_parser("close", help=_("close a contract by hand")))
    close.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the contract's id"))
    close.add_argument("--reason", required=True, metavar=_("TEXT"), help=_("why it is closed"))
    close.add_argument(
        "--yes", action="store_true", help=_("close a block even with prepaid hours left")
    )
    close.add_argument("--json", action="store_true", help=_("print JSON"))
    close.set_defaults(handler=handle_close, id_refers=Ref.CONTRACT)
    bulk = actions.add_parser(
        "import",
        help=_("bring over contracts that already run, with hours already used"),
        description=_(
            "Columns (header row, comma or semicolon; English or Polish names): "
            "client (NIP, id or name), product (price-list code or name), number, start, end, "
            "hours_used (a block's hours used before bbdispatch: its opening balance), "
            "monthly_fee (IT administration, net PLN). All or nothing."
        ),
    )
    bulk.add_argument("file", type=Path, metavar=_("FILE"), help=_("CSV file with a header row"))
    add_check_flag(bulk)
    bulk.set_defaults(handler=handle_import)


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
        "hours_used_opening": hours_plain(c.opening_used_minutes),
        "hours_left": None if b.left_minutes is None else hours_plain(b.left_minutes),
        "percent_used": b.percent_used,
        "runs_out_on": v.runs_out_on.isoformat() if v.runs_out_on else None,
        "no_forecast_because": v.forecast_note or None,
        "monthly_fee": format_plain(c.net) if c.kind is ProductType.MONTHLY else None,
        "offer_service_contract": v.offer_service,
    }


def handle(args: argparse.Namespace) -> int:
    """List contracts (all, or one client's)."""

    async def body() -> int:
        client_id = None if args.client is None else client_id_of(args.client)
        async with open_ctx(args) as ctx:
            views = await contract_views(ctx, client_id)
            warn = ctx.prices.billing.warn_percent
        if args.json:
            print_json([view_json(v) for v in views])
            return 0
        if not views:
            echo_err(_("No contracts."))
            return 0
        status_w = width_of(CONTRACT_STATUS_LABEL)
        for v in views:
            status = CONTRACT_STATUS_LABEL[v.status]
            echo(f"{cell(v.client_name, 30)} {status:<{status_w}} {balance_text(v.balance, warn)}")
            for note in contract_notes(v):
                echo(f"{'':<30} {'':<{status_w}} {note}")
        return 0

    return run(body)


def handle_sign(args: argparse.Namespace) -> int:
    """Sign a contract for a client; prints its number and price net/VAT/gross."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            request = SignRequest(
                client_id=args.client,
                product_code=args.product,
                starts_on=args.starts or local_today(ctx.clock),
                ends_on=args.ends,
                agreed_net=args.fee,
            )
            signed = await sign_for_client(ctx, request, take_uncovered=args.move_uncovered)
            view = next(
                v for v in await contract_views(ctx, args.client)
                if v.balance.contract.id == signed.contract_id
            )  # fmt: skip
            net = view.balance.contract.net
            gross = gross_of(net, ctx.prices.vat_rate)
        if args.json:
            print_json({"id": signed.contract_id, "number": signed.number,
                        "moved_minutes": signed.moved_minutes,
                        "left_minutes": signed.left_minutes})  # fmt: skip
            return 0
        echo(
            _(
                "contract {id} {number} signed: {product} for client {client} ({client_id}),"
                " net {net}, VAT {vat}, gross {gross}"
            ).format(
                id=signed.contract_id, number=signed.number,
                product=product_name(view.balance.contract.product_code,
                                     title=view.balance.contract.title),
                client=view.client_name, client_id=args.client, net=format_money(net),
                vat=format_money(gross - net), gross=format_money(gross),
            )
        )  # fmt: skip
        if args.move_uncovered:
            echo(moved_text(signed.moved_minutes, signed.left_minutes, expired=signed.expired))
        return 0

    return run(body)


def handle_move(args: argparse.Namespace) -> int:
    """Move the client's unbilled uncovered time onto the contract (never an expired one)."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            moved = await move_uncovered(ctx, args.id)
        if args.json:
            print_json({"id": args.id, "moved_minutes": moved})
        else:
            echo(
                _("moved {h} of uncovered time onto contract {id}").format(
                    h=format_hours(moved), id=args.id
                )
            )
        return 0

    return run(body)


async def _confirm_forfeit(number: str, left: int) -> bool:
    """Ask on the terminal whether to give up a block's prepaid hours; refuse without one.

    Raises:
        CommandError: no terminal to ask on (a script, cron): give --yes.
    """
    lost = _("{n} has {h} of prepaid time left; closing gives it up.").format(
        n=number, h=format_hours(left)
    )
    if not sys.stdin.isatty():
        raise CommandError(
            _("{problem} Give --yes to close it anyway.").format(problem=lost), EXIT_USAGE
        )
    answer = await asyncio.to_thread(input, _("{problem} Close it? [y/N] ").format(problem=lost))
    return answer.strip().lower() in (_("y"), _("yes"), "y", "yes")


def handle_close(args: argparse.Namespace) -> int:
    """Close a contract by hand (terminated, replaced): it takes no more time."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            number, left = await prepaid_left(ctx, args.id)
            asks = left and not args.yes and args.reason.strip()  # no reason: refused below
            if asks and not await _confirm_forfeit(number, left):
                echo(_("contract {id} not closed").format(id=args.id))
                return EXIT_ERROR
            await close_contract(ctx, args.id, args.reason)
        if args.json:
            print_json({"id": args.id, "status": "closed"})
        else:
            echo(_("contract {id} closed").format(id=args.id))
        return 0

    return run(body)


def handle_import(args: argparse.Namespace) -> int:
    """Check the file (and its clients), then add every contract in one transaction."""

    async def body() -> int:
        async with open_ctx(args) as ctx:
            found = read_checked(
                args.file,
                lambda text: read_contracts(text, ctx.prices, local_today(ctx.clock)),
            )
            warn_left_out(args.file, found.warnings)
            try:
                summary = await import_contracts(ctx, found, check=args.check)
            except ImportFileError as err:
                raise CommandError(problem_report(args.file, err)) from err
        if args.check:
            echo(
                ngettext(
                    "{f}: {n} contract, no problems found",
                    "{f}: {n} contracts, no problems found",
                    summary.added,
                ).format(f=args.file, n=summary.added)
            )
        else:
            echo(
                ngettext(
                    "{f}: {n} contract added, {hours} of opening balance",
                    "{f}: {n} contracts added, {hours} of opening balance",
                    summary.added,
                ).format(
                    f=args.file,
                    n=summary.added,
                    hours=format_hours(summary.opening_minutes),
                )  # fmt: skip
            )
        return 0

    return run(body)

"""``bbdispatch lookup NUMBER``: who is calling, for scripts and phone displays."""

from __future__ import annotations

import argparse
from typing import Any

from bbdispatch.commands.common import (
    EXIT_USAGE,
    CommandError,
    PhoneWords,
    echo,
    open_ctx,
    print_json,
    run,
)
from bbdispatch.domain.clients import CLIENT_KIND_LABEL, CLIENT_STATUS_LABEL
from bbdispatch.domain.products import product_name
from bbdispatch.domain.rights import Action
from bbdispatch.formats import format_hours
from bbdispatch.i18n import _, ngettext
from bbdispatch.phones import InvalidPhoneNumber, format_for_display
from bbdispatch.services.caller_card import caller_summary
from bbdispatch.services.callers import lookup_number
from bbdispatch.services.context import Ctx
from bbdispatch.services.rights import acting
from bbdispatch.text import NAME_CELLS, fit


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``lookup`` subcommand."""
    parser = sub.add_parser("lookup", help=_("show the clients a phone number belongs to"))
    parser.add_argument(
        "number",
        metavar=_("NUMBER"),
        nargs="+",
        action=PhoneWords,
        help=_("the number in any common form"),
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON for scripts"))
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print the normalised number and each matching client's contracts and open jobs."""

    async def body() -> int:
        async with open_ctx(args, prices_on_use=True) as ctx:
            try:
                found = await lookup(ctx, args.number)
            except InvalidPhoneNumber as err:
                raise CommandError(str(err), EXIT_USAGE) from err
        if args.json:  # the fields scripts read; the contract's title is for the text below
            for client in found["clients"]:
                for contract in client["contracts"]:
                    contract.pop("title", None)
            print_json(found)
            return 0
        echo(format_for_display(found["e164"]))
        if not found["clients"]:
            echo("  " + _("(no client)"))
        for client in found["clients"]:
            if client["open_jobs"] is None:  # the phone system: names only
                kind = CLIENT_KIND_LABEL[client["kind"]]
                echo(
                    "  "
                    + _("{name} [{kind}]").format(name=fit(client["name"], NAME_CELLS), kind=kind)
                )
                continue
            echo(
                "  "
                + ngettext(
                    "{name} [{kind}, {status}], {n} open job",
                    "{name} [{kind}, {status}], {n} open jobs",
                    client["open_jobs"],
                ).format(
                    name=fit(client["name"], NAME_CELLS),
                    kind=CLIENT_KIND_LABEL[client["kind"]],
                    status=CLIENT_STATUS_LABEL[client["status"]],
                    n=client["open_jobs"],
                )  # fmt: skip
            )
            for c in client["contracts"]:
                left = (
                    ""
                    if c["hours_left"] is None
                    else _(", {hours} left").format(hours=format_hours(round(c["hours_left"] * 60)))
                )
                # The price list is not read on the phone path (start-up time): a
                # product the session has no name for reads as the contract's own
                # title, as signed, never as its code.
                echo(f"    {c['number']} {product_name(c['code'], title=c['title'])}{left}")
        return 0

    return run(body)


async def lookup(ctx: Ctx, raw: str) -> dict[str, Any]:
    """The match as plain data (the JSON the command prints).

    The phone system (``docs/rights.md``) gets the clients' names only: contracts,
    open jobs and status are for people who may see clients (``open_jobs`` and
    ``status`` are null). ``status`` is the client's code: ``prospect``,
    ``active`` or ``archived`` (an archived client gets no job until reactivated).

    Raises:
        InvalidPhoneNumber: the text is not a valid number.
    """
    match = await lookup_number(ctx, raw)
    sees_clients = (await acting(ctx)).may(Action.CLIENT_VIEW)
    clients: list[dict[str, Any]] = []
    for client in match.clients:
        if not sees_clients:
            clients.append(
                {"id": client.id, "name": client.name, "kind": client.kind.value,
                 "contracts": [], "open_jobs": None, "status": None}
            )  # fmt: skip
            continue
        card = await caller_summary(ctx, client.id)
        contracts = [
            {
                "code": b.contract.product_code,
                "title": b.contract.title,
                "number": b.contract.number,
                "hours_left": None if b.left_minutes is None else round(b.left_minutes / 60, 2),
            }
            for b in card.balances
        ]
        clients.append(
            {
                "id": client.id,
                "name": client.name,
                "kind": client.kind.value,
                "contracts": contracts,
                "open_jobs": card.open_jobs,
                "status": client.status.value,
            }
        )
    return {"e164": match.e164, "clients": clients}

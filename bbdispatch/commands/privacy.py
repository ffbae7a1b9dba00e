"""``bbdispatch privacy``: RODO (GDPR) requests: export or erase a client's personal data."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bbdispatch.commands.common import EXIT_USAGE, CommandError, echo, echo_err, print_json, run
from bbdispatch.commands.office import office_ctx, positive_id
from bbdispatch.domain.clients import Client
from bbdispatch.i18n import _, ngettext
from bbdispatch.services.privacy import (
    LEGAL_BASIS,
    ErasureRefused,
    erase_client,
    erasure_subject,
    export_client,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``privacy`` subcommand with ``export`` and ``erase``."""
    parser = sub.add_parser(
        "privacy", help=_("RODO/GDPR: export or erase a client's personal data (admins)")
    )
    actions = parser.add_subparsers(dest="privacy_command", metavar=_("ACTION"), required=True)
    export = actions.add_parser(
        "export", help=_("everything held about a client, as readable JSON (RODO art. 15)")
    )
    export.add_argument(
        "--client", type=positive_id, required=True, metavar=_("ID"), help=_("the client's id")
    )
    export.set_defaults(handler=handle_export)
    erase = actions.add_parser(
        "erase",
        help=_(
            "erase a client's personal data everywhere (RODO art. 17); issued statements "
            "and what they show are kept as accounting law requires"
        ),
    )
    erase.add_argument(
        "--client", type=positive_id, required=True, metavar=_("ID"), help=_("the client's id")
    )
    erase.add_argument(
        "--yes",
        action="store_true",
        help=_("erase without asking (scripts); on a terminal you type the client's name"),
    )
    erase.add_argument(
        "--sole-trader",
        action="store_true",
        help=_("the client recorded as a company is a sole trader (a natural person)"),
    )
    erase.set_defaults(handler=handle_erase)


def handle_export(args: argparse.Namespace) -> int:
    """Print the client's data as indented JSON."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            data = await export_client(ctx, args.client)
        print_json(data)
        return 0

    return run(body)


def _same_name(typed: str, name: str) -> bool:
    """Whether what was typed is the client's name (case and spacing aside)."""
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


def _confirmed(client: Client) -> bool:
    """Ask on the terminal for the client's name; True when it was typed right."""
    echo_err(
        _(
            "This erases the personal data of client {id}, {name}, for good. "
            "Type the client's name to confirm:"
        ).format(id=client.id, name=client.name)
    )
    try:
        typed = sys.stdin.readline()
    except (OSError, UnicodeDecodeError):
        return False
    return _same_name(typed, client.name)


def handle_erase(args: argparse.Namespace) -> int:
    """Check the client may be erased, ask for its name (or ``--yes``), erase, say what was kept.

    Without ``--yes`` and without a terminal to ask on (a script, a pipe)
    nothing is erased: exit 2, naming ``--yes``.
    """
    if not args.yes and not sys.stdin.isatty():
        echo_err(
            "bbdispatch: "
            + _(
                "--yes: erasure asks for the client's name on a terminal; "
                "a script must say --yes (nothing was erased)"
            )
        )
        return EXIT_USAGE

    async def body() -> int:
        async with office_ctx(args) as ctx:
            try:
                client = await erasure_subject(ctx, args.client, sole_trader=args.sole_trader)
                if not args.yes and not await asyncio.to_thread(_confirmed, client):
                    raise CommandError(
                        _("the name typed is not the client's name; nothing was erased")
                    )
                done = await erase_client(ctx, args.client, sole_trader=args.sole_trader)
            except ErasureRefused as err:
                if err.company:
                    raise CommandError(
                        _(
                            "{reason} (if the company is a sole trader, a natural person,"
                            " add --sole-trader)"
                        ).format(reason=err)
                    ) from err
                raise CommandError(str(err)) from err
        if done.kept_for_accounting:
            echo(
                ngettext(
                    "client {id}: personal data erased; kept as accounting law requires "
                    "({law}): {n} issued statement with the name, address and NIP it "
                    "shows, the contracts and the billed jobs",
                    "client {id}: personal data erased; kept as accounting law requires "
                    "({law}): {n} issued statements with the name, address and NIP they "
                    "show, the contracts and the billed jobs",
                    done.statements,
                ).format(id=done.client_id, law=LEGAL_BASIS, n=done.statements)
            )
        elif done.leftovers:
            echo(
                _(
                    "client {id}: erased from the client records, but not everywhere yet;"
                    " run the erase again when no import is running"
                ).format(id=done.client_id)
            )
        else:
            echo(
                _("client {id}: erased everywhere; nothing was issued, so nothing is kept").format(
                    id=done.client_id
                )
            )
        if not done.wal_cleared:
            echo(
                _(
                    "note: another program kept reading the database, so old copies of the"
                    " erased data stay in its -wal file until every program using the database"
                    " has closed it, or until a later erasure empties it"
                )
            )
        if done.leftovers:
            raise CommandError(
                _("some details are still stored in: {where}").format(
                    where=", ".join(done.leftovers)
                )
            )
        return 0

    return run(body)

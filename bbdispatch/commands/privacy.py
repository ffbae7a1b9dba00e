"""``bbdispatch privacy``: RODO (GDPR) requests: export or erase a client's personal data."""

from __future__ import annotations

import argparse

from bbdispatch.commands.common import CommandError, echo, print_json, run
from bbdispatch.commands.office import office_ctx, positive_id
from bbdispatch.i18n import _, ngettext
from bbdispatch.services.privacy import LEGAL_BASIS, erase_client, export_client


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
    erase.set_defaults(handler=handle_erase)


def handle_export(args: argparse.Namespace) -> int:
    """Print the client's data as indented JSON."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            data = await export_client(ctx, args.client)
        print_json(data)
        return 0

    return run(body)


def handle_erase(args: argparse.Namespace) -> int:
    """Erase, then say what was kept and why."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            done = await erase_client(ctx, args.client)
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
                    "note: another program was reading; old copies of pages leave the WAL at "
                    "its next checkpoint"
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

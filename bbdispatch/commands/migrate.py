"""``bbdispatch migrate --to postgresql://...``: move the firm's SQLite database to PostgreSQL."""

from __future__ import annotations

import argparse

from bbdispatch.commands.common import EXIT_USAGE, CommandError, echo, echo_err, open_ctx, run
from bbdispatch.database_url import looks_like_url, parse_database_url
from bbdispatch.i18n import _, ngettext
from bbdispatch.services.transfer import migrate_to


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``migrate`` subcommand."""
    parser = sub.add_parser(
        "migrate",
        help=_("copy this database into PostgreSQL and check the copy (admins)"),
        description=_(
            "Copies every row of the --db database into an empty PostgreSQL database, "
            "then compares rows, money and minutes of every table (docs/scaling.md)."
        ),
    )
    parser.add_argument(
        "--to", required=True, metavar="postgresql://USER@HOST:PORT/DB", help=_("the target")
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Copy, compare, and say so: exit 0 only when every figure matches."""
    if not looks_like_url(args.to):
        echo_err(_("migrate: --to must be a postgresql:// URL"))
        return EXIT_USAGE
    parse_database_url(args.to, "--to")  # malformed: one line, exit 2 (to_a_reader)

    async def body() -> int:
        async with open_ctx(args) as ctx:
            moved = await migrate_to(ctx, args.to)
        total = sum(moved.rows.values())
        if moved.mismatches:
            raise CommandError("\n".join([_("the copy differs:"), *moved.mismatches]))
        echo(
            ngettext(
                "{n} row in {tables} tables copied; counts, money and minutes match",
                "{n} rows in {tables} tables copied; counts, money and minutes match",
                total,
            ).format(n=total, tables=len(moved.rows))
        )
        return 0

    return run(body)

"""``bbdispatch migrate --to postgresql://...``: move the firm's SQLite database to PostgreSQL."""

from __future__ import annotations

import argparse

from bbdispatch.commands.common import EXIT_USAGE, CommandError, echo, open_ctx, run
from bbdispatch.database_url import looks_like_url, masked, parse_database_url
from bbdispatch.i18n import _, ngettext
from bbdispatch.paths import database_target, is_database_url
from bbdispatch.services.transfer import FROM_A_SERVER, migrate_to


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
    """Copy, compare, and say so: exit 0 only when every figure matches.

    A wrong pair is refused in one line, exit 2, before either database is
    opened: a target that is not a ``postgresql://`` URL, or a source
    (``--db``, ``BBDISPATCH_DB``) that is a PostgreSQL database already.

    Raises:
        CommandError: either of those (``bbdispatch:`` like every other error).
        DatabaseUrlError: a malformed ``--to`` or source URL.
    """
    if not looks_like_url(args.to):
        raise CommandError(
            _(
                "--to: migrate copies into a PostgreSQL server: give its"
                " postgresql://USER@HOST/DB URL, not the file {target}"
            ).format(target=args.to),
            EXIT_USAGE,
        )
    parse_database_url(args.to, "--to")  # malformed: one line, exit 2 (to_a_reader)
    source = database_target(args.db)
    if is_database_url(source):
        raise CommandError(
            _(FROM_A_SERVER).format(source=masked(str(source), hide=False)), EXIT_USAGE
        )

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

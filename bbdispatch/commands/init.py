"""``bbdispatch init``: create or migrate the database, and name its first admin."""

from __future__ import annotations

import argparse

from bbdispatch.commands.common import echo, open_ctx, run
from bbdispatch.i18n import _, asked_language
from bbdispatch.services.bootstrap import AdminOutcome, ensure_first_admin
from bbdispatch.services.people import os_login
from bbdispatch.services.settings import adopt_firm_language


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``init`` subcommand."""
    parser = sub.add_parser(
        "init",
        help=_("create or migrate the database; the first admin is you or --admin LOGIN"),
    )
    parser.add_argument(
        "--admin",
        metavar=_("LOGIN"),
        help=_("OS login of the first admin (default: the login running init)"),
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Create or migrate, make the first admin if there is none, and say so."""

    async def body() -> int:
        login = args.admin or os_login()
        async with open_ctx(args, create=True) as ctx:
            version = await ctx.db.schema_version()
            shown = ctx.db.display_name
            first = await ensure_first_admin(ctx, login, named=args.admin is not None)
            asked = asked_language()
            if asked is not None:  # a firm set up on a Polish machine speaks Polish
                await adopt_firm_language(ctx, asked)
        echo(_("{path}: schema {version}").format(path=shown, version=version))
        if first.outcome is AdminOutcome.CREATED:
            echo(
                _("{login} is the first admin (added as a person of the firm).").format(login=login)
            )
        elif first.outcome is AdminOutcome.PROMOTED:
            echo(_("{login} is now the first admin.").format(login=login))
        else:
            echo(_("admins: {admins}").format(admins=", ".join(first.admins)))
        return 0

    return run(body)

"""``bbdispatch init``: create the database or bring its schema up to date."""

from __future__ import annotations

import argparse

from bbdispatch.commands.common import echo, open_ctx, run
from bbdispatch.paths import default_db_path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``init`` subcommand."""
    parser = sub.add_parser("init", help="create or migrate the database")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Create or migrate, then say where and at which schema version."""

    async def body() -> int:
        async with open_ctx(args, create=True) as ctx:
            version = await ctx.db.schema_version()
        echo(f"{default_db_path(args.db)}: schema {version}")
        return 0

    return run(body)

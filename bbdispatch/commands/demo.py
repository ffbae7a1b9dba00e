"""``bbdispatch demo``: a realistic demo database to try the dispatcher on."""

from __future__ import annotations

import argparse

from bbdispatch.commands.common import CommandError, echo, open_ctx, run
from bbdispatch.i18n import _, asked_language
from bbdispatch.paths import default_db_path
from bbdispatch.services.demo import build_demo
from bbdispatch.services.people import os_login
from bbdispatch.services.settings import adopt_firm_language
from bbdispatch.storage.database import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` subcommand."""
    parser = sub.add_parser("demo", help=_("fill a new database with the demo firm"))
    parser.add_argument(
        "--reset", action="store_true", help=_("delete the database file first if it exists")
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Build the demo (refusing to mix it into a database that has data)."""
    path = default_db_path(args.db)

    async def body() -> int:
        if args.reset:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        async with open_ctx(args, create=True, setup=True) as ctx:
            if await _has_data(ctx.db):
                raise CommandError(
                    _("{path} already has data; use demo --reset to replace it").format(path=path)
                )
            await build_demo(ctx, add_login=os_login())
            asked = asked_language()
            if asked is not None:  # a demo on a Polish machine comes up in Polish
                await adopt_firm_language(ctx, asked)
        echo(_("{path}: demo firm ready").format(path=path))
        return 0

    return run(body)


async def _has_data(db: Database) -> bool:
    """Clients, or anyone but the login running it (whom ``init`` made the first admin)."""
    from bbdispatch.storage.clients import all_clients
    from bbdispatch.storage.people import all_people

    others = [p for p in await all_people(db, active_only=False) if p.login != os_login()]
    return bool(others or await all_clients(db))

"""``bbdispatch demo``: a realistic demo database to try the dispatcher on."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bbdispatch.commands.common import CommandError, echo, open_ctx, run
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.rights import Action, Refused
from bbdispatch.i18n import _, asked_language
from bbdispatch.paths import database_target
from bbdispatch.services.context import Ctx
from bbdispatch.services.demo import build_demo
from bbdispatch.services.people import os_login
from bbdispatch.services.rights import check
from bbdispatch.services.settings import adopt_firm_language
from bbdispatch.storage import db_file
from bbdispatch.storage.database import Database, StorageError, for_command_line


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` subcommand."""
    parser = sub.add_parser("demo", help=_("fill a new database with the demo firm"))
    parser.add_argument(
        "--reset", action="store_true", help=_("delete the database file first if it exists")
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Build the demo (refusing to mix it into a database that has data).

    On a database that exists already, ``demo`` (with ``--reset`` or not) needs
    an admin of that database (``docs/rights.md``): a technician, the phone
    system or a login that is no person must not wipe the firm's data.
    """
    target = database_target(args.db)
    if isinstance(target, str):
        return run(lambda: _demo_on_server(args, target))
    path = target

    async def body() -> int:
        if _exists(path):
            await _require_admin(args, path)
        if args.reset:
            # Refused, like a restore, while anyone has the database open.
            await asyncio.to_thread(db_file.remove_unused, path)
        async with open_ctx(args, create=True, setup=True) as ctx:
            if await _has_data(ctx.db):
                raise CommandError(
                    _("{path} already has data; use demo --reset to replace it").format(path=path)
                )
            await _build(ctx, path)
            asked = asked_language()
            if asked is not None:  # a demo on a Polish machine comes up in Polish
                await adopt_firm_language(ctx, asked)
        echo(_("{path}: demo firm ready").format(path=path))
        return 0

    return run(body)


async def _build(ctx: Ctx, shown: Path | str) -> None:
    """Build the demo, saying truthfully what a failure partway leaves in ``shown``.

    The demo is written in many short transactions (as the services write a
    firm's day), so a full disk or a busy database stops it partway with the
    earlier ones committed: people, clients, some contracts and jobs. The
    storage error's own "nothing was changed" is then false; the message says
    the database holds an unfinished demo and that ``demo --reset`` (which
    replaces it whole) is the way back once the cause is gone.

    Raises:
        CommandError: the build failed; one line with the cause and the remedy.
    """
    try:
        await build_demo(ctx, add_login=os_login())
    except (StorageError, DomainError) as err:
        cause = getattr(err, "cause", None) or for_command_line(err)
        raise CommandError(
            _(
                "The demo stopped partway ({cause}): {path} holds an unfinished demo firm"
                " (what was written before the failure). Free some space or end the cause,"
                " then run 'bbdispatch demo --reset' to build it again from the start."
            ).format(cause=cause, path=shown)
        ) from err


def _exists(path: Path) -> bool:
    """Whether ``path`` is a file with something in it (an empty file is a new database)."""
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False
    except OSError:  # out of this login's reach: opening it says so in one line
        return True


async def _require_admin(args: argparse.Namespace, path: Path | str) -> None:
    """Refuse, changing nothing, unless the login running this is an admin of ``path``.

    Raises:
        CommandError: one line naming the database and why.
    """
    async with open_ctx(args) as ctx:
        try:
            await check(ctx, Action.BACKUP)
        except Refused as err:
            raise CommandError(
                _("{reason} Only an admin of {path} may replace it with the demo.").format(
                    reason=err, path=path
                )
            ) from err


async def _demo_on_server(args: argparse.Namespace, url: str) -> int:
    """``demo`` on PostgreSQL: the database exists (the server's administrator made it).

    A database with data needs an admin of it, as a file does; ``--reset``
    then drops bbdispatch's tables and builds the demo afresh.
    """
    async with open_ctx(args, create=True, setup=True) as ctx:
        shown = ctx.db.display_name
        has_data = await _has_data(ctx.db)
    if has_data:
        await _require_admin(args, shown)
        if not args.reset:
            raise CommandError(
                _("{path} already has data; use demo --reset to replace it").format(path=shown)
            )
        async with open_ctx(args) as ctx:
            await ctx.db.wipe()
    async with open_ctx(args, create=True, setup=True) as ctx:
        await _build(ctx, shown)
        asked = asked_language()
        if asked is not None:
            await adopt_firm_language(ctx, asked)
    echo(_("{path}: demo firm ready").format(path=shown))
    return 0


async def _has_data(db: Database) -> bool:
    """Clients, or anyone but the login running it (whom ``init`` made the first admin)."""
    from bbdispatch.storage.clients import all_clients
    from bbdispatch.storage.people import all_people

    others = [p for p in await all_people(db, active_only=False) if p.login != os_login()]
    return bool(others or await all_clients(db))

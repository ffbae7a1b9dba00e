"""Starting a TUI from the command line: check who is at the keyboard, then run the App.

The identity check runs before the first frame, so an unknown login gets one
clear line and a non-zero exit instead of a flash of an empty screen.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bbdispatch.clock import SystemClock
from bbdispatch.commands.language_early import firm_language_before_open
from bbdispatch.database_url import DatabaseUrlError
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.people import Role
from bbdispatch.i18n import _, apply_firm_language, current_language
from bbdispatch.paths import database_target
from bbdispatch.pricelist import PriceList, PriceListError, load_pricelist
from bbdispatch.services.context import Ctx
from bbdispatch.services.people import (
    ROOT_PERSON_ID,
    identify,
    os_fallback,
    os_login,
    refuse_foreign_database_role,
    role_note,
)
from bbdispatch.services.settings import firm_language
from bbdispatch.storage.database import Database, StorageError, for_command_line
from bbdispatch.text import printable


def run_tui(args: argparse.Namespace, mode: str) -> int:
    """Run the dispatcher (``mode="dispatcher"``) or technician TUI until it quits."""
    try:
        return asyncio.run(_run(args, mode))
    except DatabaseUrlError as err:  # a malformed --db or BBDISPATCH_DB: a wrong argument
        print(f"bbdispatch: {printable(str(err))}", file=sys.stderr)
        return 2
    except (StorageError, PriceListError, DomainError) as err:
        print(f"bbdispatch: {printable(for_command_line(err))}", file=sys.stderr)
        return 1
    except sqlite3.Error as err:
        message = _("database error: {err}").format(err=printable(str(err)))
        print(f"bbdispatch: {message}", file=sys.stderr)
        return 1


def has_terminal() -> bool:
    """Whether both stdin and stdout are a terminal (a screen needs both)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def no_terminal_message(mode: str) -> str:
    """The one line for a screen started without a terminal (stdin or stdout redirected)."""
    command = "bbdispatch tech" if mode == "technician" else "bbdispatch"
    return _(
        "{command} is a full-screen program: its input and output must be a terminal "
        "(over SSH: ssh -t); for scripts use the subcommands (bbdispatch --help)."
    ).format(command=command)


T = TypeVar("T")


async def _said_in_firm_language(args: argparse.Namespace, step: Callable[[], Awaitable[T]]) -> T:
    """Run a start-up step that precedes the session's connection; fail in the firm's language.

    The language is read with the session's own connection; a price list or a
    database that fails before it is read gets the setting from a short peek
    (:func:`~bbdispatch.commands.language_early.firm_language_before_open`) and,
    when that changes the language, the step is tried again so that its message
    is built in that language.
    """
    try:
        return await step()
    except (StorageError, PriceListError, DomainError):
        before = current_language()
        firm_language_before_open(args.db)
        if current_language() == before:
            raise
        return await step()


def run_dispatcher(args: argparse.Namespace) -> int:
    """The dispatcher TUI (``bbdispatch`` with no subcommand)."""
    return run_tui(args, "dispatcher")


async def _run(args: argparse.Namespace, mode: str) -> int:
    async def read_prices() -> PriceList:
        return load_pricelist()

    prices = await _said_in_firm_language(args, read_prices)
    path = database_target(args.db)
    login = os_login()
    fallback = os_fallback()

    async def open_ctx() -> Ctx:
        db = await Database.open(path, create=False)
        # The same fallback as a command's (root acts as admin): one rule for both.
        return Ctx(db=db, clock=SystemClock(), prices=prices, actor=login, fallback=fallback)

    ctx = await _said_in_firm_language(args, open_ctx)
    try:
        # A database role that is another person's is refused before anything is read.
        await refuse_foreign_database_role(ctx, login, args.act_as)
        # The firm's language is read on the session's own connection, before any
        # screen is imported: the command line no longer peeks for it over a
        # connection of its own (on PostgreSQL, a log-in more before the first frame).
        apply_firm_language(await firm_language(ctx))
    except BaseException:
        await ctx.db.close()
        raise
    # The connection the identity check opened is the App's: opening the database
    # again (a connection, its pragmas, the schema check) delayed the first frame.
    unused = [ctx]

    async def app_ctx() -> Ctx:
        return unused.pop() if unused else await open_ctx()

    try:
        user = await identify(ctx, login, args.act_as)
        as_user = ctx if user.login == login else ctx.acting_as(login, user.login)
        note = await role_note(as_user)  # a role changed outside bbdispatch
        if mode == "technician" and user.id == ROOT_PERSON_ID:
            raise DomainError(
                _(
                    "{login} is no person of the firm, so it has no jobs of its own; "
                    "use 'bbdispatch tech --as LOGIN'."
                ).format(login=login)
            )
        if mode == "dispatcher" and user.role is Role.TECHNICIAN:
            told = _("{login} is a technician: use 'bbdispatch tech'.").format(login=user.login)
            raise DomainError(f"{told} {note}" if note else told)

        if not has_terminal():
            # Textual would draw into a pipe and poll a closed stdin for ever (a
            # busy loop): a screen needs a terminal on both sides.
            print(f"bbdispatch: {no_terminal_message(mode)}", file=sys.stderr)
            return 2

        from bbdispatch.app import BBDispatch

        app = BBDispatch(app_ctx, user, mode=mode, real_login=login)
        await app.run_async(mouse=not args.no_mouse)  # the App closes what it opened
        return app.return_code or 0
    finally:
        if unused:  # the App never took it
            await ctx.db.close()

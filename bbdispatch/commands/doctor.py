"""``bbdispatch doctor``: check a firm's set-up and say what to fix, one line each."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from bbdispatch.commands.common import echo, run
from bbdispatch.i18n import _, pgettext
from bbdispatch.paths import database_target
from bbdispatch.services.doctor import run_checks
from bbdispatch.storage.database import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``doctor`` subcommand."""
    parser = sub.add_parser(
        "doctor",
        help=_(
            "check the set-up (permissions, admin, price list, accounts, ssh, cron); "
            "exit 0 when all is well"
        ),
    )
    parser.add_argument(
        "--root", type=Path, default=Path("/"), help=argparse.SUPPRESS
    )  # system files under another folder: for tests
    parser.add_argument(
        "--program", default=None, help=argparse.SUPPRESS
    )  # the program office accounts run, under --root: for tests
    parser.set_defaults(handler=handle)


def own_program() -> str:
    """The bbdispatch program dispatchers and admins would run, as an absolute path.

    The one this doctor was started as (``sys.argv[0]``, when it is a
    ``bbdispatch`` file), else ``bbdispatch`` on the PATH (a wrapper in
    ``/usr/local/bin``), else the one beside this Python (a venv's ``bin``),
    else this Python itself.
    """
    started = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if started is not None and started.name == "bbdispatch" and started.is_file():
        return os.path.abspath(started)
    found = shutil.which("bbdispatch")
    if found:
        return os.path.abspath(found)
    beside = Path(sys.executable).parent / "bbdispatch"
    return str(beside) if beside.is_file() else sys.executable


def handle(args: argparse.Namespace) -> int:
    """Print one line per check ("ok", "FIX", or "???" where this login cannot see).

    Exit 1 when anything needs fixing or could not be checked.
    """

    async def body() -> int:
        target = database_target(args.db)
        if isinstance(target, Path):
            target = target.resolve()
        db = await Database.open(target, create=False, migrate=False)
        try:
            checks = await run_checks(db, args.root, args.program or own_program())
        finally:
            await db.close()
        marks = {True: pgettext("doctor", "ok"), False: pgettext("doctor", "FIX")}
        width = max(3, *(len(mark) for mark in marks.values()))
        for c in checks:
            mark = "???" if c.unchecked and not c.ok else marks[c.ok]
            echo(f"{mark:<{width}}  {c.what}: {c.message}")
        return 0 if all(c.ok for c in checks) else 1

    return run(body)

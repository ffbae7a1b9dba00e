"""``bbdispatch import FILE.csv``: load an existing client list, all or nothing."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from bbdispatch.commands.common import CommandError, echo, echo_err, open_ctx, run
from bbdispatch.i18n import _, ngettext
from bbdispatch.pricelist import PriceListError
from bbdispatch.services.import_clients import (
    COLUMNS,
    ImportedRow,
    ImportSummary,
    InterruptedImport,
    check_clients,
    database_conflicts,
    import_clients,
    interrupted_imports,
    read_clients,
)
from bbdispatch.services.spreadsheet import ImportFileError, RowProblem, open_import
from bbdispatch.storage.database import StorageError

T = TypeVar("T")
BACKGROUND_ROWS = 1000
"""Imports larger than this run at a lower CPU priority (``nice 10``)."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import`` subcommand."""
    parser = sub.add_parser(
        "import",
        help=_("import clients from a CSV file"),
        description=_(
            "Columns (header row, comma or semicolon; English or Polish names): {columns}. "
            "kind: company/firma or private/osoba prywatna. UTF-8 (with or without BOM), "
            "UTF-16 with BOM, Windows-1250 or ISO-8859-2."
        ).format(columns=", ".join(COLUMNS)),
    )
    parser.add_argument("file", type=Path, metavar=_("FILE"), help=_("CSV file with a header row"))
    add_check_flag(parser)
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument(
        "--finish-interrupted",
        dest="interrupted",
        action="store_const",
        const="finish",
        default="",
        help=_("first add the rest of an earlier import that was interrupted"),
    )
    choice.add_argument(
        "--drop-interrupted",
        dest="interrupted",
        action="store_const",
        const="drop",
        help=_("leave out the rest of an earlier interrupted import (what it added stays)"),
    )
    parser.set_defaults(handler=handle)


def add_check_flag(parser: argparse.ArgumentParser) -> None:
    """The ``--check`` dry run every import has."""
    parser.add_argument(
        "--check",
        action="store_true",
        help=_("only check the file: list every bad row by line and column, write nothing"),
    )


def read_checked(path: Path, parse: Callable[[TextIO], T]) -> T:
    """Read and check an import file, a line at a time (never the whole file at once).

    Raises:
        CommandError: the file cannot be read, or is refused whole (its
            encoding, its header), each problem on its own line of the message.
    """
    try:
        with open_import(path) as text:
            return parse(text)
    except OSError as err:
        raise CommandError(f"{path}: {err.strerror}") from err  # the system's own words
    except UnicodeDecodeError as err:  # changed between the two readings
        raise CommandError(f"{path}: {err}") from err
    except ImportFileError as err:
        raise CommandError(problem_report(path, err)) from err


def problem_report(path: Path, err: ImportFileError) -> str:
    """Every problem of a file, one per line under a heading that says nothing was written."""
    count = len(err.problems)
    head = ngettext(
        "{f}: {n} problem; nothing was imported", "{f}: {n} problems; nothing was imported", count
    ).format(f=path, n=count)
    return "\n".join([head, *(f"  {p.message if p.line == 0 else p}" for p in err.problems)])


async def _database_check(
    args: argparse.Namespace, rows: list[ImportedRow]
) -> tuple[list[str], list[RowProblem], ImportSummary | None]:
    """What a check finds in the database (nothing without a database).

    An interrupted earlier import, NIPs that belong to a client of another
    name, and how many rows the import would add (None when it cannot tell:
    no database, or conflicts).
    """
    try:
        async with open_ctx(args) as ctx:
            waiting = [item.describe() for item in await interrupted_imports(ctx.db)]
            conflicts = await database_conflicts(ctx, rows)
            if conflicts:
                return waiting, conflicts, None
            return waiting, [], await check_clients(ctx, rows)
    except (StorageError, PriceListError):
        return [], [], None


def handle(args: argparse.Namespace) -> int:
    """Check the whole file first, then import it (all or nothing)."""

    async def body() -> int:
        found = read_checked(args.file, read_clients)
        rows = found.rows
        if args.check or found.problems:
            # Both kinds of problem in one pass: the file's own and the database's.
            waiting, conflicts, plan = await _database_check(args, rows)
            if args.check:
                for line in waiting:
                    echo_err(line)
            if found.problems or conflicts:
                raise CommandError(problem_report(args.file, found.error(conflicts)))
            text = ngettext(
                "{f}: {n} client, no problems found",
                "{f}: {n} clients, no problems found",
                len(rows),
            ).format(f=args.file, n=len(rows))
            if plan is not None:
                text += " " + _("(to add: {a}, already there: {s})").format(
                    a=plan.added, s=plan.skipped
                )
            echo(text)
            return 0
        if len(rows) > BACKGROUND_ROWS:
            # A bulk load is background work: the phone system's rings and the
            # people at the keyboard get the processor first.
            os.nice(10)
        async with open_ctx(args) as ctx:
            try:
                summary = await import_clients(
                    ctx, rows, source=args.file.name, interrupted=args.interrupted
                )
            except InterruptedImport as err:
                raise CommandError(str(err)) from err
            except ImportFileError as err:
                raise CommandError(problem_report(args.file, err)) from err
        echo(
            ngettext(
                "{f}: {a} client added, {s} already there",
                "{f}: {a} clients added, {s} already there",
                summary.added,
            ).format(f=args.file, a=summary.added, s=summary.skipped)
        )
        return 0

    return run(body)

"""``bbdispatch import FILE.csv``: load an existing client list, all or nothing."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO, TypeVar

from bbdispatch.commands.common import CommandError, echo, echo_err, open_ctx, run
from bbdispatch.i18n import _, ngettext
from bbdispatch.pricelist import PriceListError
from bbdispatch.services.import_clients import (
    COLUMNS,
    ClientsFile,
    ImportSummary,
    InterruptedImport,
    check_clients,
    import_clients,
    interrupted_imports,
    stream_clients,
)
from bbdispatch.services.spreadsheet import ImportFileError, RowProblem, open_import
from bbdispatch.storage.database import StorageError

T = TypeVar("T")
BACKGROUND_BYTES = 100_000
"""Imports of files larger than this (about a thousand rows) run at a lower CPU priority
(``nice 10``)."""


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
    with _import_file(path) as text:
        return parse(text)


@contextmanager
def _import_file(path: Path) -> Iterator[TextIO]:
    """The file opened as text; what goes wrong while it is read becomes a CommandError.

    Raises:
        CommandError: the file cannot be read (when opened or while its rows
            are read), or is refused whole (its encoding, its header), each
            problem on its own line of the message.
    """
    try:
        with open_import(path) as text:
            yield text
    except OSError as err:
        raise CommandError(f"{path}: {err.strerror}") from err  # the system's own words
    except UnicodeDecodeError as err:  # changed between the two readings
        raise CommandError(f"{path}: {err}") from err
    except ImportFileError as err:
        raise CommandError(problem_report(path, err)) from err


PRINTED_PROBLEMS = 20
"""The most problems a file's report prints; the heading still counts them all.

A file exported with the wrong columns has a problem on every line: 50 000
lines of the same message bury the heading and the terminal's scroll-back.
"""


def problem_report(path: Path, err: ImportFileError) -> str:
    """A file's problems under a heading that counts them all and says nothing was written.

    One per line, the first :data:`PRINTED_PROBLEMS`, then how many more.
    """
    count = len(err.problems)
    head = ngettext(
        "{f}: {n} problem; nothing was imported", "{f}: {n} problems; nothing was imported", count
    ).format(f=path, n=count)
    shown = err.problems[:PRINTED_PROBLEMS]
    lines = [head, *(f"  {p.message if p.line == 0 else p}" for p in shown)]
    more = count - len(shown)
    if more:
        lines.append(
            "  "
            + ngettext("… and {n} more problem", "… and {n} more problems", more).format(n=more)
        )
    return "\n".join(lines)


def warn_left_out(path: Path, warnings: Iterable[RowProblem]) -> None:
    """Say on stderr which columns of the file the import leaves out, one line each.

    Said by ``--check`` and by the import alike, before anything else, so a
    column meant to be read but misspelt is noticed.
    """
    for warning in warnings:
        echo_err(_("{f}: warning: {problem}").format(f=path, problem=warning))


@contextmanager
def _client_file(path: Path) -> Iterator[ClientsFile]:
    """The client file opened and its header read; its rows are read while they are used.

    Raises:
        CommandError: the file cannot be read (now or while its rows are
            read), or is refused whole (its encoding, its header), each problem
            on its own line of the message.
    """
    with _import_file(path) as text:
        found = stream_clients(text)
        warn_left_out(path, found.warnings)
        yield found


def _no_problems(path: Path, rows: int, plan: ImportSummary | None) -> str:
    text = ngettext(
        "{f}: {n} client, no problems found",
        "{f}: {n} clients, no problems found",
        rows,
    ).format(f=path, n=rows)
    if plan is not None:
        text += " " + _("(to add: {a}, already there: {s})").format(a=plan.added, s=plan.skipped)
    return text


async def _check(args: argparse.Namespace, found: ClientsFile) -> int:
    """``--check``: the file's problems and the database's, in one pass; writes nothing.

    Without a database (none yet, or it cannot be opened) the file alone is checked.
    """
    try:
        async with open_ctx(args) as ctx:
            for item in await interrupted_imports(ctx.db):
                echo_err(item.describe())
            plan: ImportSummary | None = await check_clients(ctx, found)
    except ImportFileError as err:
        raise CommandError(problem_report(args.file, err)) from err
    except (StorageError, PriceListError):
        found.read_to_end()
        if found.problems:
            raise CommandError(problem_report(args.file, found.error())) from None
        plan = None
    echo(_no_problems(args.file, found.good, plan))
    return 0


def handle(args: argparse.Namespace) -> int:
    """Check and import the file in one pass, a chunk at a time (all or nothing)."""

    async def body() -> int:
        with _client_file(args.file) as found:
            if args.check:
                return await _check(args, found)
            if args.file.stat().st_size > BACKGROUND_BYTES:
                # A bulk load is background work: the phone system's rings and the
                # people at the keyboard get the processor first.
                os.nice(10)
            try:
                async with open_ctx(args) as ctx:
                    summary = await import_clients(
                        ctx, found, source=args.file.name, interrupted=args.interrupted
                    )
            except InterruptedImport as err:
                raise CommandError(str(err)) from err
            except ImportFileError as err:
                raise CommandError(problem_report(args.file, err)) from err
            except (StorageError, PriceListError):
                found.read_to_end()  # a bad file is reported as such, database or not
                if found.problems:
                    raise CommandError(problem_report(args.file, found.error())) from None
                raise
        echo(
            ngettext(
                "{f}: {a} client added, {s} already there",
                "{f}: {a} clients added, {s} already there",
                summary.added,
            ).format(f=args.file, a=summary.added, s=summary.skipped)
        )
        return 0

    return run(body)

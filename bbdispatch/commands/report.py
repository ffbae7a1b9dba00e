"""``bbdispatch report statement``: a client's work statement for accounting or the client."""

from __future__ import annotations

import argparse
import asyncio
import shlex
from datetime import date
from pathlib import Path

from bbdispatch import dates
from bbdispatch.commands.choice import Choice, add_choice
from bbdispatch.commands.common import (
    EXIT_ERROR,
    EXIT_USAGE,
    CommandError,
    OutputClosed,
    client_id_of,
    echo_err,
    open_ctx,
    run,
    write_stdout,
)
from bbdispatch.commands.office import one_line_errors
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.statements import Statement
from bbdispatch.i18n import N_, Labels, _
from bbdispatch.output_file import (
    OutputExists,
    OutputFailed,
    OutputRefused,
    PendingOutput,
    check_target,
)
from bbdispatch.reports import FORMATS, render
from bbdispatch.reports.itadmin import ITADMIN_FORMATS, render_itadmin
from bbdispatch.services.itadmin_report import OutsideTerm, itadmin_report
from bbdispatch.services.statements import (
    PeriodIssued,
    build_statement,
    draft_period,
    empty_message,
    issue_statement,
    issued_document,
)

FORMAT_LABEL = Labels(
    {
        "csv": N_("CSV, for spreadsheets"),
        "md": N_("Markdown text"),
        "html": N_("HTML page, to print"),
        "json": N_("JSON, for scripts"),
    }
)
"""What each document format is, for ``--help``."""
DELIMITERS = (",", ";")
"""CSV separators: ',' for scripts, ';' for the Polish spreadsheet document."""
DELIMITER_LABEL = Labels({",": N_("comma"), ";": N_("semicolon")})
"""Each CSV separator by name, for ``--help``."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``report`` with its ``statement`` report."""
    parser = sub.add_parser("report", help=_("reports: work statements"))
    reports = parser.add_subparsers(dest="report", metavar=_("REPORT"), required=True)
    st = one_line_errors(
        reports.add_parser("statement", help=_("a client's work statement for a period"))
    )
    st.add_argument("--client", required=True, metavar=_("ID"), help=_("client id"))
    st.add_argument("--from", dest="start", required=True, metavar=_("DATE"), help=_("first day"))
    st.add_argument("--to", dest="end", required=True, metavar=_("DATE"), help=_("last day"))
    add_choice(
        st, "--format", kind=Choice(FORMATS, FORMAT_LABEL, described=True),
        metavar=_("FORMAT"), default="md",
        help=_("output format"),
    )  # fmt: skip
    add_choice(
        st, "--delimiter", kind=Choice(DELIMITERS, DELIMITER_LABEL, described=True),
        metavar=_("SIGN"),
        help=_("CSV delimiter (';' uses a decimal comma); only with --format csv"),
    )  # fmt: skip
    st.add_argument("--output", metavar=_("FILE"), help=_("write here instead of stdout"))
    st.add_argument("--issue", action="store_true", help=_("issue it: lock the period's entries"))
    st.add_argument(
        "--force", action="store_true", help=_("replace the --output file if it exists")
    )
    st.set_defaults(handler=handle_statement)
    it = reports.add_parser(
        "itadmin", help=_("a client's IT administration month: runs, backups, software, fee")
    )
    it.add_argument("--client", required=True, metavar=_("ID"), help=_("client id"))
    it.add_argument("--month", required=True, metavar=_("YYYY-MM"), help=_("the month"))
    add_choice(
        it, "--format", kind=Choice(ITADMIN_FORMATS, FORMAT_LABEL, described=True),
        metavar=_("FORMAT"),
        default="md", help=_("output format"),
    )  # fmt: skip
    it.add_argument("--output", metavar=_("FILE"), help=_("write here instead of stdout"))
    it.add_argument(
        "--force", action="store_true", help=_("replace the --output file if it exists")
    )
    it.set_defaults(handler=handle_itadmin)


def parse_day(text: str, flag: str) -> date:
    """A date as ``2026-11-24`` or ``24.11.2026``.

    Raises:
        CommandError: (exit 2) naming the flag and the expected form.
    """
    try:
        return dates.parse_day(text)
    except ValueError as err:
        raise CommandError(f"{flag}: {err}", EXIT_USAGE) from err


def handle_statement(args: argparse.Namespace) -> int:
    """Build (and optionally issue) the statement, then write it in the asked format.

    Issuing with ``--output``: the document goes into a temporary file beside
    the target while the issue's transaction is open (a folder that refuses
    files or a full disk issues nothing), and is renamed into place only after
    the issue committed, so a failed commit leaves no numbered file behind. If
    the rename itself fails, the statement is issued and its document is kept
    in the database as issued: the message says how to export it again.
    """
    rendered: list[str] = []

    async def body() -> int:
        client_id = client_id_of(args.client)
        if args.delimiter is not None and args.format != "csv":
            raise CommandError(_("--delimiter: only with --format csv"), EXIT_USAGE)
        args.delimiter = args.delimiter or ","
        start = parse_day(args.start, "--from")
        end = parse_day(args.end, "--to")
        async with open_ctx(args) as ctx:
            kept = None
            if not args.issue:
                # An issued period prints exactly as issued, in every format.
                kept = await issued_document(
                    ctx, client_id, start, end, args.format, args.delimiter
                )
            try:
                statement = await build_statement(ctx, client_id, start, end)
            except PeriodIssued as err:
                raise CommandError(str(err), EXIT_USAGE) from err
            if kept is None and not args.issue and statement.number is None:
                cut = await draft_period(ctx, client_id, start, end)
                if cut.note:
                    echo_err(f"bbdispatch: {cut.note}")
            if kept is None and statement.is_empty:
                raise CommandError(empty_message(statement))
            if not args.issue:
                rendered.append(
                    kept if kept is not None else render(statement, args.format, args.delimiter)
                )
                if args.output:
                    await asyncio.to_thread(_write_output, args.output, rendered[0], args.force)
                return 0

            numbers: list[str] = []
            pending = (
                await asyncio.to_thread(_pending_output, args.output, args.force, True)
                if args.output
                else None
            )

            async def deliver(issued: Statement) -> None:
                # Into the temporary file, or out on stdout, while the issue is
                # open: a failed write issues nothing (the real name is given
                # after the commit). A document nobody received is never issued.
                numbers.append(issued.number or "")
                document = render(issued, args.format, args.delimiter)
                if pending is not None:
                    try:
                        await asyncio.to_thread(pending.write, document)
                    except OutputFailed as err:
                        raise CommandError(_not_issued(err)) from err
                    return
                try:
                    write_stdout(document)
                except (OutputClosed, CommandError) as err:
                    raise CommandError(_not_delivered(err)) from err

            try:
                await issue_statement(ctx, client_id, start, end, deliver=deliver)
            except BaseException:
                if pending is not None:
                    pending.discard()  # nothing was issued: no numbered file is left
                raise
            if pending is not None:
                try:
                    await asyncio.to_thread(pending.finish)
                except (OutputFailed, OutputExists, OutputRefused) as err:
                    raise CommandError(_issued_not_written(args, numbers[0], err)) from err
            echo_err(_("Issued statement {n}.").format(n=numbers[0]))
        return 0

    if args.output:
        try:
            check_target(Path(args.output), replace=args.force)
        except OutputRefused as err:
            echo_err(f"bbdispatch: {err}")  # before anything is issued
            return EXIT_USAGE
        except OutputExists:
            echo_err("bbdispatch: " + _exists_message(args.output))  # before anything is issued
            return EXIT_ERROR
    code = run(body)
    if code or not rendered:
        return code
    if not args.output:
        write_stdout(rendered[0])
    return 0


def _not_delivered(err: Exception) -> str:
    """Standard output refused the document being issued: nothing was issued."""
    reason = str(err) if isinstance(err, CommandError) else _("the reader went away")
    return _("{reason}; nothing was issued, the period stays open").format(reason=reason)


def _not_issued(err: OutputFailed) -> str:
    return _("cannot write {path}: {err}; nothing was issued, the period stays open").format(
        path=err.path, err=err.reason
    )


def _issued_not_written(args: argparse.Namespace, number: str, err: DomainError) -> str:
    """The statement is issued but its file could not be put in place: how to get it again."""
    words = ["bbdispatch", "report", "statement", "--client", args.client, "--from",
             args.start, "--to", args.end, "--format", args.format]  # fmt: skip
    if args.format == "csv":
        words += ["--delimiter", args.delimiter]
    words += ["--output", args.output]
    again = " ".join(shlex.quote(w) for w in words)
    return _(
        "Statement {n} is issued, but {path} could not be written ({err}). Its document is"
        " kept as issued; export it again, byte for byte, with: {command}"
    ).format(n=number, path=args.output, err=err, command=again)


def parse_month(text: str) -> date:
    """``2026-11`` (or ``11.2026``) as the first day of that month.

    Raises:
        CommandError: (exit 2) naming the flag and the expected form.
    """
    for sep, order in (("-", (0, 1)), (".", (1, 0))):
        parts = text.strip().split(sep)
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            year, month = int(parts[order[0]]), int(parts[order[1]])
            if 1 <= month <= 12 and 2000 <= year <= 2100:
                return date(year, month, 1)
    raise CommandError(
        _("--month: give a month as 2026-11, not '{text}'").format(text=text), EXIT_USAGE
    )


def handle_itadmin(args: argparse.Namespace) -> int:
    """Build the client's IT administration report for the month and print or write it."""
    rendered: list[str] = []

    async def body() -> int:
        client_id = client_id_of(args.client)
        month = parse_month(args.month)
        async with open_ctx(args) as ctx:
            try:
                report = await itadmin_report(ctx, client_id, month)
            except OutsideTerm as err:
                raise CommandError(str(err), EXIT_USAGE) from err
        rendered.append(render_itadmin(report, args.format))
        if args.output:
            await asyncio.to_thread(_write_output, args.output, rendered[0], args.force)
        return 0

    code = run(body)
    if code or not rendered:
        return code
    if not args.output:
        write_stdout(rendered[0])
    return 0


def _exists_message(path: str) -> str:
    return _("{path} exists already; name another file, or add --force to replace it").format(
        path=path
    )


def _pending_output(path: str, force: bool, issuing: bool) -> PendingOutput:
    """The temporary file for ``--output`` (see :mod:`bbdispatch.output_file`).

    Raises:
        CommandError: the name is not a regular file (exit 2), it exists without
            ``--force``, or its folder refuses new files.
    """
    try:
        return PendingOutput.create(path, replace=force)
    except OutputRefused as err:
        raise CommandError(str(err), EXIT_USAGE) from err
    except OutputExists as err:
        raise CommandError(_exists_message(path)) from err
    except OutputFailed as err:
        raise CommandError(_not_issued(err) if issuing else str(err)) from err


def _write_output(path: str, text: str, force: bool = False) -> None:
    """Write the document whole by the one rule for ``--output`` files, or raise CommandError."""
    with _pending_output(path, force, False) as pending:
        try:
            pending.write(text)
            pending.finish()
        except OutputRefused as err:
            raise CommandError(str(err), EXIT_USAGE) from err
        except OutputExists as err:
            raise CommandError(_exists_message(path)) from err
        except OutputFailed as err:
            raise CommandError(str(err)) from err

"""``bbdispatch time``: record and correct work entries with the TUI's rules.

Technicians record their own time; dispatchers and admins anyone's (``--tech``).
Locked (issued) periods refuse time, overlaps are refused, and every entry is
charged to the right contract again after a change.
"""

from __future__ import annotations

import argparse

from bbdispatch.clock import format_span
from bbdispatch.commands.common import CommandError, echo, print_json, run
from bbdispatch.commands.office import moment, office_ctx, one_line_errors, positive_id
from bbdispatch.i18n import N_, _
from bbdispatch.services.office_time import change_time, record_time
from bbdispatch.services.references import Ref
from bbdispatch.services.timekeeping import PeriodIssued, TooLong


def _long_named(err: TooLong) -> CommandError:
    """The over-limit refusal as the command line says it: with the flag that confirms it."""
    return CommandError(_("{problem} To confirm it, give --long.").format(problem=str(err)), code=1)


LONG_HELP = N_("confirm an entry longer than the price list's timer_limit_hours")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``time add`` and ``time edit``."""
    parser = one_line_errors(sub.add_parser("time", help=_("record and correct work time")))
    actions = parser.add_subparsers(dest="time_command", metavar=_("ACTION"), required=True)
    add = one_line_errors(actions.add_parser("add", help=_("record finished work on a job")))
    add.add_argument(
        "--job", type=positive_id, required=True, metavar=_("ID"), help=_("the job's id")
    )
    add.add_argument(
        "--from",
        dest="start",
        type=moment,
        required=True,
        metavar=_("ISO"),
        help=_("start, local time"),
    )
    add.add_argument(
        "--to", dest="end", type=moment, required=True, metavar=_("ISO"), help=_("end, local time")
    )
    add.add_argument("--text", required=True, metavar=_("TEXT"), help=_("the work, for the client"))
    add.add_argument("--tech", metavar=_("LOGIN"), help=_("who worked (office only; default: you)"))
    add.add_argument("--long", action="store_true", help=_(LONG_HELP))
    add.add_argument(
        "--late",
        metavar=_("REASON"),
        help=_("admin: add forgotten work to an issued period; billed as a correction"),
    )
    add.add_argument("--json", action="store_true", help=_("print the new id as JSON"))
    add.set_defaults(handler=handle_add)
    edit = one_line_errors(actions.add_parser("edit", help=_("correct a work entry")))
    edit.add_argument("entry", type=positive_id, metavar=_("ENTRY"), help=_("the entry's id"))
    edit.add_argument(
        "--from", dest="start", type=moment, metavar=_("ISO"), help=_("new start, local time")
    )
    edit.add_argument(
        "--to", dest="end", type=moment, metavar=_("ISO"), help=_("new end, local time")
    )
    edit.add_argument("--text", metavar=_("TEXT"), help=_("new description for the client"))
    edit.add_argument("--long", action="store_true", help=_(LONG_HELP))
    edit.add_argument(
        "--reason",
        metavar=_("REASON"),
        help=_("admin: correct an entry on an issued statement; billed as a correction"),
    )
    edit.add_argument("--json", action="store_true", help=_("print JSON"))
    edit.set_defaults(handler=handle_edit, entry_refers=Ref.ENTRY)


def handle_add(args: argparse.Namespace) -> int:
    """Record the entry; prints its id."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            try:
                entry_id = await record_time(
                    ctx, args.job, args.start, args.end, args.text, args.tech, long=args.long,
                    late=args.late,
                )  # fmt: skip
            except TooLong as err:
                raise _long_named(err) from err
            except PeriodIssued as err:
                if args.late is not None:
                    raise
                raise CommandError(
                    _(
                        "{problem} An admin adds forgotten work to it with --late REASON"
                        " (billed as a correction on the next statement)."
                    ).format(problem=str(err)),
                    code=1,
                ) from err
        if args.json:
            print_json({"id": entry_id})
        else:
            echo(
                _("entry {id} on job {job}: {span}").format(
                    id=entry_id, job=args.job, span=format_span(args.start, args.end)
                )
            )
        return 0

    return run(body)


def handle_edit(args: argparse.Namespace) -> int:
    """Correct the entry; what is not given stays."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            try:
                correction = await change_time(
                    ctx,
                    args.entry,
                    started_at=args.start,
                    ended_at=args.end,
                    description=args.text,
                    long=args.long,
                    reason=args.reason,
                )
            except TooLong as err:
                raise _long_named(err) from err
        if args.json:
            print_json({"id": args.entry, "correction": correction})
        elif correction is not None:
            echo(
                _(
                    "entry {id} corrected; correction {c} goes into the client's next statement"
                ).format(id=args.entry, c=correction)
            )
        else:
            echo(_("entry {id} corrected").format(id=args.entry))
        return 0

    return run(body)

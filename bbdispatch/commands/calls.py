"""``bbdispatch calls``: the call log, a call's note and closing a call without a job.

What the TUI's call log (``l``) does: list every call, write (or correct) a
call's note, mark a call information only or missed. A missed call with a
number goes on the callback list at once, as in the TUI.
"""

from __future__ import annotations

import argparse
from typing import Any

from bbdispatch.clock import local
from bbdispatch.commands.choice import Choice, add_choice
from bbdispatch.commands.common import echo, echo_err, print_json, run
from bbdispatch.commands.office import office_ctx, one_line_errors, positive_id, row_limit
from bbdispatch.commands.table import cell, when
from bbdispatch.domain.calls import CallOutcome
from bbdispatch.domain.labels import (
    CALL_OUTCOME_LABEL,
    CALL_SOURCE_LABEL,
    CALL_STATE_LABEL,
    width_of,
)
from bbdispatch.domain.messages import shown, stored_code
from bbdispatch.i18n import _
from bbdispatch.phones import format_for_display
from bbdispatch.services.callbacks import note_call
from bbdispatch.services.intake import CallRow, call_log, call_note, call_state, mark_call
from bbdispatch.services.references import Ref

MARKABLE = (CallOutcome.INFORMATION.value, CallOutcome.MISSED.value)
"""What a call may be marked without a job (as the TUI's ``i`` and ``m``)."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``calls`` with ``note`` and ``mark``."""
    parser = one_line_errors(sub.add_parser("calls", help=_("the call log, notes and outcomes")))
    parser.add_argument(
        "--limit", type=row_limit, default=300, metavar=_("N"), help=_("newest N calls")
    )
    parser.add_argument("--json", action="store_true", help=_("machine-readable output"))
    parser.set_defaults(handler=handle_list)
    actions = parser.add_subparsers(dest="calls_command", metavar=_("ACTION"))
    note = one_line_errors(actions.add_parser("note", help=_("write or correct a call's note")))
    note.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the call's id"))
    note.add_argument("text", metavar=_("TEXT"), help=_("the note (empty clears it)"))
    note.add_argument("--json", action="store_true", help=_("print JSON"))
    note.set_defaults(handler=handle_note, id_refers=Ref.CALL)
    mark = one_line_errors(
        actions.add_parser("mark", help=_("close a call without a job: information or missed"))
    )
    mark.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the call's id"))
    add_choice(
        mark, "outcome", kind=Choice(MARKABLE, CALL_OUTCOME_LABEL, {"information": ("info",)}),
        metavar=_("OUTCOME"), help=_("what became of the call"),
    )  # fmt: skip
    mark.add_argument("--note", default="", metavar=_("TEXT"), help=_("the call's note"))
    mark.add_argument(
        "--force",
        action="store_true",
        help=_(
            "mark a call an intake is taking now (its dispatcher's save logs a call of its own)"
        ),
    )
    mark.add_argument("--json", action="store_true", help=_("print JSON"))
    mark.set_defaults(handler=handle_mark, id_refers=Ref.CALL)


def call_json(row: CallRow) -> dict[str, Any]:
    """One call as scripts see it: Warsaw time with offset, the codes of outcome and source.

    ``note`` is worded in the session's language, as the text listing shows
    it; ``note_code`` is the code of a note the system wrote (for example
    ``call.closed_without_job_typed``), None for a person's note or none.
    ``state`` is the outcome as the call log shows it: a waiting call taken by
    hand is ``being_taken``, or ``interrupted`` once its session is gone (the
    note then says interrupted too, as the TUI's call log does).
    """
    call = row.call
    return {
        "id": call.id,
        "received_at": local(call.received_at).isoformat(),
        "number": call.raw_number,
        "e164": call.e164,
        "client_id": call.client_id,
        "client": row.client_name,
        "source": call.source.value,
        "outcome": call.outcome.value,
        "state": call_state(call),
        "job_id": call.job_id,
        "handled_by": call.handled_by,
        "note": shown(note := call_note(call)),
        "note_code": found[0] if (found := stored_code(note)) else None,
    }


def handle_list(args: argparse.Namespace) -> int:
    """List calls, newest first."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            rows = await call_log(ctx, args.limit)
        if args.json:
            print_json([call_json(r) for r in rows])
            return 0
        if not rows:
            echo_err(_("No calls logged."))
            return 0
        outcome_w, source_w = width_of(CALL_STATE_LABEL), width_of(CALL_SOURCE_LABEL)
        for r in rows:
            call = r.call
            number = format_for_display(call.e164) if call.e164 else call.raw_number or "—"
            who = r.client_name or "—"
            # The state, as --json's "state" and the call log's column read it: a call
            # left by a killed intake reads "interrupted", not "waiting" (issue 13).
            outcome = CALL_STATE_LABEL[call_state(call)]
            source = CALL_SOURCE_LABEL[call.source]
            echo(
                f"{call.id:>6} {when(call.received_at)} {cell(number, 16)} "
                f"{source:<{source_w}} {outcome:<{outcome_w}} "
                f"{cell(who, 24)} {shown(call_note(call))}".rstrip()
            )
        return 0

    return run(body)


def handle_note(args: argparse.Namespace) -> int:
    """Write or correct a call's note (audited)."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            await note_call(ctx, args.id, args.text)
        if args.json:
            print_json({"id": args.id, "note": args.text.strip()})
        else:
            echo(_("call {id}: note saved").format(id=args.id))
        return 0

    return run(body)


def handle_mark(args: argparse.Namespace) -> int:
    """Mark a call information only or missed (a missed one goes on the callback list)."""

    async def body() -> int:
        outcome = CallOutcome(args.outcome)
        async with office_ctx(args) as ctx:
            await mark_call(ctx, args.id, outcome, args.note.strip(), force=args.force)
        if args.json:
            print_json({"id": args.id, "outcome": outcome.value})
        else:
            echo(
                _("call {id} marked {outcome}").format(
                    id=args.id, outcome=CALL_OUTCOME_LABEL[outcome]
                )
            )
        return 0

    return run(body)

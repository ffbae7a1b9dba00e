"""``bbdispatch callbacks``: the callback list, as the TUI's ``b`` screen works it.

List what waits (calls nobody handled, then promised callbacks by time), promise
a callback, record one made, or record a try nobody answered. The same services
as the TUI: the same checks, rights and audit trail.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from bbdispatch.clock import local
from bbdispatch.commands.common import echo, echo_err, print_json, run
from bbdispatch.commands.office import moment, office_ctx, one_line_errors, positive_id
from bbdispatch.commands.table import when
from bbdispatch.domain.callbacks import Callback, NewCallback, callback_who
from bbdispatch.domain.calls import CallLogEntry
from bbdispatch.domain.errors import FieldError
from bbdispatch.i18n import _
from bbdispatch.phones import format_for_display, parse_phone
from bbdispatch.services.callbacks import (
    RETRY_DELAY,
    add_callback,
    attempt_callback,
    call_off,
    callback_list,
    finish_callback,
)
from bbdispatch.services.intake import get_call
from bbdispatch.services.references import Ref


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``callbacks`` with ``add``, ``done``, ``attempt`` and ``cancel``."""
    parser = one_line_errors(
        sub.add_parser("callbacks", help=_("the callback list: waiting calls and callbacks"))
    )
    parser.add_argument("--json", action="store_true", help=_("machine-readable output"))
    parser.set_defaults(handler=handle_list)
    actions = parser.add_subparsers(dest="callbacks_command", metavar=_("ACTION"))
    add = one_line_errors(actions.add_parser("add", help=_("promise to call someone back")))
    add.add_argument("--client", type=positive_id, metavar=_("ID"), help=_("the client to call"))
    add.add_argument("--phone", metavar=_("NUMBER"), help=_("the number to call"))
    add.add_argument(
        "--call", type=positive_id, metavar=_("ID"), help=_("the logged call it answers")
    )
    add.add_argument("--name", default="", metavar=_("NAME"), help=_("who to ask for"))
    add.add_argument("--reason", required=True, metavar=_("TEXT"), help=_("why to call back"))
    add.add_argument("--due", type=moment, metavar=_("ISO"), help=_("by when (default: in 1 h)"))
    add.add_argument("--json", action="store_true", help=_("print the new id as JSON"))
    add.set_defaults(handler=handle_add)
    done = one_line_errors(actions.add_parser("done", help=_("record a callback made")))
    done.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the callback's id"))
    done.add_argument(
        "--outcome", required=True, metavar=_("TEXT"), help=_("what came of the call")
    )
    done.add_argument("--json", action="store_true", help=_("print JSON"))
    done.set_defaults(handler=handle_done, id_refers=Ref.CALLBACK)
    tried = one_line_errors(
        actions.add_parser("attempt", help=_("record a try nobody answered; it stays on the list"))
    )
    tried.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the callback's id"))
    tried.add_argument("--note", default="", metavar=_("TEXT"), help=_("e.g. voicemail"))
    tried.add_argument(
        "--retry", type=moment, metavar=_("ISO"), help=_("when to try again (default: in 1 h)")
    )
    tried.add_argument("--json", action="store_true", help=_("print JSON"))
    tried.set_defaults(handler=handle_attempt, id_refers=Ref.CALLBACK)
    cancel = one_line_errors(
        actions.add_parser(
            "cancel", help=_("call a callback off: no longer needed (as the list's call off)")
        )
    )
    cancel.add_argument("id", type=positive_id, metavar=_("ID"), help=_("the callback's id"))
    cancel.add_argument("--reason", default="", metavar=_("TEXT"), help=_("why it is called off"))
    cancel.add_argument("--json", action="store_true", help=_("print JSON"))
    cancel.set_defaults(handler=handle_cancel, id_refers=Ref.CALLBACK)


def _when(at: datetime) -> str:
    return local(at).isoformat()


def waiting_json(call: CallLogEntry) -> dict[str, Any]:
    """A call nobody handled yet, as scripts see it."""
    return {
        "kind": "call",
        "id": call.id,
        "received_at": _when(call.received_at),
        "e164": call.e164,
        "number": call.raw_number,
        "client_id": call.client_id,
    }


def callback_json(cb: Callback, now: datetime) -> dict[str, Any]:
    """A callback not made yet, as scripts see it (``due`` once its time has come)."""
    return {
        "kind": "callback",
        "id": cb.id,
        "due_at": _when(cb.due_at),
        "due": cb.due_at <= now,
        "client_id": cb.client_id,
        "client": cb.client_name,
        "name": cb.name,
        "e164": cb.e164,
        "reason": cb.reason,
        "call_id": cb.call_id,
        "created_by": cb.created_by,
    }


def handle_list(args: argparse.Namespace) -> int:
    """List waiting calls, then open callbacks, the most urgent first."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            found = await callback_list(ctx)
            now = ctx.clock.now()
        if args.json:
            print_json(
                [waiting_json(c) for c in found.waiting_calls]
                + [callback_json(cb, now) for cb in found.callbacks]
            )
            return 0
        if not found.waiting_calls and not found.callbacks:
            echo_err(_("Nobody to call back: no waiting calls, no callbacks."))
            return 0
        for call in found.waiting_calls:
            echo(
                _("call {id} {time} {number}: nobody answered it yet").format(
                    id=call.id, time=_minutes(call.received_at),
                    number=format_for_display(call.e164) or call.raw_number or "—",
                )
            )  # fmt: skip
        for cb in found.callbacks:
            mark = " !" if cb.due_at <= now else ""
            echo(
                _("callback {id} by {time}{mark} {who} {number}: {reason}").format(
                    id=cb.id, time=_minutes(cb.due_at), mark=mark, who=callback_who(cb),
                    number=format_for_display(cb.e164) or "—", reason=cb.reason,
                )
            )  # fmt: skip
        return 0

    return run(body)


def _minutes(at: datetime) -> str:
    return when(at)


def handle_add(args: argparse.Namespace) -> int:
    """Promise a callback to a client, a number or a logged call's caller."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            e164 = None
            if args.phone is not None:
                try:
                    e164 = parse_phone(args.phone)
                except ValueError as err:
                    raise FieldError("phone", str(err)) from err
            client_id = args.client
            if args.call is not None:
                call = await get_call(ctx, args.call)
                client_id = client_id or call.client_id
                e164 = e164 or call.e164
            if client_id is None and e164 is None:
                raise FieldError(
                    "client", _("Give --client, --phone or --call: who is to be called back?")
                )
            due = args.due or ctx.clock.now() + RETRY_DELAY
            new = NewCallback(
                args.reason, due, client_id=client_id, e164=e164, name=args.name, call_id=args.call
            )
            callback_id = await add_callback(ctx, new)
        if args.json:
            print_json({"id": callback_id})
        else:
            echo(
                _("callback {id} by {time}: {reason}").format(
                    id=callback_id, time=_minutes(due), reason=args.reason.strip()
                )
            )
        return 0

    return run(body)


def handle_done(args: argparse.Namespace) -> int:
    """Record a callback made and what came of it."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            await finish_callback(ctx, args.id, args.outcome)
        if args.json:
            print_json({"id": args.id, "done": True})
        else:
            echo(_("callback {id} done").format(id=args.id))
        return 0

    return run(body)


def handle_attempt(args: argparse.Namespace) -> int:
    """Record a try nobody answered; the callback is due again later."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            due = (await attempt_callback(ctx, args.id, args.note, args.retry)).due_at
        if args.json:
            print_json({"id": args.id, "due_at": _when(due)})
        else:
            echo(
                _("callback {id}: no answer; due again {time}").format(
                    id=args.id, time=_minutes(due)
                )
            )
        return 0

    return run(body)


def handle_cancel(args: argparse.Namespace) -> int:
    """Call a callback off (no longer needed), as the callback list's call off does."""

    async def body() -> int:
        async with office_ctx(args) as ctx:
            await call_off(ctx, args.id, args.reason)
        if args.json:
            print_json({"id": args.id, "called_off": True})
        else:
            echo(_("callback {id} called off").format(id=args.id))
        return 0

    return run(body)

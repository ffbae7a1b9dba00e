"""``bbdispatch ring NUMBER``: the phone system reports an incoming call.

Meant for a PBX or softphone hook, so it starts fast (no Textual) and only
writes one call-log row; every running dispatcher sees it within a second and
pops up the intake with the caller already matched.
"""

from __future__ import annotations

import argparse

from bbdispatch.commands.common import echo, echo_err, open_ctx, run
from bbdispatch.i18n import _
from bbdispatch.phones import format_for_display
from bbdispatch.services.intake import record_ring


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``ring`` subcommand."""
    parser = sub.add_parser("ring", help=_("record an incoming call (from the phone system)"))
    parser.add_argument("number", help=_("the caller's number in any common form"))
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Log the call as pending; print who it is, for the phone system's log."""

    async def body() -> int:
        async with open_ctx(args) as ctx:
            call_id, match = await record_ring(ctx, args.number)
        if match is None:
            echo_err(
                _("call {id}: {raw!r} is not a valid number; logged unmatched").format(
                    id=call_id, raw=args.number
                )
            )
            return 0
        names = ", ".join(c.name for c in match.clients) or _("unknown caller")
        echo(f"call {call_id}: {format_for_display(match.e164)} — {names}")
        return 0

    return run(body)

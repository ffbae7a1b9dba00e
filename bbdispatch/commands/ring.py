"""``bbdispatch ring NUMBER``: the phone system reports an incoming call.

Meant for a PBX or softphone hook, so it starts fast (no Textual) and only
writes one call-log row; every running dispatcher sees it within a second and
pops up the intake with the caller already matched. A call the database cannot
take within a few seconds (a long import, a restore) is spooled beside the
database and logged by the next ``ring``, ``schedule run`` or running
dispatcher: never lost.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import time
from pathlib import Path

from bbdispatch.clock import SystemClock
from bbdispatch.commands.common import (
    CommandError,
    PhoneWords,
    echo,
    echo_err,
    open_ctx,
    os_error_text,
    run,
)
from bbdispatch.commands.language_early import firm_language_before_open
from bbdispatch.i18n import _, ngettext
from bbdispatch.paths import database_target, pg_side_folder
from bbdispatch.phones import caller_id_refusal, format_for_display
from bbdispatch.services.callers import NumberMatch, record_ring
from bbdispatch.services.rings import replay_spooled_rings, ring_lock_wait
from bbdispatch.storage.database import DatabaseBusy, DatabaseUnreachable, WriteFailed
from bbdispatch.text import NAME_CELLS, fit


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``ring`` subcommand."""
    parser = sub.add_parser("ring", help=_("record an incoming call (from the phone system)"))
    parser.add_argument(
        "number",
        metavar=_("NUMBER"),
        nargs="+",
        action=PhoneWords,
        help=_("the caller's number in any common form"),
    )
    parser.set_defaults(handler=handle)


FRESH_PROCESS_SECONDS = 5.0
"""A process older than this when ``ring`` runs was not started for this call (a test,
a long-lived hook calling :func:`bbdispatch.cli.main`): its deadline starts with the call."""


def process_started() -> float:
    """When the ring began, on :func:`time.monotonic`'s scale.

    The kernel's start time of the process (``/proc/self/stat``, in clock
    ticks since boot), so the interpreter's own start-up counts against the
    ring's deadline; where that cannot be read, or the process is older than
    :data:`FRESH_PROCESS_SECONDS`, now.
    """
    now = time.monotonic()
    try:
        with open("/proc/self/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        ticks = int(fields[19])  # field 22, counting from the state after the name
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return now
    return now - age if 0 <= age < FRESH_PROCESS_SECONDS else now


BUSY = (DatabaseBusy, DatabaseUnreachable, WriteFailed, sqlite3.OperationalError)
"""What makes a ring queue its call instead of logging it now."""


def handle(args: argparse.Namespace) -> int:
    """Log the call as pending (or spool it); print who it is, for the phone system's log.

    A text that names no caller (:func:`bbdispatch.phones.caller_id_refusal`:
    what ``lookup`` refuses, save a withheld-number word such as ``anonymous``
    and a number of possible length that phonenumbers does not know) is a
    usage error: exit 2, nothing logged.
    """
    if caller_id_refusal(args.number) is not None:
        firm_language_before_open(args.db)  # nothing opened the database yet
        reason = caller_id_refusal(args.number)  # again, in the firm's language
        echo_err("bbdispatch: " + _("ring: {reason}; nothing logged").format(reason=reason))
        return 2
    received_at = SystemClock().now()
    started = process_started()

    async def body() -> int:
        logged: list[tuple[int, NumberMatch | None]] = []
        replayed = 0
        try:
            async with open_ctx(args, prices_on_use=True) as ctx:
                ctx.db.lock_wait_seconds = ring_lock_wait(started, time.monotonic())
                logged.append(await record_ring(ctx, args.number, received_at=received_at))
                # This call is in the database: a busy database now only delays the
                # queued ones (the next ring logs them), it never queues this one again.
                with contextlib.suppress(*BUSY):
                    replayed = await replay_spooled_rings(ctx)
        except BUSY as err:
            if logged:  # failed after the commit (closing): logged, never twice
                return _said_who(*logged[0], replayed, args.number)
            from bbdispatch.storage import spool

            target = database_target(args.db)
            if isinstance(target, Path):
                path = target
            else:  # this machine's folder for the server's database, made on first need
                path = pg_side_folder(target)
                path.parent.mkdir(parents=True, exist_ok=True)
            try:
                spool.spool_ring(path, args.number, received_at)
            except OSError as failed:
                raise CommandError(
                    _("the call is not logged and could not be queued: {reason}").format(
                        reason=os_error_text(failed)
                    )
                ) from failed
            if isinstance(err, DatabaseUnreachable):
                echo(
                    _(
                        "call queued: the database server cannot be reached; "
                        "it is logged at the next ring that reaches it"
                    )
                )
                return 0
            if isinstance(err, WriteFailed):
                echo(
                    _(
                        "call queued: the database could not be written; "
                        "it is logged at the next ring that can write"
                    )
                )
                return 0
            echo(
                _(
                    "call queued: the database is busy (another program is writing); "
                    "it is logged as soon as it is free"
                )
            )
            return 0
        call_id, match = logged[0]
        return _said_who(call_id, match, replayed, args.number)

    return run(body)


def _said_who(call_id: int, match: NumberMatch | None, replayed: int, raw: str) -> int:
    """Print the logged call (and the queued ones logged with it) for the phone system's log."""
    if replayed:
        echo(
            ngettext("{n} queued call logged", "{n} queued calls logged", replayed).format(
                n=replayed
            )
        )
    if match is None:
        echo_err(
            _("call {id}: '{raw}' is not a valid number; logged unmatched").format(
                id=call_id, raw=raw
            )
        )
        return 0
    # One line a caller for the phone system's log: a name written into the database
    # outside the CLI (which caps names) is cut as the CLI would have cut it.
    names = ", ".join(fit(c.name, NAME_CELLS) for c in match.clients) or _("unknown caller")
    echo(
        _("call {id}: {number} — {names}").format(
            id=call_id, number=format_for_display(match.e164), names=names
        )
    )
    return 0

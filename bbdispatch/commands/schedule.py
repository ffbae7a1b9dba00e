"""``bbdispatch schedule run``: create the jobs recurring tasks are due for (cron, systemd)."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime, timedelta

from bbdispatch.clock import SystemClock, format_local, local
from bbdispatch.commands.common import (
    EXIT_USAGE,
    CommandError,
    echo,
    echo_err,
    open_ctx,
    print_json,
    run,
)
from bbdispatch.i18n import _, ngettext
from bbdispatch.services.rings import replay_spooled_rings
from bbdispatch.services.schedule import run_schedule

EXIT_ATTENTION = 3
"""``schedule run`` worked, and reported runs missed or failed for the first time (stderr).

A miss is reported once (remembered in the audit trail), so the code is 3 on
the run that first sees it and 0 after: a systemd ``OnFailure=`` or a monitor
alerts once per miss. A task that could not be planned (exit 1) comes first.
"""

FUTURE_SLACK = timedelta(minutes=5)
"""How far ahead of the system clock a --now may be without --dry-run (clock skew)."""


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``schedule`` subcommand and its ``run`` action."""
    parser = sub.add_parser("schedule", help=_("recurring work of IT administration contracts"))
    actions = parser.add_subparsers(dest="schedule_action", metavar=_("ACTION"), required=True)
    run_parser = actions.add_parser(
        "run", help=_("create due jobs of recurring tasks (each occurrence exactly once)")
    )
    run_parser.add_argument(
        "--now",
        metavar=_("ISO-TIME"),
        help=_("plan as if it were this moment (e.g. 2026-12-01T08:00; no zone = Warsaw time)"),
    )
    run_parser.add_argument(
        "--dry-run",
        action="store_true",
        help=_("only list the jobs that would be created (required with a future --now)"),
    )
    run_parser.add_argument("--json", action="store_true", help=_("print the created jobs as JSON"))
    run_parser.set_defaults(handler=handle_run)


def parse_now(text: str) -> datetime:
    """Read ``--now``: ISO 8601, local Warsaw time unless it names a zone.

    Raises:
        CommandError: not an ISO date-time.
    """
    from bbdispatch.clock import local_today
    from bbdispatch.domain.errors import DomainError
    from bbdispatch.domain.timeinput import parse_firm_moment

    try:
        moment = parse_firm_moment(text.strip().replace("Z", "+00:00"), local_today(SystemClock()))
    except DomainError as err:
        raise CommandError(f"--now: {err}", EXIT_USAGE) from err
    return moment.replace(microsecond=0)


def _real_now() -> datetime:
    """The system clock's now; ``BBDISPATCH_NOW`` (ISO) stands in for it in tests and drills."""
    fake = os.environ.get("BBDISPATCH_NOW")
    return parse_now(fake) if fake else SystemClock().now()


def _refuse_past_the_calendar(now: datetime) -> None:
    """Refuse a ``--now`` after the last day the firm's calendar knows public holidays of.

    The ``holidays`` package knows Poland's holidays up to 31.12.2100; the
    scheduler plans no run after that day (every weekday would look worked).
    A ``--now`` of 2126 listed runs dated 2100 as if due then (issue 13): the
    cap is said instead, naming the flag.

    Raises:
        CommandError: exit 2, naming ``--now`` and the calendar's last day.
    """
    from bbdispatch.domain.calendar import FirmCalendar
    from bbdispatch.formats import format_date

    last = FirmCalendar().known_until
    if local(now).date() > last:
        raise CommandError(
            "--now: "
            + _(
                "The firm's calendar knows public holidays up to {last}: plan runs before then."
            ).format(last=format_date(last)),
            EXIT_USAGE,
        )


def handle_run(args: argparse.Namespace) -> int:
    """Run the scheduler once and report what it created."""

    async def body() -> int:
        now = parse_now(args.now) if args.now else None
        if now is not None and now > _real_now() + FUTURE_SLACK and not args.dry_run:
            # Jobs made ahead of time would also stop the real schedule from making
            # them when they are due: a future --now only ever previews.
            raise CommandError(
                _(
                    "--now {at} is in the future: it would create jobs ahead of time "
                    "(and none when they are due); add --dry-run to preview"
                ).format(at=args.now),
                EXIT_USAGE,
            )
        if now is not None:
            _refuse_past_the_calendar(now)
        async with open_ctx(args) as ctx:
            result = await run_schedule(ctx, now, dry_run=args.dry_run, report_once=True)
            if not args.dry_run:
                await replay_spooled_rings(ctx)  # calls queued while the database was busy
        if args.json:
            print_json(
                [
                    {
                        "job": c.job_id,
                        "task_id": c.task_id,
                        "task": c.task_title,
                        "occurrence_at": c.occurrence_at.astimezone(UTC).isoformat(),
                        "late": c.late,
                    }
                    for c in result.created
                ]
            )
        else:
            for c in result.created:
                late = "  " + _("LATE") if c.late else ""
                job = _("would create") if args.dry_run else _("job {id}").format(id=c.job_id)
                echo(f"{job}  {format_local(c.occurrence_at)}  {c.task_title}{late}")
            count = len(result.created)
            if args.dry_run:
                echo(
                    ngettext(
                        "dry run: {n} job would be created, nothing written",
                        "dry run: {n} jobs would be created, nothing written",
                        count,
                    ).format(n=count)
                )
            else:
                echo(ngettext("{n} job created", "{n} jobs created", count).format(n=count))
        for problem in result.problems:
            echo_err(f"bbdispatch: {problem}")
        for line in result.skipped:
            echo_err(f"bbdispatch: {line}")
        for line in result.attention:
            echo_err(f"bbdispatch: {line}")
        if result.problems:
            return 1
        return EXIT_ATTENTION if result.attention else 0

    return run(body)

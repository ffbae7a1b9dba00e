"""``bbdispatch calendar``: the firm's closed days, and when a job received at a time is due.

It needs no database: the calendar is the price list's business hours, Polish
public holidays (the ``holidays`` package) and the firm's own closed days.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bbdispatch.commands.choice import add_choice, priority_choice
from bbdispatch.commands.common import EXIT_USAGE, echo, echo_err, print_json
from bbdispatch.commands.office import whole_number
from bbdispatch.formats import format_number, weekday_name
from bbdispatch.i18n import _, ngettext
from bbdispatch.text import cell_width, fit

if TYPE_CHECKING:
    from bbdispatch.domain.calendar import FirmCalendar


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``calendar`` subcommand."""
    parser = sub.add_parser(
        "calendar",
        help=_("closed days (public holidays, the firm's own) and response due times"),
        description=_(
            "Without --due: the days of a year the firm is closed on a working "
            "weekday. With --due: when a job received then is due."
        ),
    )
    parser.add_argument(
        "--year", type=whole_number, metavar=_("YEAR"), help=_("closed days of this year")
    )
    parser.add_argument(
        "--due",
        metavar=_("WHEN"),
        help=_("received at: '10.11.2026 15:00' or ISO 8601 (local time)"),
    )
    add_choice(
        parser, "--priority", kind=priority_choice(), metavar=_("PRIORITY"), default="normal",
        help=_("with --due"),
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help=_("machine-readable output"))
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print closed days or a due time."""
    from bbdispatch.clock import SystemClock, YearOutOfRange, check_year, local_today
    from bbdispatch.domain.calendar import calendar_of
    from bbdispatch.domain.timeinput import year_message
    from bbdispatch.pricelist import PriceListError, load_pricelist

    try:
        prices = load_pricelist()
    except PriceListError as err:
        echo_err(f"bbdispatch: {err}")
        return 1
    calendar = calendar_of(prices)
    today = local_today(SystemClock())
    if args.due is None:
        year = today.year if args.year is None else args.year
        try:
            check_year(year)
        except YearOutOfRange:
            echo_err("bbdispatch: --year: " + year_message(year))
            return EXIT_USAGE
        days = closed_weekdays(calendar, year)
        if args.json:
            print_json([{"day": d.isoformat(), "reason": r} for d, r in days])
        else:
            for d, reason in days:
                echo(f"{_day(d, column=True)}  {reason}")
        return 0
    try:
        received = _moment(args.due, today)
    except ValueError as err:
        echo_err("bbdispatch: --due: " + str(err))
        return EXIT_USAGE
    report = due_report(received, args.priority)
    if args.json:
        print_json(report)
    else:
        echo(_("received: {when}").format(when=report["received_local"]))
        echo(_("target: {what}").format(what=report["target"]))
        echo(_("due: {when}").format(when=report["due_local"]))
        for skipped in report["skipped"]:
            echo(
                _("skipped: {day} ({why})").format(day=skipped["day_local"], why=skipped["reason"])
            )
    return 0


def closed_weekdays(calendar: FirmCalendar, year: int) -> list[tuple[date, str]]:
    """Days of ``year`` the firm is closed although they are business weekdays."""
    found = []
    day = date(year, 1, 1)
    while day.year == year:
        reason = calendar.closed_reason(day)
        if reason is not None and day.isoweekday() in calendar.hours.weekdays:
            found.append((day, reason))
        day += timedelta(days=1)
    return found


def due_report(received: datetime, priority: str) -> dict[str, Any]:
    """When a job of ``priority`` received at ``received`` is due, and which days it skipped."""
    from bbdispatch.clock import local
    from bbdispatch.domain.calendar import calendar_of
    from bbdispatch.domain.jobs import Priority
    from bbdispatch.domain.labels import PRIORITY_LABEL
    from bbdispatch.domain.response import response_clock
    from bbdispatch.pricelist import load_pricelist

    prices = load_pricelist()
    calendar = calendar_of(prices)
    target = prices.response_targets[priority]
    clock = response_clock(received, received, target, calendar)
    assert clock.due_at is not None  # no hold: the clock runs
    due = local(clock.due_at)
    skipped = []
    if target.business_days:
        day = local(received).date()
        while day <= due.date():
            reason = calendar.closed_reason(day)
            if reason is not None and day.isoweekday() in calendar.hours.weekdays:
                skipped.append({"day": day.isoformat(), "day_local": _day(day), "reason": reason})
            day += timedelta(days=1)
        what = ngettext(
            "{priority}: {n} business day of {hours} h",
            "{priority}: {n} business days of {hours} h",
            target.business_days,
        ).format(
            priority=PRIORITY_LABEL[Priority(priority)],
            n=target.business_days,
            hours=format_number(Decimal(int(calendar.day_length().total_seconds())) / 3600),
        )
    else:
        what = ngettext(
            "{priority}: {n} clock hour", "{priority}: {n} clock hours", target.hours
        ).format(priority=PRIORITY_LABEL[Priority(priority)], n=target.hours)
    return {
        "priority": priority,
        "received_at": local(received).isoformat(),
        "received_local": _when(local(received)),
        "target": what,
        "due_at": due.isoformat(),
        "due_local": _when(due),
        "skipped": skipped,
    }


def _moment(text: str, today: date) -> datetime:
    from bbdispatch.domain.errors import DomainError
    from bbdispatch.domain.timeinput import parse_firm_moment

    try:
        return parse_firm_moment(text, today)
    except DomainError as err:
        raise ValueError(str(err)) from err


def _weekday(day: date, *, column: bool = False) -> str:
    """The abbreviated weekday; in a column, padded to the widest of the language.

    Polish abbreviations differ in length (``wt.``, ``czw.``, ``niedz.``), so a
    list of days keeps its next column straight only when each name takes the
    terminal cells of the widest one.
    """
    names = [weekday_name(n, width="abbreviated") for n in range(7)]
    name = names[day.weekday()]
    return fit(name, max(cell_width(n) for n in names), pad=True) if column else name


def _day(day: date, *, column: bool = False) -> str:
    from bbdispatch.formats import format_date

    return f"{format_date(day)} {_weekday(day, column=column)}"


def _when(moment: datetime) -> str:
    return f"{_day(moment.date())} {moment.strftime('%H:%M')}"

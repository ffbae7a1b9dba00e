"""Reading times and durations a technician types, in the firm's zone.

Technicians type ``14:30``, ``23.11 14:30`` or ``23.11.2026 14:30`` for a moment
and ``90``, ``1:30`` or ``1h30`` for a duration. Parsing is pure so the rules
are the same in the TUI, the CLI and tests.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from bbdispatch.clock import (
    FIRST_YEAR,
    LAST_YEAR,
    AmbiguousLocalTime,
    NoSuchLocalTime,
    YearOutOfRange,
    check_year,
    firm_time,
    local,
)
from bbdispatch.dates import nearest_year
from bbdispatch.domain.errors import DomainError
from bbdispatch.formats import format_date, format_day_month
from bbdispatch.i18n import _

EDIT_WINDOW_DAYS = 7
"""Technicians may change their own entries of this many last days."""
MAX_DURATION_MINUTES = 24 * 60
"""A longer single entry is a typing error."""

_MOMENT = re.compile(r"^(?:(\d{1,2})[./](\d{1,2})(?:[./](\d{4}))?\s+)?(\d{1,2}):(\d{2})$")
_DURATION = re.compile(r"^(?:(\d+)\s*[h:]\s*(\d{0,2})\s*m?|(\d+)\s*m?)$")
_DECIMAL_HOURS = re.compile(r"^(\d+)[.,](\d+)\s*h?$")


def parse_moment(text: str, today: date) -> datetime:
    """A local moment typed by a person, as an aware UTC datetime.

    Args:
        text: ``HH:MM``, ``DD.MM HH:MM`` or ``DD.MM.YYYY HH:MM`` (or with ``/``,
            as an English session writes dates: ``DD/MM HH:MM``).
        today: the local date used when the text has no date.

    Raises:
        DomainError: the text is not a time in one of those forms.
    """
    found = _MOMENT.match(text.strip())
    if not found:
        raise DomainError(
            _("Type a time as 14:30 or {example}.").format(
                example=format_day_month(date(2026, 11, 23)) + " 14:30"
            )
        )
    day, month, year, hour, minute = found.groups()
    try:
        if year:
            on = date(int(year), int(month), int(day))
        elif day:
            # "01.12" typed on 30.11 is tomorrow; "31.12" typed on 2 January, last month.
            on = nearest_year(int(day), int(month), today)
        else:
            on = today
        wall = datetime(on.year, on.month, on.day, int(hour), int(minute))  # noqa: DTZ001
    except ValueError as err:
        raise DomainError(_("No such date or time: {text}").format(text=text.strip())) from err
    return firm_moment(wall).astimezone(UTC)


def firm_moment(wall: datetime) -> datetime:
    """A wall-clock time in Warsaw as an aware datetime, or a message a person can act on.

    Every path that reads a local time a person typed (the TUI's time fields,
    the command line's ``--from``/``--to``/``--visit``/``--received-at``) calls
    this, through :func:`bbdispatch.clock.firm_time`.

    Raises:
        DomainError: the time never happened in Warsaw (clocks went forward),
            or happened twice (clocks went back), or its year is out of range.
    """
    try:
        return firm_time(wall)
    except YearOutOfRange as err:
        raise DomainError(year_message(int(str(err)))) from err
    except NoSuchLocalTime as err:
        raise DomainError(
            _("{time} never happened in Warsaw (clocks went forward): give a real time.").format(
                time=str(err)
            )
        ) from err
    except AmbiguousLocalTime as err:
        raise DomainError(
            _(
                "{time} happened twice in Warsaw (clocks went back): give a time outside that"
                " hour, or on the command line its offset (+02:00 first, +01:00 second)."
            ).format(time=str(err))
        ) from err


def year_message(year: int) -> str:
    """The one refusal of a year the firm's records do not take."""
    return _("The year {year} is outside {first}–{last}.").format(
        year=year, first=FIRST_YEAR, last=LAST_YEAR
    )


def parse_firm_moment(text: str, today: date) -> datetime:
    """A moment typed on the command line or in a field, as an aware UTC datetime.

    The one reading of firm times outside the TUI's short forms: the dotted
    forms of :func:`parse_moment` (``29.03.2026 01:30``) and ISO 8601
    (``2026-03-29T01:30``). ISO without an offset is the firm's wall clock and
    goes through :func:`firm_moment` like the dotted form, so a time the clocks
    skip or show twice is refused the same way. With an offset
    (``2026-10-25T02:30+01:00``) it is that instant. The result is in UTC, so
    adding hours to it adds real hours across a change of the clocks.

    Raises:
        DomainError: not a time in either form, a time that never happened or
            happened twice in Warsaw, or a year out of range.
    """
    cleaned = text.strip()
    if _MOMENT.match(cleaned):
        return parse_moment(cleaned, today)
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError as err:
        raise DomainError(
            _("Not a time: '{text}' (use 24.11.2026 09:30 or 2026-11-24T09:30).").format(text=text)
        ) from err
    if value.tzinfo is None:
        return firm_moment(value).astimezone(UTC)
    try:
        check_year(value.year)
        return value.astimezone(UTC)
    except (YearOutOfRange, OverflowError) as err:
        raise DomainError(year_message(value.year)) from err


def parse_duration(text: str) -> timedelta:
    """A duration typed by a person: ``90`` (minutes), ``1:30``, ``1h30``, or hours ``1,5``/``1.5``.

    Hours with a fraction take the decimal comma (Polish) or point alike and
    must come to whole minutes (``1,25`` is 75 minutes; ``1,33`` is refused).

    Raises:
        DomainError: not a duration, or zero.
    """
    typed = text.strip().lower()
    decimal = _DECIMAL_HOURS.match(typed)
    found = _DURATION.match(typed)
    if decimal:
        minutes_exact = Decimal(f"{decimal[1]}.{decimal[2]}") * 60
        if minutes_exact != minutes_exact.to_integral_value():
            raise DomainError(
                _("{text} h is not a whole number of minutes: type 1:20 instead.").format(
                    text=text.strip()
                )
            )
        total = int(minutes_exact)
    elif not found:
        raise DomainError(_("Type a duration as 90, 1:30, 1.5 or 1h30."))
    else:
        hours, minutes, only_minutes = found.groups()
        if minutes and int(minutes) >= 60:
            raise DomainError(_("Minutes go up to 59: {text}").format(text=text.strip()))
        total = int(only_minutes) if only_minutes else int(hours) * 60 + int(minutes or 0)
    if total <= 0:
        raise DomainError(_("The duration must be more than zero."))
    if total > MAX_DURATION_MINUTES:
        raise DomainError(_("One entry is at most 24 hours; split longer work."))
    return timedelta(minutes=total)


def format_moment_input(moment: datetime, today: date) -> str:
    """The text ``parse_moment`` reads back: the time only if it is today.

    Another day is written as the session's language writes dates
    (``23.11.2026 14:30`` / ``23/11/2026 14:30``), like the hint under the field
    and every date on the screen; :func:`parse_moment` reads both forms.
    """
    shown = local(moment)
    if shown.date() == today:
        return shown.strftime("%H:%M")
    return f"{format_date(shown.date())} {shown:%H:%M}"

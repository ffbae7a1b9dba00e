"""The firm's calendar: which days are worked, and business time across them.

One place answers "is this a working day?" for the whole app. A day is worked
when all three hold:

1. its ISO weekday is in ``[business_hours] weekdays`` of ``data/pricelist.toml``;
2. it is not a Polish public holiday, as the ``holidays`` package knows them
   (Easter Monday and Corpus Christi move every year; 24 December is a public
   holiday from 2025 on);
3. it is not one of the firm's own closed days (``[calendar] closed_days`` in
   the price list).

Response targets (``domain.response``), "every workday" schedules
(``domain.schedule``) and visit proposals count business time through
:class:`FirmCalendar` only. Times are aware datetimes; business hours are read
in the firm's zone (Europe/Warsaw), so a window keeps its wall-clock hours
across the change to and from summer time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from bbdispatch.clock import FIRM_ZONE, local
from bbdispatch.i18n import _, current_language
from bbdispatch.pricelist import BusinessHours, ClosedDay, PriceList

if TYPE_CHECKING:
    from holidays import HolidayBase

COUNTRY = "PL"
"""Public holidays of this country (ISO 3166 code) close the firm."""
MAX_SEARCH_DAYS = 3660
"""No calendar has ten years without a working day; past this the data is wrong."""

Window = tuple[datetime, datetime]
"""One day's business hours as aware datetimes in the firm's zone: [start, end)."""


def _public_holidays() -> HolidayBase:
    return _holidays_in(None)


@lru_cache(maxsize=4)
def _holidays_in(language: str | None) -> HolidayBase:
    # Imported late: start-up of commands that never count business time stays light.
    import holidays

    return holidays.country_holidays(COUNTRY, language=language)


def _holiday_language() -> str:
    """The ``holidays`` package's language for the session: Polish names in Polish."""
    return "pl" if current_language() == "pl" else "en_US"


@dataclass(frozen=True)
class FirmCalendar:
    """Working days and business hours of the firm.

    Build one with :func:`calendar_of` from the price list; tests may build one
    directly. Public holidays are looked up lazily, year by year, and cached.
    """

    hours: BusinessHours = BusinessHours()
    """Business hours and the weekdays worked."""
    closed: tuple[ClosedDay, ...] = ()
    """The firm's own closed days (stocktaking, a bridge day, …)."""
    _holidays: HolidayBase = field(default_factory=_public_holidays, compare=False, repr=False)

    def public_holiday(self, day: date) -> str | None:
        """The name of the public holiday on ``day`` in the session's language, or None."""
        if day not in self._holidays:
            return None
        return str(_holidays_in(_holiday_language()).get(day))

    def closed_reason(self, day: date) -> str | None:
        """Why the firm does not work on ``day`` (None: it is a working day).

        The reason is for people: "public holiday: …", "closed: …" or "weekend".
        """
        for closed in self.closed:
            if closed.day == day:
                return _("closed: {name}").format(name=closed.name) if closed.name else _("closed")
        holiday = self.public_holiday(day)
        if holiday is not None:
            return _("public holiday: {name}").format(name=holiday)
        if day.isoweekday() not in self.hours.weekdays:
            return _("not a working day")
        return None

    def is_workday(self, day: date) -> bool:
        """Whether the firm works on this local day."""
        return self.closed_reason(day) is None

    def window(self, day: date) -> Window | None:
        """The business hours of a local day, or None when the firm is closed."""
        if not self.is_workday(day):
            return None
        return (
            datetime.combine(day, self.hours.start, tzinfo=FIRM_ZONE),
            datetime.combine(day, self.hours.end, tzinfo=FIRM_ZONE),
        )

    def next_workday(self, day: date, *, inclusive: bool = True) -> date:
        """The first working day on or after ``day`` (after it, if not inclusive).

        Raises:
            ValueError: no working day within ten years (a broken calendar).
        """
        cursor = day if inclusive else day + timedelta(days=1)
        for _step in range(MAX_SEARCH_DAYS):
            if self.is_workday(cursor):
                return cursor
            cursor += timedelta(days=1)
        raise ValueError("the calendar has no working day within ten years")

    def workdays(self, first: date, last: date) -> list[date]:
        """Working days from ``first`` to ``last``, both inclusive."""
        found = []
        day = first
        while day <= last:
            if self.is_workday(day):
                found.append(day)
            day += timedelta(days=1)
        return found

    def day_length(self) -> timedelta:
        """One full business day (8 h for 08:00–16:00)."""
        start = timedelta(hours=self.hours.start.hour, minutes=self.hours.start.minute)
        end = timedelta(hours=self.hours.end.hour, minutes=self.hours.end.minute)
        return end - start

    def counted(self, start: datetime, end: datetime) -> timedelta:
        """Business time between two moments: only the hours inside working days."""
        if end <= start:
            return timedelta(0)
        total = timedelta(0)
        day = local(start).date()
        last = local(end).date()
        while day <= last:
            window = self.window(day)
            if window is not None:
                lo, hi = max(start, window[0]), min(end, window[1])
                if hi > lo:
                    total += hi.astimezone(UTC) - lo.astimezone(UTC)
            day += timedelta(days=1)
        return total

    def advance(self, start: datetime, amount: timedelta) -> datetime:
        """The moment (UTC) when ``amount`` of business time has passed after ``start``.

        A target that runs out exactly at closing time is due at closing time,
        not at the next opening.

        Raises:
            ValueError: the calendar has no working day within ten years.
        """
        left = amount
        cursor = start.astimezone(UTC)
        for _step in range(MAX_SEARCH_DAYS):
            day = local(cursor).date()
            window = self.window(day)
            if window is not None:
                lo = max(cursor, window[0].astimezone(UTC))
                hi = window[1].astimezone(UTC)
                if lo < hi or (lo == hi and left == timedelta(0)):
                    if lo + left <= hi:
                        return lo + left
                    left -= hi - lo
            cursor = datetime.combine(day + timedelta(days=1), time(0), FIRM_ZONE).astimezone(UTC)
        raise ValueError("the calendar has no working day within ten years")


@lru_cache(maxsize=8)
def _calendar(hours: BusinessHours, closed: tuple[ClosedDay, ...]) -> FirmCalendar:
    return FirmCalendar(hours=hours, closed=closed)


def calendar_of(prices: PriceList) -> FirmCalendar:
    """The firm's calendar from its price list (one instance per distinct setting)."""
    return _calendar(prices.business_hours, prices.closed_days)

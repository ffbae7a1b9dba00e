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
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from bbdispatch.clock import FIRM_ZONE, local
from bbdispatch.i18n import _, current_language
from bbdispatch.pricelist import BusinessHours, ClosedDay, PriceList, ResponseTarget

if TYPE_CHECKING:
    from holidays import HolidayBase

COUNTRY = "PL"
"""Public holidays of this country (ISO 3166 code) close the firm."""
KNOWN_UNTIL_YEAR = 2100
"""The last year of Polish public holidays, if the ``holidays`` package does not say."""
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
    _years: dict[int, _Year] = field(default_factory=dict, compare=False, repr=False)
    """Each year's business windows in UTC and their running total, built on first use."""
    allowances: dict[ResponseTarget, tuple[timedelta, FirmCalendar | None]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Kept answers of :func:`bbdispatch.domain.response.target_of` for this calendar
    (one per response target: the board asks once per open job)."""
    _befores: dict[datetime, tuple[int, timedelta]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """:meth:`_before`'s answers, bounded by :data:`_ADVANCED_KEPT`."""
    _advanced: dict[tuple[datetime, timedelta], datetime] = field(
        default_factory=dict, compare=False, repr=False
    )
    """:meth:`advance`'s answers: the board asks the same ones (each open job's due moment)
    on every reload; bounded by :data:`_ADVANCED_KEPT`."""

    @property
    def known_until(self) -> date:
        """The last day whose public holidays the ``holidays`` package knows (31.12.2100).

        Past it every weekday would look worked (25.12.2102 too): schedules
        plan no run after this day, and say so (``domain.schedule``).
        """
        return date(int(getattr(self._holidays, "end_year", KNOWN_UNTIL_YEAR)), 12, 31)

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
        return _day_length(self.hours)

    def counted(self, start: datetime, end: datetime) -> timedelta:
        """Business time between two moments: only the hours inside working days.

        Whole days in between come from a running total per year, so the cost does
        not grow with the distance (the board reads thousands of these per load).
        """
        if end <= start:
            return timedelta(0)
        year_a, before_a = self._before(start)
        year_b, before_b = self._before(end)
        total = before_b - before_a
        for year in range(year_a, year_b):
            total += self._year(year).running[-1]
        return total

    def _before(self, moment: datetime) -> tuple[int, timedelta]:
        """The local year of ``moment`` and the business time of that year before it (kept).

        :meth:`counted` is the difference of two of these: the board asks them
        for the same moments (now, each job's time received) thousands of times.
        """
        found = self._befores.get(moment)
        if found is None:
            day = local(moment).date()
            year = self._year(day.year)
            index = day.toordinal() - year.first
            done = year.running[index]
            window = year.windows[index]
            if window is not None and moment > window[0]:
                done += min(moment, window[1]) - window[0] if window[1] > window[0] else _NONE
            if len(self._befores) >= _ADVANCED_KEPT:
                self._befores.clear()
            found = self._befores[moment] = (day.year, done)
        return found

    def advance(self, start: datetime, amount: timedelta) -> datetime:
        """The moment (UTC) when ``amount`` of business time has passed after ``start``.

        A target that runs out exactly at closing time is due at closing time,
        not at the next opening.

        Raises:
            ValueError: the calendar has no working day within ten years.
        """
        key = (start, amount)
        found = self._advanced.get(key)
        if found is None:
            found = self._advance(start, amount)
            if len(self._advanced) >= _ADVANCED_KEPT:
                self._advanced.clear()
            self._advanced[key] = found
        return found

    def _advance(self, start: datetime, amount: timedelta) -> datetime:
        left = amount
        cursor = start.astimezone(UTC)
        day = local(cursor).date()
        for _step in range(MAX_SEARCH_DAYS):
            window = self._utc_window(day)
            if window is not None:
                # On later days the window opens after ``cursor`` (still on the first
                # day), so ``lo`` is the opening, as from that day's midnight.
                lo = max(cursor, window[0])
                hi = window[1]
                if lo < hi or (lo == hi and left == timedelta(0)):
                    if lo + left <= hi:
                        return lo + left
                    left -= hi - lo
            day += _DAY
        raise ValueError("the calendar has no working day within ten years")

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is None:
            jan1 = date(year, 1, 1)
            windows: list[Window | None] = []
            running = [timedelta(0)]
            day = jan1
            while day.year == year:
                local_window = self.window(day)
                utc_window = (
                    None
                    if local_window is None
                    else (local_window[0].astimezone(UTC), local_window[1].astimezone(UTC))
                )
                windows.append(utc_window)
                length = timedelta(0) if utc_window is None else utc_window[1] - utc_window[0]
                running.append(running[-1] + max(length, timedelta(0)))
                day += _DAY
            found = _Year(jan1.toordinal(), windows, running)
            self._years[year] = found
        return found

    def _utc_window(self, day: date) -> Window | None:
        """The business hours of a local day as UTC datetimes (cached), or None."""
        year = self._year(day.year)
        return year.windows[day.toordinal() - year.first]


_DAY = timedelta(days=1)
_NONE = timedelta(0)
_ADVANCED_KEPT = 20_000
"""How many answers :meth:`FirmCalendar.advance` keeps (the board asks one per open job)."""


@lru_cache(maxsize=8)
def _day_length(hours: BusinessHours) -> timedelta:
    start = timedelta(hours=hours.start.hour, minutes=hours.start.minute)
    end = timedelta(hours=hours.end.hour, minutes=hours.end.minute)
    return end - start


@dataclass(frozen=True)
class _Year:
    """One year of a calendar: each day's UTC window and the running business time."""

    first: int
    """The ordinal of 1 January."""
    windows: list[Window | None]
    """Index: days since 1 January."""
    running: list[timedelta]
    """``running[i]``: business time of the days before day ``i`` (one more than days)."""


@lru_cache(maxsize=8)
def _calendar(hours: BusinessHours, closed: tuple[ClosedDay, ...]) -> FirmCalendar:
    return FirmCalendar(hours=hours, closed=closed)


def calendar_of(prices: PriceList) -> FirmCalendar:
    """The firm's calendar from its price list (one instance per distinct setting)."""
    return _calendar(prices.business_hours, prices.closed_days)

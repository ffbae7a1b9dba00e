"""Time for the whole app: one injectable clock, UTC inside, Warsaw on screen."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    FIRM_ZONE: ZoneInfo
    """The firm's time zone (Europe/Warsaw): every time a person reads is shown in it."""
else:

    def __getattr__(name: str) -> object:
        """``FIRM_ZONE``, loaded on first use (see :func:`firm_zone`)."""
        if name == "FIRM_ZONE":
            return firm_zone()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def firm_zone() -> ZoneInfo:
    """The firm's time zone, Europe/Warsaw (also offered as ``FIRM_ZONE``).

    Loaded on first use: ``zoneinfo`` and the zone's data cost the phone path
    (``ring``, ``lookup``: UTC only, issue 13) over a millisecond at start.
    """
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Warsaw")


_DB_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class Clock(Protocol):
    """Anything that tells the current time; tests pass a frozen one."""

    def now(self) -> datetime:
        """Return the current time as an aware UTC datetime."""
        ...


class SystemClock:
    """The wall clock, truncated to whole seconds as stored."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC).replace(microsecond=0)


class FrozenClock:
    """A clock that only moves when told to, for tests and demos."""

    def __init__(self, at: datetime) -> None:
        self._at = at.astimezone(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        """Return the frozen time."""
        return self._at

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self._at += delta


def to_db(moment: datetime) -> str:
    """Format an aware datetime as the stored UTC text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime cannot be stored")
    return moment.astimezone(UTC).strftime(_DB_FORMAT)


def to_db_opt(moment: datetime | None) -> str | None:
    """Format an aware datetime that may be missing as stored UTC text (or NULL)."""
    return None if moment is None else to_db(moment)


def from_db(text: str) -> datetime:
    """Parse stored UTC text back into an aware datetime.

    ``fromisoformat`` is some twenty times faster than ``strptime``; a work
    statement parses tens of thousands of these. Anything not exactly in the
    stored form still goes through ``strptime``, which rejects it.
    """
    if len(text) == 20 and text[10] == "T" and text[19] == "Z":
        return datetime.fromisoformat(text)  # the trailing Z gives UTC
    return datetime.strptime(text, _DB_FORMAT).replace(tzinfo=UTC)


def from_db_opt(text: str | None) -> datetime | None:
    """Parse stored UTC text that may be NULL."""
    return None if text is None else from_db(text)


class NoSuchLocalTime(ValueError):
    """A wall-clock time the firm's zone skips (02:30 on the night clocks go forward)."""


class AmbiguousLocalTime(ValueError):
    """A wall-clock time the firm's zone shows twice (02:30 on the night clocks go back)."""


FIRST_YEAR = 2000
"""The earliest year of a time the firm's records take (earlier is a typing error)."""
LAST_YEAR = 2999
"""The latest year of a time the firm takes (plans and dry runs look far ahead); keeps
zone arithmetic away from datetime's year 9999."""


class YearOutOfRange(ValueError):
    """A date outside :data:`FIRST_YEAR`–:data:`LAST_YEAR`; the message is the year."""


def check_year(year: int) -> None:
    """Refuse a year outside :data:`FIRST_YEAR`–:data:`LAST_YEAR`.

    Without it ``0001-01-01T00:00`` or ``9999-12-31T15:00`` overflow Python's
    datetime when moved between zones, and ``1900`` is never a real work entry.

    Raises:
        YearOutOfRange: with the year as its message.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise YearOutOfRange(str(year))


def firm_time(wall: datetime) -> datetime:
    """A wall-clock time in the firm's zone (Europe/Warsaw) as an aware datetime.

    The one reading of local times typed by people, in the TUI and on the
    command line. A time the clocks skip (29.03.2026 02:30) never happened, and
    a time they show twice (25.10.2026 02:30) could be either hour: both are
    refused rather than guessed, because a guess moves billed time by an hour.
    On the command line the second case takes an explicit offset
    (``2026-10-25T02:30+02:00`` is the first 02:30, ``+01:00`` the second).

    Args:
        wall: a naive date and time (any tzinfo is ignored).

    Raises:
        YearOutOfRange: the year is outside :data:`FIRST_YEAR`–:data:`LAST_YEAR`.
        NoSuchLocalTime: the time does not exist in Warsaw that day.
        AmbiguousLocalTime: the time occurs twice in Warsaw that day.
    """
    check_year(wall.year)
    naive = wall.replace(tzinfo=None)
    first = naive.replace(tzinfo=firm_zone(), fold=0)
    second = naive.replace(tzinfo=firm_zone(), fold=1)
    if first.astimezone(UTC).astimezone(firm_zone()).replace(tzinfo=None) != naive:
        raise NoSuchLocalTime(naive.strftime("%d.%m.%Y %H:%M"))
    if first.utcoffset() != second.utcoffset():
        raise AmbiguousLocalTime(naive.strftime("%d.%m.%Y %H:%M"))
    return first


def local(moment: datetime) -> datetime:
    """Convert to the firm's zone for display."""
    return moment.astimezone(firm_zone())


class LocalDays:
    """The firm's local day of many stored moments, worked out once per UTC day.

    A year's statement of the busiest client asks the local day of ten thousand
    entries; converting each moment to the firm's zone costs more than the rest
    of reading its line. On a UTC day whose two ends have the same offset, a
    whole number of hours (in Warsaw every day but the two when the clocks
    change), the local day changes at one UTC hour: 23:00 in winter, 22:00 in
    summer. That hour and the two local days are kept per UTC day, keyed by the
    stored text's first 10 characters (``2026-11-24``); the stored text's hour
    then says which day a moment falls on. Any other day converts each moment
    (:func:`local`). One object serves one read: it keeps an answer per day read.
    """

    def __init__(self) -> None:
        """Start with no answers kept."""
        self._by_day: dict[str, tuple[date, str, date] | None] = {}

    def of(self, text: str, moment: datetime) -> date:
        """The local day of ``moment``, whose stored form (:func:`to_db`) is ``text``."""
        if len(text) != 20 or text[10] != "T" or text[19] != "Z":
            return local(moment).date()  # not the stored form: its hour is not at [11:13]
        try:
            known = self._by_day[text[:10]]
        except KeyError:
            known = self._by_day[text[:10]] = self._cut(moment)
        if known is None:
            return local(moment).date()
        before, cut, after = known
        return before if text[11:13] < cut else after

    @staticmethod
    def _cut(moment: datetime) -> tuple[date, str, date] | None:
        """For ``moment``'s UTC day: the local day before the cut, the cut hour, the day after.

        None when the offset changes that day or is not a whole number of hours.
        """
        first = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        offset = local(first).utcoffset()
        last = local(first.replace(hour=23, minute=59, second=59, microsecond=999999))
        if offset is None or offset != last.utcoffset() or offset % timedelta(hours=1):
            return None
        hours = offset // timedelta(hours=1)
        if not -24 < hours < 24:
            return None
        day = first.date()
        if hours >= 0:
            return day, f"{24 - hours:02d}", day + timedelta(days=1)
        return day - timedelta(days=1), f"{-hours:02d}", day


def local_today(clock: Clock) -> date:
    """Today's date in the firm's zone."""
    return local(clock.now()).date()


def local_midnight_utc(day: date) -> datetime:
    """The UTC instant at which the given local day starts in the firm's zone."""
    return datetime(day.year, day.month, day.day, tzinfo=firm_zone()).astimezone(UTC)


def format_local(moment: datetime | None, with_date: bool = True, locale: str | None = None) -> str:
    """Short local display: ``24.11.2026 09:42`` (``24/11/2026 09:42`` in English) or ``09:42``.

    The date as the session's language writes it (:func:`bbdispatch.formats.format_date`);
    documents for the client pass ``locale=DOCUMENT_LOCALE`` and stay Polish.
    """
    if moment is None:
        return ""
    shown = local(moment)
    if not with_date:
        return f"{shown:%H:%M}"
    from bbdispatch.formats import format_date

    return f"{format_date(shown.date(), locale)} {shown:%H:%M}"


def format_local_short(moment: datetime) -> str:
    """A moment of this year, short: ``24.11 09:42`` (``24/11 09:42`` in English)."""
    from bbdispatch.formats import format_day_month

    shown = local(moment)
    return f"{format_day_month(shown.date())} {shown:%H:%M}"


def format_visit(moment: datetime, now: datetime) -> str:
    """A planned visit where space is short, always with its hour (at most 11 cells).

    ``dziś 14:00`` / ``today 14:00`` on the firm's today, ``01.12 14:00``
    (``01/12 14:00``) in this year, and the whole date ``01.12.2027 14:00`` in
    another year (rare; a column may cut it after the year, never the month).
    ``now`` is the firm's clock's now (any zone); both are shown in Warsaw time.
    """
    from bbdispatch.i18n import _

    shown, today = local(moment), local(now).date()
    hour = f"{shown:%H:%M}"
    if shown.date() == today:
        return _("today {time}").format(time=hour)
    if shown.year == today.year:
        return format_local_short(moment)
    return format_local(moment)


def format_span(start: datetime, end: datetime) -> str:
    """A stretch of work as people read it: ``24.11.2026 08:00–09:30`` (in the session's language).

    The end carries its own date when it falls on another local day
    (``01.10.2026 08:00–02.10.2026 06:00``), so a long entry never looks short.
    """
    same_day = local(start).date() == local(end).date()
    return f"{format_local(start)}–{format_local(end, with_date=not same_day)}"


def format_age(delta: timedelta) -> str:
    """A waiting time or the time to a response target, short: ``0:45``, ``12:23``, ``-12:23``.

    Hours and minutes as every duration of the app is written
    (:func:`bbdispatch.formats.format_duration`), negative when a target is
    past (the board's F1 says so); from 100 hours on, whole days in the
    session's language (``5 d`` / ``5 dni``), so it fits a 7-cell column.
    Minutes are counted down (floor): a target 30 s past shows ``-0:01``,
    never ``0:00`` beside the breached flag.
    """
    from bbdispatch.i18n import ngettext

    total = int(delta.total_seconds() // 60)
    sign = "-" if total < 0 else ""
    total = abs(total)
    if total < 100 * 60:
        return f"{sign}{total // 60}:{total % 60:02d}"
    days = total // (24 * 60)
    return sign + ngettext("{n} d", "{n} d", days).format(n=days)

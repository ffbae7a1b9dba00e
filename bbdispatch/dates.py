"""Dates as people type them: ``24.11.2026`` (Polish), ``24/11/2026`` (English) or ISO."""

from __future__ import annotations

from datetime import date

from bbdispatch.i18n import _


def parse_day(text: str) -> date:
    """Read a typed date.

    Raises:
        ValueError: with a message showing both accepted forms.
    """
    cleaned = text.strip()
    try:
        for separator in "./":  # day first in both languages' dates (bbdispatch.formats)
            if separator in cleaned:
                day, month, year = cleaned.split(separator)
                return date(int(year), int(month), int(day))
        return date.fromisoformat(cleaned)
    except ValueError as err:
        from bbdispatch.formats import format_date

        raise ValueError(
            _("Not a date: '{text}' (use {example} or 2026-11-24).").format(
                text=text, example=format_date(date(2026, 11, 24))
            )
        ) from err


def nearest_year(day: int, month: int, today: date) -> date:
    """The date ``day.month`` typed without a year: the one of that day nearest to ``today``.

    ``01.12`` typed on 30.11 is tomorrow, not last year; ``31.12`` typed on
    2 January is the December just past; ``05.01`` typed on 30.12 is next
    January. Ties go to the past (what was done is typed more than what is planned).

    Raises:
        ValueError: no such day in any of the three years (``31.02``).
    """
    found = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue  # 29.02 exists only in leap years
    if not found:
        raise ValueError(f"no day {day}.{month}")
    return min(found, key=lambda d: (abs((d - today).days), d > today))


def format_day(day: date | None) -> str:
    """``24.11.2026`` / ``24/11/2026``, or empty (:func:`bbdispatch.formats.format_date`)."""
    from bbdispatch.formats import format_date

    return format_date(day)


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of the month of ``day``."""
    first = day.replace(day=1)
    nxt = (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )
    return first, date.fromordinal(nxt.toordinal() - 1)

"""Dates as people type them: ``24.11.2026`` (Polish) or ``2026-11-24`` (ISO)."""

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
        if "." in cleaned:
            day, month, year = cleaned.split(".")
            return date(int(year), int(month), int(day))
        return date.fromisoformat(cleaned)
    except ValueError as err:
        raise ValueError(
            _("Not a date: {text!r} (use 24.11.2026 or 2026-11-24).").format(text=text)
        ) from err


def format_day(day: date | None) -> str:
    """``24.11.2026``, or an empty string."""
    return day.strftime("%d.%m.%Y") if day else ""


def month_of(day: date) -> tuple[date, date]:
    """The first and last day of the month of ``day``."""
    first = day.replace(day=1)
    nxt = (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )
    return first, date.fromordinal(nxt.toordinal() - 1)

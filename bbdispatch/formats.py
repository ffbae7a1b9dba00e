"""Numbers, money, hours, dates and day names as the chosen language writes them (Babel).

One module for the TUI, the command line and the documents: screens pass no
locale and get the language of the session (:func:`bbdispatch.i18n.babel_locale`);
client documents pass ``locale=DOCUMENT_LOCALE`` and are Polish whoever prints them.

=========  ===============  ===============
what       Polish           English
=========  ===============  ===============
hours      ``5,25 h``       ``5.25 h``
duration   ``0,75 h``       ``0.75 h``
stopwatch  ``0:15:30``      ``0:15:30``
money      ``3 628,50 zł``  ``3,628.50 PLN``
percent    ``23%``          ``23%``
date       ``30.11.2026``   ``30/11/2026``
day, month ``30.11``        ``30/11``
weekday    ``poniedziałek`` ``Monday``
month      ``listopad``     ``November``
=========  ===============  ===============

Dates follow the language, as Babel writes the locale's short date with
two-digit day and month and a four-digit year; every date field reads the
Polish, the English and the ISO form (:func:`bbdispatch.dates.parse_day`).

Hours (``5,25 h``) are what a contract holds, a statement bills and work
took: a duration is written the same way (``0,75 h``), in every screen,
message and document, by :func:`format_duration`. Only a running stopwatch,
and the statement's column of actual time to the second (15 min 30 s is billed
as two quarter-hours, so its seconds matter), are a clock, ``0:15:30``
(:func:`format_stopwatch`).

Babel writes non-breaking spaces between thousands and before ``zł``; they are
plain spaces here, so text copied from a terminal or a document pastes cleanly.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Literal

from bbdispatch.i18n import _, babel_locale

DOCUMENT_LOCALE = "pl_PL"
"""The locale of client documents (work statements): Polish, always."""

DOCUMENT_LANGUAGE = "pl"
"""The language client documents word stored messages in (``messages.shown``)."""


def _locale(locale: str | None) -> str:
    return locale or babel_locale()


def _plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def hours_of(minutes: int) -> Decimal:
    """Minutes as hours with two decimals (15 min = 0.25 h), half-up."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


_DECIMAL_SIGN = {"pl_PL": ",", "en_GB": "."}
"""The decimal sign of the languages' Babel locales, for numbers that need nothing else."""


def _short_number(value: Decimal | int, locale: str, decimals: int) -> str | None:
    """``value`` as Babel writes it, for a plain number below 1000 (else None).

    Such a number has no thousands separator, no sign and, with at most
    ``decimals`` fraction digits, needs no rounding: only the decimal sign
    depends on the language. ``lookup`` and the caller card write hours left
    this way without loading Babel's locale data (issue 13: the phone path).
    """
    sign = _DECIMAL_SIGN.get(locale)
    number = Decimal(value)
    if sign is None or not number.is_finite() or number.is_signed() or number >= 1000:
        return None
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -decimals:
        return None
    whole, _dot, fraction = format(number, "f").partition(".")
    fraction = fraction.rstrip("0")
    return f"{whole}{sign}{fraction}" if fraction else whole


def format_number(value: Decimal | int, locale: str | None = None, decimals: int = 2) -> str:
    """A number with at most ``decimals`` fraction digits: ``1 234,5`` / ``1,234.5``."""
    short = _short_number(value, _locale(locale), decimals)
    if short is not None:
        return short
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return _plain(format_decimal(value, format=pattern, locale=_locale(locale)))


def format_amount(value: Decimal, locale: str | None = None) -> str:
    """An amount without its currency, always to the grosz: ``2 950,00`` / ``2,950.00``."""
    from babel.numbers import format_decimal

    return _plain(format_decimal(value, format="#,##0.00", locale=_locale(locale)))


def format_amount_input(value: Decimal, locale: str | None = None) -> str:
    """An amount to pre-fill a field with: ``90,00`` / ``90.00``, no thousands separator.

    The language's decimal sign (Babel), to the grosz; without grouping, so
    :func:`bbdispatch.money.parse_money` reads it back in either language
    (``1,234.00`` would not be).
    """
    from babel.numbers import format_decimal

    return _plain(format_decimal(value, format="0.00", locale=_locale(locale)))


def format_hours(minutes: int, locale: str | None = None) -> str:
    """Hours for people: ``5,25 h``, ``10 h`` (``5.25 h`` in English)."""
    return f"{format_number(hours_of(minutes), locale)} h"


def _seconds(length: timedelta | int) -> int:
    return length * 60 if isinstance(length, int) else int(length.total_seconds())


def format_duration(length: timedelta | int, locale: str | None = None) -> str:
    """How long work took, as hours the language writes them: ``0,75 h`` / ``0.75 h``.

    ``length`` is a timedelta or a whole number of minutes; it is shown to the
    hundredth of an hour, half-up (``-0,5 h`` when negative), exactly as
    :func:`format_hours` writes a contract's or a statement's hours, so that
    worked and billed time read the same way everywhere (issue 16). Only a
    running stopwatch is a clock (:func:`format_stopwatch`).
    """
    total = _seconds(length)
    sign = "-" if total < 0 else ""
    hours = (Decimal(abs(total)) / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{sign}{format_number(hours, locale)} h"


def format_stopwatch(length: timedelta | int) -> str:
    """A running stopwatch or time to the second: ``1:05:00``, ``0:15:30``, ``-0:30:00``.

    Hours, minutes and seconds, always all three so the width does not jump
    while it runs; the technician's timer bar and the statement's column of
    actual time (which explains the billed quarter-hours) are written this way.
    """
    total = _seconds(length)
    sign = "-" if total < 0 else ""
    hours, rest = divmod(abs(total), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours}:{minutes:02d}:{secs:02d}"


def format_number_mark(number: int | str) -> str:
    """A job's or a revision's number in running text: ``#12`` (English), ``nr 12`` (Polish).

    One style per language for every "number N" the screens and messages
    write (the caller card, the archive refusal, the assessment revisions).
    """
    return _("#{n}").format(n=number)


def format_percent(fraction: Decimal, locale: str | None = None) -> str:
    """A share as the language writes a percentage: ``Decimal("0.23")`` → ``23%``.

    Babel's pattern of the locale (CLDR writes ``23%`` for Polish as for
    English), with up to two decimals (``8,5%``). The price list, the
    contract balances and the documents' VAT line all come from here.
    """
    from babel.numbers import format_percent as babel_percent

    text = babel_percent(fraction, format="#,##0.##%", locale=_locale(locale))
    return _plain(text)


def format_money(value: Decimal, locale: str | None = None) -> str:
    """An amount in złoty: ``3 628,50 zł`` (``3,628.50 PLN`` in English), to the grosz.

    The currency follows the number in every language, as on the firm's documents.
    """
    from babel.numbers import format_currency

    from bbdispatch.money import round_grosz

    text = format_currency(round_grosz(value), "PLN", "#,##0.00\u00a0¤", locale=_locale(locale))
    return _plain(text)


@cache
def date_pattern(locale: str) -> str:
    """The locale's short numeric date with two-digit day and month: ``dd.MM.yyyy``."""
    from babel.dates import get_date_format

    pattern: str = get_date_format("short", locale=locale).pattern
    out, previous = "", ""
    for char in pattern:  # widen d → dd, M → MM, y/yy → yyyy, once per run of a letter
        if char in "dMy":
            if char != previous:
                out += {"d": "dd", "M": "MM", "y": "yyyy"}[char]
        else:
            out += char
        previous = char
    return out


def date_hint(locale: str | None = None) -> str:
    """How a date is typed, for a field's label: ``DD/MM/YYYY`` (English), ``DD.MM.RRRR`` (Polish).

    The session's own order and separator (:func:`date_pattern`), so a label
    never says ``DD.MM`` over a value shown as ``24/11``; the letters translated.
    """
    letters = {"dd": _("DD"), "MM": _("MM"), "yyyy": _("YYYY")}
    out = date_pattern(_locale(locale))
    for code, shown in letters.items():
        out = out.replace(code, shown)
    return out


def format_date(day: date | None, locale: str | None = None) -> str:
    """A date: ``30.11.2026`` (Polish), ``30/11/2026`` (English); empty for ``None``."""
    if day is None:
        return ""
    from babel.dates import format_date as babel_date

    return str(babel_date(day, date_pattern(_locale(locale)), locale=_locale(locale)))


def format_day_month(day: date, locale: str | None = None) -> str:
    """A day of this year, short: ``03.11`` (Polish), ``03/11`` (English).

    The language's date (:func:`date_pattern`) without its year.
    """
    import re

    from babel.dates import format_date as babel_date

    pattern = re.sub(r"[^dM]*y+[^dM]*", "", date_pattern(_locale(locale)))
    return str(babel_date(day, pattern, locale=_locale(locale)))


def format_datetime(moment: datetime, locale: str | None = None) -> str:
    """A local date and time: ``30.11.2026 14:05`` / ``30/11/2026 14:05`` (24-hour in both)."""
    return f"{format_date(moment.date(), locale)} {moment:%H:%M}"


def weekday_name(
    weekday: int,
    locale: str | None = None,
    width: Literal["abbreviated", "narrow", "short", "wide"] = "wide",
) -> str:
    """The name of a weekday, Monday = 0: ``poniedziałek`` / ``Monday``.

    ``width="abbreviated"`` gives ``pon.`` / ``Mon``.
    """
    from babel.dates import get_day_names

    return str(get_day_names(width, context="format", locale=_locale(locale))[weekday])


def month_name(month: int, locale: str | None = None) -> str:
    """The name of a month on its own, January = 1: ``listopad`` / ``November``."""
    from babel.dates import get_month_names

    return str(get_month_names("wide", context="stand-alone", locale=_locale(locale))[month])

"""Formats follow the language (Babel): hours, money, dates, day and month names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bbdispatch import formats
from bbdispatch.formats import (
    DOCUMENT_LOCALE,
    format_date,
    format_hours,
    format_money,
    month_name,
    weekday_name,
)
from bbdispatch.money import parse_money
from bbdispatch.reports.common import date_pl, hours_pl, pln


def test_polish_formats(polish: None) -> None:
    assert format_hours(315) == "5,25 h"
    assert format_hours(600) == "10 h"
    assert format_money(Decimal("3628.50")) == "3 628,50 zł"
    assert format_date(date(2026, 11, 30)) == "30.11.2026"
    assert format_date(date(2026, 1, 5)) == "05.01.2026"
    assert weekday_name(0) == "poniedziałek"
    assert month_name(11) == "listopad"


def test_english_formats() -> None:
    assert format_hours(315) == "5.25 h"
    assert format_money(Decimal("3628.50")) == "3,628.50 PLN"
    assert format_date(date(2026, 11, 30)) == "30/11/2026"
    assert weekday_name(6) == "Sunday"
    assert month_name(2) == "February"


def test_documents_are_polish_whatever_the_session_speaks() -> None:
    assert (hours_pl(90), pln(Decimal("738")), date_pl(date(2026, 11, 24))) == (
        "1,5 h",
        "738,00 zł",
        "24.11.2026",
    )
    assert format_money(Decimal("2950"), DOCUMENT_LOCALE) == "2 950,00 zł"


@pytest.mark.parametrize("locale", ["pl_PL", "en_GB"])
def test_date_pattern_is_two_digit_day_and_month(locale: str) -> None:
    assert formats.date_pattern(locale).count("dd") == 1
    assert "yyyy" in formats.date_pattern(locale)


@given(st.integers(min_value=-(10**11), max_value=10**11))
def test_polish_money_reads_back(grosze: int) -> None:
    value = Decimal(grosze) / 100
    shown = format_money(value, "pl_PL")
    assert "\u00a0" not in shown
    assert parse_money(shown) == value.quantize(Decimal("0.01"))


@given(
    value=st.one_of(
        st.integers(min_value=-5000, max_value=5000),
        st.decimals(min_value=-2000, max_value=2000, places=3, allow_nan=False),
        st.decimals(min_value=0, max_value=999, places=2, allow_nan=False),
    ),
    locale=st.sampled_from(["pl_PL", "en_GB"]),
    decimals=st.integers(min_value=0, max_value=3),
)
def test_numbers_written_without_babel_are_what_babel_writes(
    value: Decimal | int, locale: str, decimals: int
) -> None:
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    babel = format_decimal(value, format=pattern, locale=locale)
    assert formats.format_number(value, locale, decimals) == formats._plain(babel)


def test_hours_below_a_thousand_load_no_babel() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from bbdispatch.formats import format_hours\n"
        "print(format_hours(315, 'pl_PL'), format_hours(540, 'en_GB'), 'babel' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["5,25", "h", "9", "h", "False"]


def test_agreed_terms_write_money_in_the_sessions_language() -> None:
    """The tester's example: the English job card said ``350,00 zł``, the statement ``350.00 PLN``."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from bbdispatch import i18n
    from bbdispatch.domain.jobs import (
        Category,
        Job,
        JobMode,
        JobStatus,
        Priority,
        agreed_terms_text,
    )

    moment = datetime(2026, 11, 24, tzinfo=UTC)
    job = Job(
        1, 1, None, None, "", moment, "x", JobMode.REMOTE, Priority.NORMAL, Category.OTHER,
        JobStatus.NEW, None, None, "", None, "", "", None, None, False, None, moment,
        agreed_price=Decimal("350"),
    )  # fmt: skip
    assert agreed_terms_text(job) == "Agreed price: 350.00 PLN net for the whole job"
    rate = replace(job, agreed_price=None, agreed_rate=Decimal("80"))
    assert agreed_terms_text(rate) == "Agreed rate: 80.00 PLN/h net"
    i18n.choose_language("pl")
    try:
        assert "350,00 zł" in agreed_terms_text(job)
    finally:
        i18n.choose_language("en")

"""Dates follow the chosen language through Babel everywhere but in client documents.

In English the TUI showed ``30.11.2026``: the shared formatter ignored the language.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bbdispatch.clock import format_local, format_local_short
from bbdispatch.dates import parse_day
from bbdispatch.formats import DOCUMENT_LOCALE, format_date

MOMENT = datetime(2026, 11, 3, 8, 42, tzinfo=UTC)  # 09:42 in Warsaw


def test_english_dates() -> None:
    assert format_date(date(2026, 11, 3)) == "03/11/2026"
    assert format_local(MOMENT) == "03/11/2026 09:42"
    assert format_local_short(MOMENT) == "03/11 09:42"


def test_polish_dates(polish: None) -> None:
    assert format_date(date(2026, 11, 3)) == "03.11.2026"
    assert format_local(MOMENT) == "03.11.2026 09:42"
    assert format_local_short(MOMENT) == "03.11 09:42"


def test_documents_stay_polish_in_an_english_session() -> None:
    assert format_local(MOMENT, locale=DOCUMENT_LOCALE) == "03.11.2026 09:42"
    assert format_date(date(2026, 11, 3), DOCUMENT_LOCALE) == "03.11.2026"


def test_every_date_field_reads_both_languages_and_iso() -> None:
    for typed in ("03.11.2026", "03/11/2026", "2026-11-03"):
        assert parse_day(typed) == date(2026, 11, 3)
    assert parse_day(format_date(date(2026, 11, 3))) == date(2026, 11, 3)


def test_a_visit_shown_in_english_reads_back() -> None:
    from bbdispatch.domain.assignment import parse_visit

    now = datetime(2026, 11, 24, 8, 42, tzinfo=UTC)
    shown = format_local(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert shown == "25/11/2026 10:00"
    assert parse_visit(shown, now) == parse_visit("25.11.2026 10:00", now)
    assert parse_visit("25/11 10:00", now) == parse_visit("25.11 10:00", now)


def test_a_visit_where_space_is_short_keeps_its_hour(polish: None) -> None:
    """The technician's visit column showed ``01.12.2026…``: the hour was never seen."""
    from bbdispatch.clock import format_visit

    now = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # 08:00 in Warsaw
    assert format_visit(datetime(2026, 12, 1, 13, 0, tzinfo=UTC), now) == "dziś 14:00"
    assert format_visit(datetime(2026, 12, 3, 13, 0, tzinfo=UTC), now) == "03.12 14:00"
    assert format_visit(datetime(2026, 11, 30, 22, 30, tzinfo=UTC), now) == "30.11 23:30"
    assert format_visit(datetime(2027, 1, 4, 13, 0, tzinfo=UTC), now) == "04.01.2027 14:00"
    # Just after midnight in Warsaw (still 30 November in UTC) is "today" already.
    assert (
        format_visit(
            datetime(2026, 12, 1, 13, 0, tzinfo=UTC), now.replace(hour=23, day=30, month=11)
        )
        == "dziś 14:00"
    )


def test_a_visit_in_english_is_short_too() -> None:
    from bbdispatch.clock import format_visit

    now = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    assert format_visit(datetime(2026, 12, 1, 13, 0, tzinfo=UTC), now) == "today 14:00"
    assert format_visit(datetime(2026, 12, 3, 13, 0, tzinfo=UTC), now) == "03/12 14:00"

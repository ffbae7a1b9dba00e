"""The firm's calendar: Polish public holidays, the firm's closed days, business hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bbdispatch.clock import FIRM_ZONE, local
from bbdispatch.domain.calendar import FirmCalendar, calendar_of
from bbdispatch.domain.response import response_clock
from bbdispatch.pricelist import (
    BusinessHours,
    ClosedDay,
    PriceListError,
    load_pricelist,
    parse_pricelist,
)

CAL = FirmCalendar()
NORMAL = load_pricelist().response_targets["normal"]


def wa(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=FIRM_ZONE)


def due(received: datetime, calendar: FirmCalendar = CAL) -> datetime:
    clock = response_clock(received, received, NORMAL, calendar)
    assert clock.due_at is not None
    return local(clock.due_at)


def test_independence_day_is_skipped() -> None:
    # The example: Tue 10.11.2026 15:00, normal priority; 11.11 is a holiday.
    assert due(wa(2026, 11, 10, 15)) == wa(2026, 11, 12, 15)


def test_not_breached_on_the_holiday_afternoon() -> None:
    clock = response_clock(wa(2026, 11, 10, 15), wa(2026, 11, 11, 16), NORMAL, CAL)
    assert not clock.breached
    assert clock.used == timedelta(hours=1)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Epiphany, Tue 6.01.2026: Mon 15:00 -> Wed 15:00.
        (wa(2026, 1, 5, 15), wa(2026, 1, 7, 15)),
        # Easter Monday 6.04.2026: Fri 3.04 15:00 -> Tue 7.04 15:00.
        (wa(2026, 4, 3, 15), wa(2026, 4, 7, 15)),
        # Corpus Christi, Thu 4.06.2026: Wed 15:00 -> Fri 15:00.
        (wa(2026, 6, 3, 15), wa(2026, 6, 5, 15)),
        # Christmas Eve (a public holiday from 2025 on) and Christmas, Thu-Fri 24-25.12.2026,
        # then the weekend with 26.12: Wed 23.12 15:00 -> Mon 28.12 15:00.
        (wa(2026, 12, 23, 15), wa(2026, 12, 28, 15)),
        # 2025: Tue 23.12 15:00; Wed 24, Thu 25, Fri 26 closed -> Mon 29.12 15:00.
        (wa(2025, 12, 23, 15), wa(2025, 12, 29, 15)),
    ],
)
def test_holiday_cases(received: datetime, expected: datetime) -> None:
    assert due(received) == expected


def test_christmas_eve_is_a_public_holiday_from_2025() -> None:
    assert CAL.public_holiday(date(2024, 12, 24)) is None
    assert CAL.public_holiday(date(2025, 12, 24)) is not None
    assert CAL.public_holiday(date(2026, 12, 24)) is not None


def test_closed_reason_names_the_cause() -> None:
    cal = FirmCalendar(closed=(ClosedDay(date(2026, 12, 31), "stocktaking"),))
    assert cal.closed_reason(date(2026, 12, 31)) == "closed: stocktaking"
    assert (cal.closed_reason(date(2026, 11, 11)) or "").startswith("public holiday")
    assert cal.closed_reason(date(2026, 11, 14)) == "not a working day"  # Saturday
    assert cal.closed_reason(date(2026, 11, 12)) is None


def test_firm_closed_day_from_the_price_list_moves_due_times() -> None:
    raw = _raw_pricelist()
    raw["calendar"] = {"closed_days": [{"day": date(2026, 11, 12), "name": "bridge day"}]}
    cal = calendar_of(parse_pricelist(raw))
    assert not cal.is_workday(date(2026, 11, 12))
    assert due(wa(2026, 11, 10, 15), cal) == wa(2026, 11, 13, 15)


def test_shipped_price_list_has_a_calendar_table() -> None:
    prices = load_pricelist()
    assert prices.closed_days == ()
    assert calendar_of(prices) is calendar_of(prices)


@pytest.mark.parametrize(
    "bad",
    [
        {"closed_days": "2026-12-31"},
        {"closed_days": ["31.12.2026"]},
        {"closed_days": [{"day": "nope"}]},
        {"closed_days": [date(2026, 12, 31), "2026-12-31"]},
    ],
)
def test_bad_closed_days_are_refused_by_name(bad: object) -> None:
    raw = _raw_pricelist()
    raw["calendar"] = bad
    with pytest.raises(PriceListError, match="calendar"):
        parse_pricelist(raw)


def test_closed_days_accept_plain_dates_and_text_and_sort() -> None:
    raw = _raw_pricelist()
    raw["calendar"] = {"closed_days": ["2026-12-31", date(2026, 5, 2)]}
    days = parse_pricelist(raw).closed_days
    assert [c.day for c in days] == [date(2026, 5, 2), date(2026, 12, 31)]


def _raw_pricelist() -> dict[str, object]:
    import tomllib

    from bbdispatch.pricelist import default_pricelist_path

    return tomllib.loads(default_pricelist_path().read_text(encoding="utf-8"))


moments = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
amounts = st.integers(min_value=1, max_value=60 * 60 * 8 * 6).map(lambda s: timedelta(seconds=s))
closed = st.lists(st.dates(date(2025, 1, 1), date(2028, 1, 31)), max_size=20, unique=True)


@settings(max_examples=200, deadline=None)
@given(start=moments, amount=amounts, closed_days=closed)
def test_due_times_never_fall_on_a_closed_day(
    start: datetime, amount: timedelta, closed_days: list[date]
) -> None:
    cal = FirmCalendar(closed=tuple(ClosedDay(d) for d in closed_days))
    end = local(cal.advance(start, amount))
    assert cal.is_workday(end.date()), cal.closed_reason(end.date())
    assert time(8) < end.time() <= time(16) or end.time() == time(16)
    assert cal.counted(start, end) == amount


@settings(max_examples=100, deadline=None)
@given(day=st.dates(date(2025, 1, 1), date(2027, 12, 31)))
def test_public_holidays_and_weekends_are_not_workdays(day: date) -> None:
    if day.isoweekday() > 5 or CAL.public_holiday(day):
        assert not CAL.is_workday(day)
        assert CAL.window(day) is None
    else:
        assert CAL.is_workday(day)
        assert CAL.next_workday(day) == day


def test_business_hours_from_the_price_list() -> None:
    cal = FirmCalendar(
        hours=BusinessHours(start=time(9), end=time(17), weekdays=(1, 2, 3, 4, 5, 6))
    )
    assert cal.is_workday(date(2026, 11, 14))  # a Saturday, worked here
    assert cal.day_length() == timedelta(hours=8)
    assert local(cal.advance(wa(2026, 11, 13, 16), timedelta(hours=2))) == wa(2026, 11, 14, 10)


def test_holiday_names_follow_the_session_language() -> None:
    from bbdispatch.i18n import current_language, set_language

    before = current_language()
    try:
        set_language("pl")
        assert CAL.public_holiday(date(2026, 11, 11)) == "Narodowe Święto Niepodległości"
        set_language("en")
        assert CAL.public_holiday(date(2026, 11, 11)) == "National Independence Day"
    finally:
        set_language(before)


def _counted_day_by_day(cal: FirmCalendar, start: datetime, end: datetime) -> timedelta:
    """The definition: each local day's window clipped to [start, end), summed."""
    total = timedelta(0)
    day, last = local(start).date(), local(end).date()
    while end > start and day <= last:
        window = cal.window(day)
        if window is not None:
            lo, hi = max(start, window[0]), min(end, window[1])
            if hi > lo:
                total += hi.astimezone(UTC) - lo.astimezone(UTC)
        day += timedelta(days=1)
    return total


hours_worked = st.sampled_from([
    BusinessHours(),
    BusinessHours(start=time(0), end=time(23, 59), weekdays=(1, 2, 3, 4, 5, 6, 7)),
    BusinessHours(start=time(1, 30), end=time(3, 30), weekdays=(7,)),  # across DST changes
    BusinessHours(start=time(9), end=time(17), weekdays=(2, 4)),
])  # fmt: skip
spans = st.integers(min_value=-3600, max_value=60 * 60 * 24 * 400).map(
    lambda s: timedelta(seconds=s)
)


@settings(max_examples=300, deadline=None)
@given(start=moments, span=spans, hours=hours_worked, closed_days=closed)
def test_counted_with_running_totals_equals_summing_every_day(
    start: datetime, span: timedelta, hours: BusinessHours, closed_days: list[date]
) -> None:
    # The board counts thousands of clocks per load through per-year running totals;
    # they must give exactly what walking the days one by one gives, across years.
    cal = FirmCalendar(hours=hours, closed=tuple(ClosedDay(d) for d in closed_days))
    end = start + span
    assert cal.counted(start, end) == _counted_day_by_day(cal, start, end)
    assert cal.counted(local(start), local(end)) == _counted_day_by_day(cal, start, end)


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2025, 1, 1),  # noqa: DTZ001 (hypothesis: naive bounds)
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.integers(0, 60 * 40),
)
def test_advance_kept_answers_equal_fresh_ones(start: datetime, minutes: int) -> None:
    """The board's reloads ask ``advance`` the same questions: a kept answer is the fresh one."""
    cal = FirmCalendar(closed=(ClosedDay(date(2026, 12, 31), "stocktaking"),))
    amount = timedelta(minutes=minutes)
    first = cal.advance(start, amount)
    assert first == cal._advance(start, amount)
    assert cal.advance(start.astimezone(FIRM_ZONE), amount) == first  # the same instant
    assert cal.advance(start, amount + timedelta(minutes=1)) == cal._advance(
        start, amount + timedelta(minutes=1)
    )


def test_advance_keeps_a_bounded_number_of_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    from bbdispatch.domain import calendar as module

    monkeypatch.setattr(module, "_ADVANCED_KEPT", 3)
    cal = FirmCalendar()
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)
    for n in range(10):
        assert cal.advance(start, timedelta(hours=n)) == cal._advance(start, timedelta(hours=n))
        assert len(cal._advanced) <= 3

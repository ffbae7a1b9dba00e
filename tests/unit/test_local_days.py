"""The local day of stored moments, kept per UTC day, is the day :func:`clock.local` gives."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bbdispatch.clock import LocalDays, local, to_db


def test_every_quarter_hour_around_the_clock_changes_falls_on_its_local_day() -> None:
    days = LocalDays()
    moment = datetime(2025, 3, 28, tzinfo=UTC)
    while moment < datetime(2026, 11, 2, tzinfo=UTC):
        if moment.month in (3, 4, 10, 11, 12, 1):
            assert days.of(to_db(moment), moment) == local(moment).date(), moment
        moment += timedelta(minutes=15) if moment.month in (3, 10) else timedelta(hours=7)


def test_the_hour_the_day_changes_in_winter_and_in_summer() -> None:
    days = LocalDays()
    winter = datetime(2026, 11, 24, 22, 59, 59, tzinfo=UTC)
    summer = datetime(2026, 7, 14, 21, 59, 59, tzinfo=UTC)
    assert days.of(to_db(winter), winter) == date(2026, 11, 24)
    assert days.of(to_db(winter + timedelta(seconds=1)), winter + timedelta(seconds=1)) == date(
        2026, 11, 25
    )
    assert days.of(to_db(summer), summer) == date(2026, 7, 14)
    assert days.of(to_db(summer + timedelta(seconds=1)), summer + timedelta(seconds=1)) == date(
        2026, 7, 15
    )
    # The nights the clocks change: 01:00 UTC; the day turns at 23:00 or 22:00 UTC, as converted.
    for changed in (datetime(2026, 3, 29, tzinfo=UTC), datetime(2026, 10, 25, tzinfo=UTC)):
        for minutes in range(0, 24 * 60, 30):
            moment = changed + timedelta(minutes=minutes)
            assert days.of(to_db(moment), moment) == local(moment).date()


def test_text_not_in_the_stored_form_is_converted_as_it_is() -> None:
    moment = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    assert LocalDays().of("2026-11-24 23:30:00", moment) == date(2026, 11, 25)


moments = st.datetimes(
    min_value=datetime(2000, 1, 2),  # noqa: DTZ001 (hypothesis wants naive bounds)
    max_value=datetime(2999, 12, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
).map(lambda m: m.replace(microsecond=0))


@settings(max_examples=300, deadline=None)
@given(st.lists(moments, max_size=30))
def test_any_moments_fall_on_the_day_converting_gives(found: list[datetime]) -> None:
    days = LocalDays()
    for moment in found:
        assert days.of(to_db(moment), moment) == local(moment).date()

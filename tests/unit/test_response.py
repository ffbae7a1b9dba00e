from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.calendar import FirmCalendar
from bbdispatch.domain.job_edits import StatusChange
from bbdispatch.domain.jobs import JobStatus
from bbdispatch.domain.response import (
    advance,
    counted,
    hold_spans,
    response_clock,
)
from bbdispatch.pricelist import ResponseTarget

HOURS = FirmCalendar()  # 08:00-16:00 Mon-Fri and Polish public holidays, as in data/pricelist.toml
NORMAL = ResponseTarget(business_days=1)
EMERGENCY = ResponseTarget(hours=2)


def w(day: int, hour: int, minute: int = 0) -> datetime:
    """A Warsaw time in the week of Mon 23.11.2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=FIRM_ZONE)


def test_normal_job_received_in_office_hours_is_due_same_time_next_business_day() -> None:
    clock = response_clock(w(24, 9, 42), w(24, 9, 42), NORMAL, HOURS)
    assert clock.due_at == w(25, 9, 42)
    assert clock.left == timedelta(hours=8)


def test_friday_afternoon_rolls_over_the_weekend() -> None:
    clock = response_clock(w(27, 15), w(27, 15), NORMAL, HOURS)
    assert clock.due_at == w(30, 15)  # Monday


def test_received_at_night_starts_counting_at_opening() -> None:
    clock = response_clock(w(23, 22), w(24, 7), NORMAL, HOURS)
    assert clock.used == timedelta(0)
    assert clock.due_at == w(24, 16)


def test_emergency_counts_clock_hours_and_breaches() -> None:
    clock = response_clock(w(24, 6, 25), w(24, 9, 42), EMERGENCY, HOURS)
    assert clock.breached
    assert clock.left == -timedelta(hours=1, minutes=17)
    assert clock.due_at == w(24, 8, 25)


def test_time_on_hold_does_not_count() -> None:
    holds = [(w(24, 10), w(24, 14))]
    clock = response_clock(w(24, 9), w(24, 15), NORMAL, HOURS, holds)
    assert clock.used == timedelta(hours=2)
    assert clock.due_at == w(25, 13)
    assert not clock.breached


def test_open_hold_pauses_the_clock() -> None:
    clock = response_clock(w(24, 9), w(25, 15), NORMAL, HOURS, [(w(24, 10), None)])
    assert clock.paused
    assert clock.due_at is None
    assert clock.used == timedelta(hours=1)


def test_hold_spans_from_history() -> None:
    def ch(at: datetime, to: JobStatus) -> StatusChange:
        return StatusChange(at, None, to, None, "x", "")

    history = [
        ch(w(24, 8), JobStatus.TRIAGED),
        ch(w(24, 9), JobStatus.ASSIGNED),
        ch(w(24, 10), JobStatus.ON_HOLD),
        ch(w(24, 11), JobStatus.IN_PROGRESS),
        ch(w(24, 12), JobStatus.ON_HOLD),
    ]
    assert hold_spans(history) == [(w(24, 10), w(24, 11)), (w(24, 12), None)]


moments = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001 (hypothesis wants naive bounds)
    max_value=datetime(2027, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
amounts = st.integers(min_value=0, max_value=60 * 60 * 200).map(lambda s: timedelta(seconds=s))


@settings(max_examples=200, deadline=None)
@given(start=moments, amount=amounts)
def test_advance_then_count_gives_back_the_amount(start: datetime, amount: timedelta) -> None:
    end = advance(start, amount, HOURS)
    assert end >= start
    assert counted(start, end, HOURS) == amount


@settings(max_examples=200, deadline=None)
@given(start=moments, a=amounts, b=amounts)
def test_counting_is_additive(start: datetime, a: timedelta, b: timedelta) -> None:
    mid = start + a
    end = mid + b
    assert counted(start, end, HOURS) == counted(start, mid, HOURS) + counted(mid, end, HOURS)
    assert counted(start, end, None) == a + b


@settings(max_examples=100, deadline=None)
@given(received=moments, hold_at=amounts, hold_len=amounts, later=amounts)
def test_holding_never_brings_the_deadline_closer(
    received: datetime, hold_at: timedelta, hold_len: timedelta, later: timedelta
) -> None:
    now = received + hold_at + hold_len + later
    plain = response_clock(received, now, NORMAL, HOURS)
    held = response_clock(
        received, now, NORMAL, HOURS, [(received + hold_at, received + hold_at + hold_len)]
    )
    assert held.used <= plain.used
    assert plain.due_at is not None
    assert held.due_at is not None
    assert held.due_at >= plain.due_at


def test_after_closing_a_job_due_at_16_is_breached_and_late_by_the_wall_clock() -> None:
    """At 23:20 a job due at 16:00 showed ``0m`` and was not counted as breached."""
    clock = response_clock(w(24, 8), w(24, 23, 20), NORMAL, HOURS)
    assert clock.due_at == w(24, 16)
    assert clock.breached
    assert clock.left == -timedelta(hours=7, minutes=20)


def test_exactly_at_the_due_moment_is_not_yet_breached() -> None:
    clock = response_clock(w(24, 8), w(24, 16), NORMAL, HOURS)
    assert not clock.breached
    assert clock.left == timedelta(0)

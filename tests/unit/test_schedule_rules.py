from __future__ import annotations

import calendar
import time
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.calendar import FirmCalendar
from bbdispatch.domain.jobs import Category, Job, JobMode, JobStatus, Priority
from bbdispatch.domain.recurring import ClosedDayRule, recurring_overdue
from bbdispatch.domain.schedule import (
    Preset,
    ScheduleError,
    build_rule,
    describe_rule,
    next_occurrences,
    parse_first_run,
    plan_occurrences,
    preset_of,
)
from bbdispatch.pricelist import BusinessHours, ClosedDay

START = datetime(2026, 1, 5, 9, 0, tzinfo=FIRM_ZONE)
CAL = FirmCalendar()
OPEN = FirmCalendar(hours=BusinessHours(weekdays=(1, 2, 3, 4, 5, 6, 7)), _holidays={})  # type: ignore[arg-type]
"""A firm open every day: for tests of what a rule itself gives."""


def w(*args: int) -> datetime:
    return datetime(*args, tzinfo=FIRM_ZONE)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("preset", "kwargs", "rule"),
    [
        (Preset.WEEKLY, {"weekday": "MO"}, "FREQ=WEEKLY;BYDAY=MO"),
        (Preset.BIWEEKLY, {"weekday": "FR"}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        (Preset.MONTHLY_DAY, {"day": 15}, "FREQ=MONTHLY;BYMONTHDAY=15"),
        (Preset.MONTHLY_DAY, {"day": 31}, "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1"),
        (Preset.MONTHLY_FIRST, {"weekday": "MO"}, "FREQ=MONTHLY;BYDAY=1MO"),
        (Preset.MONTHLY_LAST_DAY, {}, "FREQ=MONTHLY;BYMONTHDAY=-1"),
        (Preset.WORKDAYS, {}, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ],
)
def test_presets_round_trip(preset: Preset, kwargs: dict[str, object], rule: str) -> None:
    assert build_rule(preset, **kwargs) == rule  # type: ignore[arg-type]
    assert preset_of(rule)[0] is preset


def test_first_monday_of_month_next_three() -> None:
    runs = next_occurrences("FREQ=MONTHLY;BYDAY=1MO", START, w(2026, 11, 24), CAL)
    assert runs == [w(2026, 12, 7, 9), w(2027, 1, 4, 9), w(2027, 2, 1, 9)]
    assert describe_rule("FREQ=MONTHLY;BYDAY=1MO") == "monthly, on the first Monday"


def test_time_of_day_survives_summer_time() -> None:
    runs = next_occurrences("FREQ=WEEKLY;BYDAY=MO", START, w(2026, 3, 20), CAL, 2)
    assert [r.hour for r in runs] == [9, 9]
    assert runs[0].utcoffset() != runs[1].utcoffset()  # 23.03 winter, 30.03 summer


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a schedule"),
        ("FREQ=SOMETIMES", "FREQ cannot be “SOMETIMES”"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY cannot be “XX”"),
        ("FREQ=WEEKLY;FOO=1", "“FOO” is not a part of a schedule"),
        ("FREQ=WEEKLY;BYDAY", "is NAME=VALUE"),
        ("BYDAY=MO", "Say how often"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "no run in the 5 years"),
        ("FREQ=HOURLY", "at most once a day"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "DTSTART"),
        # Issue 20's tester: these read "runs at most once a day" or "never occurs".
        ("FREQ=WEEKLY;UNTIL=20200101T000000Z", "UNTIL .01.01.2020 01:00. is before the first run"),
        ("FREQ=WEEKLY;UNTIL=20200101", "UNTIL needs a time too, in UTC: write 20200101T235959Z"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL must be 1 or more .* “0” is not"),
        ("FREQ=DAILY;INTERVAL=-1", "INTERVAL must be 1 or more .* “-1” is not"),
        ("FREQ=DAILY;INTERVAL=1.5", "INTERVAL must be a whole number"),
        ("FREQ=WEEKLY;COUNT=0", "COUNT is how many runs and must be 1 or more"),
    ],
)
def test_bad_schedules_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        next_occurrences(text, START, START, CAL)


def test_a_rule_that_never_matches_is_refused_fast() -> None:
    """Issue 20: this rule froze the dispatcher for ~110 s at 100 % CPU.

    The bound is far above the fixed cost (milliseconds) so a loaded machine
    does not fail it, and far below the freeze it guards against.
    """
    started = time.perf_counter()
    with pytest.raises(ScheduleError, match="no run in the 5 years"):
        next_occurrences("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", START, START, CAL)
    assert time.perf_counter() - started < 30
    # A rare rule that does occur is kept: 29 February.
    assert next_occurrences("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29", START, START, CAL, 1)


def test_plan_catch_up_marks_past_days_late() -> None:
    plan = plan_occurrences(
        "FREQ=WEEKLY;BYDAY=MO", START, last=w(2026, 11, 2, 9), now=w(2026, 11, 23, 12),
        catch_up=True, calendar=CAL,
    )  # fmt: skip
    assert plan == [
        (w(2026, 11, 9, 9), True),
        (w(2026, 11, 16, 9), True),
        (w(2026, 11, 23, 9), False),
    ]


def test_plan_without_catch_up_only_the_latest() -> None:
    plan = plan_occurrences(
        "FREQ=WEEKLY;BYDAY=MO", START, last=w(2026, 11, 2, 9), now=w(2026, 11, 25, 8),
        catch_up=False, calendar=CAL,
    )  # fmt: skip
    assert plan == [(w(2026, 11, 23, 9), True)]


def test_plan_stops_at_contract_end() -> None:
    plan = plan_occurrences(
        "FREQ=WEEKLY;BYDAY=MO", START, last=w(2026, 11, 2, 9), now=w(2026, 12, 25),
        catch_up=True, calendar=CAL, until=w(2026, 11, 20),
    )  # fmt: skip
    assert [p[0] for p in plan] == [w(2026, 11, 9, 9), w(2026, 11, 16, 9)]


def test_first_run_parsing() -> None:
    assert parse_first_run("01.12.2026 09:00") == w(2026, 12, 1, 9)
    assert parse_first_run("2026-12-01  09:00") == w(2026, 12, 1, 9)
    with pytest.raises(ScheduleError):
        parse_first_run("jutro rano")


def _job(**changes: object) -> Job:
    base = Job(
        id=1, client_id=1, contract_id=1, caller_phone=None, caller_name="",
        received_at=w(2026, 11, 23, 9), description="Kopia", mode=JobMode.REMOTE,
        priority=Priority.NORMAL, category=Category.BACKUP, status=JobStatus.ASSIGNED,
        technician_id=None, visit_at=None, site_address="", agreed_rate=None, resolution="",
        status_reason="", recurring_task_id=7, occurrence_at=w(2026, 11, 23, 9), late=False,
        closed_at=None, updated_at=w(2026, 11, 23, 9),
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


def test_recurring_overdue_after_the_occurrence_day_ends() -> None:
    job = _job()
    assert not recurring_overdue(job, w(2026, 11, 23, 23, 59))
    assert recurring_overdue(job, w(2026, 11, 24, 0, 0))
    assert not recurring_overdue(_job(status=JobStatus.DONE), w(2026, 11, 30))
    assert not recurring_overdue(_job(recurring_task_id=None, occurrence_at=None), w(2026, 11, 30))


def test_every_workday_skips_public_holidays() -> None:
    # The issue: an "every workday" schedule created a run on 11.11 (Independence Day).
    rule = build_rule(Preset.WORKDAYS)
    plan = plan_occurrences(
        rule, START, last=w(2026, 11, 9, 9), now=w(2026, 11, 13, 12), catch_up=True, calendar=CAL
    )
    assert [p[0] for p in plan] == [w(2026, 11, 10, 9), w(2026, 11, 12, 9), w(2026, 11, 13, 9)]
    runs = next_occurrences(rule, START, w(2026, 12, 23, 10), CAL, 2)
    assert runs == [w(2026, 12, 28, 9), w(2026, 12, 29, 9)]  # 24-25.12 holidays, then weekend


def test_every_workday_skips_the_firms_closed_days() -> None:
    cal = FirmCalendar(closed=(ClosedDay(date(2026, 11, 12), "bridge day"),))
    runs = next_occurrences(build_rule(Preset.WORKDAYS), START, w(2026, 11, 10, 10), cal, 2)
    assert runs == [w(2026, 11, 13, 9), w(2026, 11, 16, 9)]


def test_a_run_on_a_holiday_moves_to_the_next_working_day_by_default() -> None:
    # A weekly Wednesday check falls on 11.11 (Independence Day): Thursday instead.
    runs = next_occurrences("FREQ=WEEKLY;BYDAY=WE", START, w(2026, 11, 10), CAL, 2)
    assert runs == [w(2026, 11, 12, 9), w(2026, 11, 18, 9)]
    skipped = next_occurrences(
        "FREQ=WEEKLY;BYDAY=WE", START, w(2026, 11, 10), CAL, 2, on_closed=ClosedDayRule.SKIP
    )
    assert skipped == [w(2026, 11, 18, 9), w(2026, 11, 25, 9)]


def test_the_issue_new_year_and_sundays() -> None:
    # The issue: runs landed on Sundays and on 01.01. Monthly on day 1 and weekly on Sunday.
    start = w(2026, 11, 1, 9)
    plan = plan_occurrences(
        "FREQ=MONTHLY;BYMONTHDAY=1", start, last=w(2026, 12, 1, 9), now=w(2027, 1, 8, 12),
        catch_up=True, calendar=CAL,
    )  # fmt: skip
    assert plan == [(w(2027, 1, 4, 9), True)]  # 1.01 holiday, 2-3.01 weekend
    plan = plan_occurrences(
        "FREQ=MONTHLY;BYMONTHDAY=1", start, last=w(2026, 12, 1, 9), now=w(2027, 1, 8, 12),
        catch_up=True, calendar=CAL, on_closed=ClosedDayRule.SKIP,
    )  # fmt: skip
    assert plan == []
    sundays = plan_occurrences(
        "FREQ=WEEKLY;BYDAY=SU", w(2026, 12, 6, 9), last=None, now=w(2026, 12, 31, 12),
        catch_up=True, calendar=CAL,
    )  # fmt: skip
    assert [p[0] for p in sundays] == [
        w(2026, 12, 7, 9), w(2026, 12, 14, 9), w(2026, 12, 21, 9), w(2026, 12, 28, 9)
    ]  # fmt: skip


def test_a_daily_rule_moved_off_a_weekend_runs_once_on_monday() -> None:
    plan = plan_occurrences(
        "FREQ=DAILY", w(2026, 12, 4, 9), last=None, now=w(2026, 12, 8, 12), catch_up=True,
        calendar=CAL,
    )  # fmt: skip
    assert [p[0] for p in plan] == [w(2026, 12, 4, 9), w(2026, 12, 7, 9), w(2026, 12, 8, 9)]


def test_a_run_moved_past_now_comes_with_a_later_run() -> None:
    # Sunday noon: the Sunday run belongs to Monday 09:00, not due yet.
    text, start = "FREQ=WEEKLY;BYDAY=SU", w(2026, 11, 29, 9)
    assert plan_occurrences(
        text, start, last=None, now=w(2026, 12, 6, 12), catch_up=True, calendar=CAL
    ) == [(w(2026, 11, 30, 9), True)]  # fmt: skip
    later = plan_occurrences(
        text, start, last=w(2026, 11, 30, 9), now=w(2026, 12, 7, 10), catch_up=True, calendar=CAL
    )
    assert later == [(w(2026, 12, 7, 9), False)]


@given(
    rule=st.sampled_from(
        [
            "FREQ=DAILY",
            "FREQ=WEEKLY;BYDAY=SA,SU",
            "FREQ=MONTHLY;BYMONTHDAY=1",
            "FREQ=WEEKLY;BYDAY=MO,WE",
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24,25,26,31",
        ]
    ),
    days=st.integers(min_value=0, max_value=700),
    on_closed=st.sampled_from(list(ClosedDayRule)),
)
@settings(max_examples=60, deadline=None)
def test_no_run_lands_on_a_closed_day(rule: str, days: int, on_closed: ClosedDayRule) -> None:
    start = w(2026, 1, 1, 9) + timedelta(days=days)
    plan = plan_occurrences(
        rule, start, last=None, now=start + timedelta(days=120), catch_up=True, calendar=CAL,
        on_closed=on_closed,
    )  # fmt: skip
    moments = [p[0] for p in plan]
    assert all(CAL.is_workday(m.date()) and m.hour == 9 for m in moments)
    assert moments == sorted(set(moments))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (31, [w(2027, 1, 31, 9), w(2027, 2, 28, 9), w(2027, 3, 31, 9), w(2027, 4, 30, 9)]),
        (30, [w(2027, 1, 30, 9), w(2027, 2, 28, 9), w(2027, 3, 30, 9), w(2027, 4, 30, 9)]),
        (29, [w(2027, 1, 29, 9), w(2027, 2, 28, 9), w(2027, 3, 29, 9), w(2027, 4, 29, 9)]),
        (15, [w(2027, 1, 15, 9), w(2027, 2, 15, 9), w(2027, 3, 15, 9), w(2027, 4, 15, 9)]),
    ],
)
def test_monthly_on_a_late_day_runs_on_the_last_day_of_shorter_months(
    day: int, expected: list[datetime]
) -> None:
    rule = build_rule(Preset.MONTHLY_DAY, day=day)
    assert next_occurrences(rule, START, w(2027, 1, 1), OPEN, 4) == expected
    assert preset_of(rule) == (Preset.MONTHLY_DAY, "MO", day)


def test_monthly_day_29_in_a_leap_february() -> None:
    rule = build_rule(Preset.MONTHLY_DAY, day=29)
    assert next_occurrences(rule, START, w(2028, 2, 1), OPEN, 1) == [w(2028, 2, 29, 9)]


def test_rules_stored_before_the_fix_read_as_the_preset_means() -> None:
    # Tasks saved as plain BYMONTHDAY=31 used to skip every shorter month.
    runs = next_occurrences("FREQ=MONTHLY;BYMONTHDAY=31", START, w(2027, 2, 1), OPEN, 2)
    assert runs == [w(2027, 2, 28, 9), w(2027, 3, 31, 9)]
    assert (
        describe_rule("FREQ=MONTHLY;BYMONTHDAY=31")
        == "monthly, on day 31 (or the last day of a shorter month)"
    )


@settings(max_examples=60, deadline=None)
@given(day=st.integers(1, 31), months=st.integers(1, 48))
def test_monthly_day_n_runs_once_every_month(day: int, months: int) -> None:
    rule = build_rule(Preset.MONTHLY_DAY, day=day)
    runs = next_occurrences(rule, START, START, OPEN, months)  # the rule itself, open every day
    assert len(runs) == months
    for run in runs:
        last = calendar.monthrange(run.year, run.month)[1]
        assert run.day == min(day, last)
    assert len({(r.year, r.month) for r in runs}) == months

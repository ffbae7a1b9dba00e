"""Schedules that can never run are refused in words, wherever they are typed (issue 20)."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.calendar import FirmCalendar
from bbdispatch.domain.recurring import ClosedDayRule
from bbdispatch.domain.schedule import (
    ScheduleError,
    check_runs_on_calendar,
    next_occurrences,
    parse_rule,
    plan_runs,
)
from bbdispatch.i18n import current_language, set_language
from bbdispatch.services.context import Ctx
from bbdispatch.services.recurring import (
    TaskDraft,
    draft_preview,
    next_runs,
    save_task,
    tasks_of_contract,
)

START = datetime(2026, 12, 3, 9, 0, tzinfo=FIRM_ZONE)
CAL = FirmCalendar()


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("FREQ=MINUTELY;INTERVAL=1440;BYHOUR=10", "INTERVAL=1440 never meets BYHOUR"),
    ],
)
def test_a_dateutil_refusal_becomes_words(text: str, part: str) -> None:
    # Finding 2: dateutil's ValueError ("Invalid combination of interval and byhour
    # resulting in empty rule.") reached the form as "Something went wrong (…)".
    with pytest.raises(ScheduleError, match=part) as caught:
        parse_rule(text, START)
    assert "Invalid combination" not in str(caught.value)
    with pytest.raises(ScheduleError, match=part):
        draft_preview(text, START, START, calendar=CAL, on_closed=ClosedDayRule.SKIP)


def test_the_refusal_is_polish_in_polish() -> None:
    before = current_language()
    set_language("pl")
    try:
        with pytest.raises(ScheduleError) as caught:
            parse_rule("FREQ=MINUTELY;INTERVAL=1440;BYHOUR=10", START)
    finally:
        set_language(before)
    assert "nigdy" in str(caught.value)


def test_a_schedule_the_calendar_always_skips_is_refused_fast() -> None:
    # Finding 3: FREQ=WEEKLY;BYDAY=SU with closed days skipped never runs.
    started = time.perf_counter()
    for text in (
        "FREQ=WEEKLY;BYDAY=SU",
        "FREQ=DAILY;BYDAY=SA,SU",
        "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=1",
    ):
        with pytest.raises(ScheduleError, match="would never run"):
            check_runs_on_calendar(text, START, CAL, ClosedDayRule.SKIP)
    assert time.perf_counter() - started < 10
    # Moved to the next working day, the same runs are fine.
    check_runs_on_calendar("FREQ=WEEKLY;BYDAY=SU", START, CAL, ClosedDayRule.NEXT_WORKDAY)


def test_no_run_is_planned_past_the_years_the_calendar_knows() -> None:
    # Finding 7: 25.12.2102 was a working day (the holidays package ends in 2100).
    assert CAL.known_until.year == 2100
    late = datetime(2100, 12, 20, 9, 0, tzinfo=FIRM_ZONE)
    runs = next_occurrences(
        "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25", late, late, CAL, 3,
        on_closed=ClosedDayRule.NEXT_WORKDAY,
    )  # fmt: skip
    assert runs == [datetime(2100, 12, 27, 9, 0, tzinfo=FIRM_ZONE)]
    plan = plan_runs(
        "FREQ=DAILY", late, last=None, now=datetime(2103, 1, 1, tzinfo=FIRM_ZONE),
        catch_up=True, calendar=CAL, limit=None,
    )  # fmt: skip
    assert max(run for run, _late in plan.runs).date() <= CAL.known_until
    with pytest.raises(ScheduleError, match="public holidays up to 31/12/2100"):
        check_runs_on_calendar(
            "FREQ=DAILY", datetime(2102, 12, 1, 9, tzinfo=FIRM_ZONE), CAL, ClosedDayRule.SKIP
        )


def _sunday_task(on_closed: ClosedDayRule) -> TaskDraft:
    return TaskDraft(
        title="Niedzielna kopia", instructions="", schedule="FREQ=WEEKLY;BYDAY=SU",
        starts_at=datetime(2026, 12, 6, 9, 0, tzinfo=FIRM_ZONE), technician_id=None,
        expected_minutes=30, on_closed_day=on_closed,
    )  # fmt: skip


async def test_saving_a_task_that_never_runs_is_refused(demo_ctx: Ctx) -> None:
    before = len(await tasks_of_contract(demo_ctx, 3))
    with pytest.raises(ScheduleError, match="would never run"):
        await save_task(demo_ctx, 3, _sunday_task(ClosedDayRule.SKIP))
    assert len(await tasks_of_contract(demo_ctx, 3)) == before


async def test_next_runs_follow_the_tasks_closed_day_rule(demo_ctx: Ctx) -> None:
    task_id = await save_task(demo_ctx, 3, _sunday_task(ClosedDayRule.NEXT_WORKDAY))
    (task,) = [t for t in await tasks_of_contract(demo_ctx, 3) if t.id == task_id]
    assert next_runs(demo_ctx, task, 1) == [datetime(2026, 12, 7, 9, 0, tzinfo=FIRM_ZONE)]

"""Clocks and targets of the dispatcher's flow (issue 13)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bbdispatch.clock import FIRM_ZONE, FrozenClock
from bbdispatch.domain.assignment import beyond_target, suggest_visit
from bbdispatch.domain.calendar import FirmCalendar
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.services.context import Ctx
from bbdispatch.services.intake import IntakeRequest, get_call, record_ring, save_intake
from bbdispatch.services.jobs import get_job


def w(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=FIRM_ZONE)


async def test_response_clock_starts_when_the_phone_rang(demo_ctx: Ctx) -> None:
    """``ring`` at 15:00, job saved 15:40: received is 15:00."""
    clock = demo_ctx.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(w(24, 15) - clock.now())
    call_id, _match = await record_ring(demo_ctx, "601 234 567")
    clock.advance(timedelta(minutes=40))
    call = await get_call(demo_ctx, call_id)
    job = NewJob(
        client_id=1, description="Printer", mode=JobMode.REMOTE, priority=Priority.NORMAL,
        category=Category.HARDWARE,
    )  # fmt: skip
    result = await save_intake(
        demo_ctx,
        IntakeRequest(
            job=job, client_id=1, raw_number="601 234 567", call_id=call_id,
            received_at=call.received_at,
        ),
    )  # fmt: skip
    assert result.job_id is not None
    saved = await get_job(demo_ctx, result.job_id)
    assert saved.received_at == w(24, 15).astimezone(UTC)


def test_emergency_visit_is_proposed_within_its_target() -> None:
    calendar = FirmCalendar()
    now = w(24, 21)  # an emergency at night: 2 clock hours
    due = now + timedelta(hours=2)
    at = suggest_visit(now, calendar, due)
    assert now < at <= due
    assert at == w(24, 23).astimezone(UTC)
    assert not beyond_target(at, due)
    assert beyond_target(w(25, 10).astimezone(UTC), due)
    # Without a target in reach, the business-hours proposal stands.
    assert suggest_visit(now, calendar) == w(25, 10).astimezone(UTC)


async def test_putting_a_job_on_hold_stops_its_timer(demo_ctx: Ctx) -> None:
    """A job on hold kept its timer running."""
    from bbdispatch.domain.jobs import JobStatus
    from bbdispatch.services.dispatch import change_status
    from bbdispatch.services.timekeeping import running_timer
    from bbdispatch.storage.people import person_by_login
    from bbdispatch.storage.work import get_entry

    anna = await person_by_login(demo_ctx.db, "anna")
    assert anna is not None
    entry = await running_timer(demo_ctx, anna)
    assert entry is not None, "the demo has Anna's timer running"
    await change_status(demo_ctx, entry.job_id, JobStatus.ON_HOLD, "waiting for parts")
    assert await running_timer(demo_ctx, anna) is None
    stopped = await get_entry(demo_ctx.db, entry.id)
    assert stopped is not None
    assert stopped.ended_at == demo_ctx.clock.now()
    assert "waiting for parts" in stopped.description or stopped.description == entry.description
    assert (await get_job(demo_ctx, entry.job_id)).status is JobStatus.ON_HOLD


def test_a_day_typed_without_a_year_is_the_nearest_one() -> None:
    """``01.12 10:00`` typed on 30.11 was read as last year's date."""
    from bbdispatch.domain.assignment import parse_visit
    from bbdispatch.domain.timeinput import parse_moment

    assert parse_moment("01.12 10:00", date(2026, 11, 30)) == w(30, 10).replace(
        month=12, day=1
    ).astimezone(UTC)
    jan2 = date(2027, 1, 2)
    assert parse_moment("31.12 22:00", jan2) == datetime(
        2026, 12, 31, 22, tzinfo=FIRM_ZONE
    ).astimezone(UTC)
    now = datetime(2026, 12, 30, 12, tzinfo=FIRM_ZONE)
    assert parse_visit("05.01 10:00", now) == datetime(2027, 1, 5, 10, tzinfo=FIRM_ZONE).astimezone(
        UTC
    )


@given(
    today=st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31)),
    offset=st.integers(min_value=-180, max_value=180),
)
def test_nearest_year_finds_any_day_within_half_a_year(today: date, offset: int) -> None:
    from bbdispatch.dates import nearest_year

    wanted = today + timedelta(days=offset)
    assume(not (wanted.month == 2 and wanted.day == 29))
    assert nearest_year(wanted.day, wanted.month, today) == wanted


def test_a_moment_is_written_and_explained_in_the_sessions_date_form() -> None:
    """The tester's example: the stop-timer hint wrote ``23.11`` where the footer wrote ``23/11``."""
    from bbdispatch.domain.errors import DomainError
    from bbdispatch.domain.timeinput import format_moment_input, parse_moment
    from bbdispatch.i18n import set_language

    moment = w(23, 14, 30)
    written = format_moment_input(moment, date(2026, 11, 24))
    assert written == "23/11/2026 14:30"
    assert parse_moment(written, date(2026, 11, 24)) == moment
    with pytest.raises(DomainError, match="14:30 or 23/11 14:30"):
        parse_moment("kiedyś", date(2026, 11, 24))
    set_language("pl")
    try:
        assert format_moment_input(moment, date(2026, 11, 24)) == "23.11.2026 14:30"
        with pytest.raises(DomainError, match=r"14:30 lub 23\.11 14:30"):
            parse_moment("kiedyś", date(2026, 11, 24))
    finally:
        set_language("en")

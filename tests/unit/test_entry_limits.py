"""Forgotten timers and accidental ones: over the limit asks for the real end, under a minute is refused."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bbdispatch.clock import FIRM_ZONE, FrozenClock
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.domain.people import Technician
from bbdispatch.services.context import Ctx
from bbdispatch.services.dispatch import assign
from bbdispatch.services.jobs import add_job
from bbdispatch.services.my_entries import add_my_entry, edit_my_entry
from bbdispatch.services.timekeeping import (
    TooLong,
    TooShort,
    running_timer,
    start_timer,
    stop_timer,
)
from bbdispatch.services.workspace import my_jobs
from bbdispatch.storage import people as people_store
from bbdispatch.storage import work as work_store
from tests.unit.test_cli_office import cli, cli_json, new_private, week_ago, yesterday
from tests.unit.test_cli_office import db as db  # noqa: F401 (the office database fixture)

FRI_16 = datetime(2026, 11, 27, 16, 0, tzinfo=FIRM_ZONE)


async def anna(ctx: Ctx) -> Technician:
    found = await people_store.person_by_login(ctx.db, "anna")
    assert found is not None
    return found


async def fresh_timer_on_friday(ctx: Ctx, clock: FrozenClock) -> Technician:
    tech = await anna(ctx)
    running = await running_timer(ctx, tech)
    assert running is not None
    await stop_timer(ctx, tech, description="Restart", mode=JobMode.ONSITE)
    clock.advance(FRI_16 - clock.now())
    job = (await my_jobs(ctx, tech))[0].job.id
    await start_timer(ctx, tech, job)
    return tech


async def test_a_timer_stopped_on_monday_asks_for_the_real_end(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    # The issue: started Friday 16:00, stopped Monday with End = now: 79 h saved unasked.
    tech = await fresh_timer_on_friday(demo_ctx, clock)
    clock.advance(timedelta(hours=79))
    with pytest.raises(TooLong, match=r"79 h is longer than 10 h"):
        await stop_timer(demo_ctx, tech, description="Backup", mode=JobMode.REMOTE)
    assert (await running_timer(demo_ctx, tech)) is not None  # nothing saved, timer still runs
    entry_id = await stop_timer(
        demo_ctx, tech, description="Backup", mode=JobMode.REMOTE,
        ended_at=FRI_16 + timedelta(hours=1, minutes=10),
    )  # fmt: skip
    stopped = await work_store.get_entry(demo_ctx.db, entry_id)
    assert stopped is not None and stopped.ended_at == FRI_16 + timedelta(hours=1, minutes=10)


async def test_a_really_long_timer_is_saved_when_confirmed(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    tech = await fresh_timer_on_friday(demo_ctx, clock)
    clock.advance(timedelta(hours=11))
    await stop_timer(demo_ctx, tech, description="Migracja", mode=JobMode.ONSITE, long=True)
    assert await running_timer(demo_ctx, tech) is None


async def test_a_20_second_timer_is_refused_with_a_message(
    demo_ctx: Ctx, clock: FrozenClock
) -> None:
    tech = await fresh_timer_on_friday(demo_ctx, clock)
    clock.advance(timedelta(seconds=20))
    with pytest.raises(TooShort, match=r"Under a minute \(20 s\)"):
        await stop_timer(demo_ctx, tech, description="x", mode=JobMode.REMOTE)


async def test_typed_entries_obey_the_same_limits(demo_ctx: Ctx) -> None:
    tech = await anna(demo_ctx)
    start = datetime(2026, 11, 20, 8, tzinfo=FIRM_ZONE)
    client = (await my_jobs(demo_ctx, tech))[0].job.client_id
    new = NewJob(client, "Serwer", JobMode.REMOTE, Priority.NORMAL, Category.OTHER)
    job = await add_job(demo_ctx, new, received_at=start - timedelta(hours=1))
    await assign(demo_ctx, job, tech.id, None)
    with pytest.raises(TooLong, match="73 h"):
        await add_my_entry(
            demo_ctx, tech, job, started_at=start, ended_at=start + timedelta(hours=73),
            description="x", mode=JobMode.REMOTE,
        )  # fmt: skip
    with pytest.raises(TooShort):
        await add_my_entry(
            demo_ctx, tech, job, started_at=start, ended_at=start + timedelta(seconds=59),
            description="x", mode=JobMode.REMOTE,
        )  # fmt: skip
    entry = await add_my_entry(
        demo_ctx, tech, job, started_at=start, ended_at=start + timedelta(hours=2),
        description="x", mode=JobMode.REMOTE,
    )  # fmt: skip
    with pytest.raises(TooLong):
        await edit_my_entry(
            demo_ctx, tech, entry, started_at=start, ended_at=start + timedelta(hours=12),
            description="x", mode=JobMode.REMOTE, billable=True,
        )  # fmt: skip
    await edit_my_entry(
        demo_ctx, tech, entry, started_at=start, ended_at=start + timedelta(hours=12),
        description="x", mode=JobMode.REMOTE, billable=True, long=True,
    )  # fmt: skip


def test_cli_time_add_needs_long_for_73_hours(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    client_id = new_private(db, capsys)
    job = cli_json(db, capsys, "jobs", "add", "--received-at", week_ago(), "--client", str(client_id), "--description",
                   "Serwer", "--rate", "100")["id"]  # fmt: skip
    start = datetime.fromisoformat(yesterday(8)) - timedelta(days=4)
    args = ["time", "add", "--job", str(job), "--from", start.isoformat(), "--to",
            (start + timedelta(hours=73)).isoformat(), "--text", "Migracja", "--tech", "anna"]  # fmt: skip
    err = cli(db, capsys, *args, code=1)
    assert "73 h is longer than 10 h" in err
    assert "--long" in err  # the command line names the flag that confirms it
    assert err.count("\n") == 1
    assert "entry" in cli(db, capsys, *args, "--long")


async def test_hold_refuses_while_a_forgotten_timer_runs(demo_ctx: Ctx, clock: FrozenClock) -> None:
    from bbdispatch.domain.errors import DomainError
    from bbdispatch.domain.jobs import JobStatus
    from bbdispatch.services.dispatch import change_status

    tech = await anna(demo_ctx)
    entry = await running_timer(demo_ctx, tech)
    assert entry is not None
    clock.advance(timedelta(hours=12))  # the timer has run 12:40, past the 10 h limit
    with pytest.raises(DomainError, match="past the 10 h limit"):
        await change_status(demo_ctx, entry.job_id, JobStatus.ON_HOLD, "czekamy na części")
    assert await running_timer(demo_ctx, tech) is not None  # nothing saved as 12:40 of work
    from bbdispatch.services.jobs import get_job

    assert (await get_job(demo_ctx, entry.job_id)).status is not JobStatus.ON_HOLD

"""Issue 20: a backup check's age limit is its task's: the period its schedule gives the run."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.backups import BackupResult
from bbdispatch.domain.jobs import Category
from bbdispatch.domain.schedule import period_days
from bbdispatch.services.backups import backup_check, record_backup_check
from bbdispatch.services.context import Ctx
from bbdispatch.services.recurring import TaskDraft, save_task
from bbdispatch.services.schedule import run_schedule


def w(*args: int) -> datetime:
    return datetime(*args, tzinfo=FIRM_ZONE)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("rule", "at", "days"),
    [
        ("FREQ=WEEKLY;BYDAY=MO", w(2026, 11, 23, 9), 7),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", w(2026, 11, 23, 9), 14),
        ("FREQ=MONTHLY;BYMONTHDAY=1", w(2026, 12, 1, 9), 30),  # November
        ("FREQ=MONTHLY;BYMONTHDAY=1", w(2026, 3, 1, 9), 28),  # February
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", w(2026, 11, 23, 9), 3),  # after the weekend
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", w(2026, 11, 24, 9), 1),
        ("FREQ=MONTHLY;BYMONTHDAY=1", w(2026, 1, 1, 9), 31),  # the first run: the gap after it
    ],
)
def test_the_period_of_a_run(rule: str, at: datetime, days: int) -> None:
    assert period_days(rule, w(2026, 1, 1, 9), at) == days


def test_no_period_for_a_single_run_or_a_broken_rule() -> None:
    assert period_days("FREQ=DAILY;COUNT=1", w(2026, 1, 1, 9), w(2026, 1, 1, 9)) is None
    assert period_days("FREQ=HOURLY", w(2026, 1, 1, 9), w(2026, 1, 1, 9)) is None


async def test_a_monthly_check_accepts_a_backup_from_within_its_month(demo_ctx: Ctx) -> None:
    task = await save_task(
        demo_ctx, 3,
        TaskDraft(
            title="Miesięczna kontrola kopii", instructions="", schedule="FREQ=MONTHLY;BYMONTHDAY=2",
            starts_at=w(2026, 11, 2, 8), technician_id=None, expected_minutes=30,
            category=Category.BACKUP,
        ),
    )  # fmt: skip
    later = w(2026, 12, 2, 12)
    (run,) = [c for c in (await run_schedule(demo_ctx, later)).created if c.task_id == task]
    # 24.11 (the demo's day) - 04.11 = 20 days: fine for a monthly check (limit 30) ...
    await record_backup_check(
        demo_ctx, run.job_id, result=BackupResult.OK, backup_date=date(2026, 11, 4),
        size_bytes=None, location="NAS",
    )  # fmt: skip
    check = await backup_check(demo_ctx, run.job_id)
    assert check is not None
    assert check.result is BackupResult.OK
    # ... older than its month is not.
    await record_backup_check(
        demo_ctx, run.job_id, result=BackupResult.OK, backup_date=date(2026, 10, 20),
        size_bytes=None, location="NAS",
    )  # fmt: skip
    check = await backup_check(demo_ctx, run.job_id)
    assert check is not None
    assert check.result is BackupResult.FAILED
    assert check.note == "the last good backup is 35 days old (limit 30)"


async def test_the_weekly_check_keeps_its_week(demo_ctx: Ctx) -> None:
    run = (await run_schedule(demo_ctx)).created[0]  # the demo's weekly backup check
    await record_backup_check(
        demo_ctx, run.job_id, result=BackupResult.OK, backup_date=date(2026, 11, 14),
        size_bytes=None, location="NAS",
    )  # fmt: skip
    check = await backup_check(demo_ctx, run.job_id)
    assert check is not None
    assert check.note == "the last good backup is 10 days old (limit 7)"


async def test_a_task_runs_only_within_its_contracts_term(demo_ctx: Ctx) -> None:
    """Issue 20's tester: a task could start before its contract started, or after it ended."""
    from bbdispatch.domain.schedule import ScheduleError
    from bbdispatch.services.ledger import close_contract

    def draft(first: datetime) -> TaskDraft:
        return TaskDraft(
            title="Aktualizacje", instructions="", schedule="FREQ=WEEKLY;BYDAY=MO",
            starts_at=first, technician_id=None, expected_minutes=30,
        )  # fmt: skip

    with pytest.raises(ScheduleError, match=r"before contract BB/2026/003 starts \(28/01/2026\)"):
        await save_task(demo_ctx, 3, draft(w(2026, 1, 10, 9)))
    await close_contract(demo_ctx, 3, "Koniec współpracy")  # ends today, 24.11
    with pytest.raises(ScheduleError, match=r"after contract BB/2026/003 ends \(24/11/2026\)"):
        await save_task(demo_ctx, 3, draft(w(2026, 12, 7, 9)))
    rows = await demo_ctx.db.fetch_all("SELECT id FROM recurring_task WHERE title = 'Aktualizacje'")
    assert rows == []
    assert await save_task(demo_ctx, 3, draft(w(2026, 11, 23, 9)))  # within the term

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bbdispatch.clock import FIRM_ZONE
from bbdispatch.domain.backups import BackupResult, format_size, parse_size, stale_backup
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, JobStatus, Priority
from bbdispatch.services.backups import backup_check, record_backup_check
from bbdispatch.services.context import Ctx
from bbdispatch.services.jobs import get_job
from bbdispatch.services.schedule import run_schedule
from bbdispatch.storage import jobs as job_store

DATA = Path(__file__).parent.parent / "data"


async def test_failed_backup_becomes_an_open_emergency(demo_ctx: Ctx) -> None:
    run = (await run_schedule(demo_ctx)).created[0]
    with pytest.raises(DomainError, match="Say what failed"):
        await record_backup_check(
            demo_ctx, run.job_id, result=BackupResult.FAILED, backup_date=None,
            size_bytes=None, location="",
        )  # fmt: skip
    await record_backup_check(
        demo_ctx, run.job_id, result=BackupResult.FAILED, backup_date=date(2026, 11, 21),
        size_bytes=parse_size("0 GB"), location=r"\\NAS-REJESTRACJA\kopie",
        note="Kopia z soboty przerwana: brak miejsca na NAS",
    )  # fmt: skip
    job = await get_job(demo_ctx, run.job_id)
    assert job.priority is Priority.EMERGENCY
    assert job.alert == "Backup failed: Kopia z soboty przerwana: brak miejsca na NAS"
    assert job.status.is_open
    row = await demo_ctx.db.fetch_one(
        "SELECT result, backup_date, size_bytes, location FROM backup_check WHERE job_id = ?",
        (run.job_id,),
    )
    assert row is not None
    assert tuple(row) == ("failed", "2026-11-21", 0, r"\\NAS-REJESTRACJA\kopie")
    # A later good check clears the alert but leaves the job open for its log.
    await record_backup_check(
        demo_ctx, run.job_id, result=BackupResult.OK, backup_date=date(2026, 11, 23),
        size_bytes=parse_size("431,5 GB"), location=r"\\NAS-REJESTRACJA\kopie",
    )  # fmt: skip
    job = await get_job(demo_ctx, run.job_id)
    assert job.alert == ""
    assert job.status is JobStatus.ASSIGNED


def test_sizes() -> None:
    assert parse_size("1,5 TB") == 1649267441664
    assert parse_size("") is None
    assert format_size(parse_size("512 GB")) == "512 GB"
    with pytest.raises(DomainError):
        parse_size("dużo")


async def test_run_job_insert_is_idempotent(demo_ctx: Ctx) -> None:
    moment = datetime(2026, 11, 23, 9, tzinfo=FIRM_ZONE)
    new = NewJob(
        client_id=3, contract_id=3, description="Kontrola", mode=JobMode.REMOTE,
        priority=Priority.NORMAL, category=Category.BACKUP,
        recurring_task_id=1, occurrence_at=moment,
    )  # fmt: skip
    async with demo_ctx.db.transaction():
        first = await job_store.insert_run_job(demo_ctx.db, new, moment, "a")
        second = await job_store.insert_run_job(demo_ctx.db, new, moment, "b")
    assert first is not None
    assert second is None


async def test_a_backup_last_good_two_months_ago_is_a_problem(demo_ctx: Ctx) -> None:
    # Issue 20: a backup last good two months ago was accepted as OK.
    run = (await run_schedule(demo_ctx)).created[0]
    await record_backup_check(
        demo_ctx, run.job_id, result=BackupResult.OK, backup_date=date(2026, 9, 24),
        size_bytes=parse_size("431 GB"), location=r"\\NAS\kopie", note="NAS działa",
    )  # fmt: skip
    check = await backup_check(demo_ctx, run.job_id)
    assert check is not None
    assert check.result is BackupResult.FAILED
    assert check.note == "the last good backup is 61 days old (limit 7) · NAS działa"
    job = await get_job(demo_ctx, run.job_id)
    assert job.priority is Priority.EMERGENCY
    assert job.alert.startswith("Backup failed: the last good backup is 61 days old")
    # At the limit it is fine (24.11 in Warsaw; the limit counts local days).
    await record_backup_check(
        demo_ctx, run.job_id, result=BackupResult.OK, backup_date=date(2026, 11, 17),
        size_bytes=None, location="",
    )  # fmt: skip
    check = await backup_check(demo_ctx, run.job_id)
    assert check is not None and check.result is BackupResult.OK


@given(age=st.integers(min_value=0, max_value=400), limit=st.integers(min_value=1, max_value=60))
def test_stale_backup_only_past_the_limit(age: int, limit: int) -> None:
    today = date(2027, 1, 10)
    reason = stale_backup(today - timedelta(days=age), today, limit)
    assert bool(reason) == (age > limit)
    assert stale_backup(None, today, limit) == ""

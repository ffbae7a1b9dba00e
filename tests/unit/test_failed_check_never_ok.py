"""A run whose backup check failed is never logged "OK", whichever front end asks."""

from __future__ import annotations

import pytest

from bbdispatch.domain.backups import BackupResult
from bbdispatch.domain.errors import DomainError
from bbdispatch.domain.recurring import RunOutcome
from bbdispatch.services.backups import complete_backup_run, record_backup_check
from bbdispatch.services.context import Ctx
from bbdispatch.services.recurring import complete_run, run_details
from bbdispatch.services.schedule import run_schedule


async def _failed_run(ctx: Ctx) -> int:
    job_id = (await run_schedule(ctx)).created[0].job_id
    await record_backup_check(
        ctx, job_id, result=BackupResult.FAILED, backup_date=None, size_bytes=None,
        location="", note="Dysk NAS uszkodzony",
    )  # fmt: skip
    return job_id


async def test_ok_over_a_failed_check_is_refused(demo_ctx: Ctx) -> None:
    # Issue 20 (finding 1): the log said OK while backup_check said failed.
    job_id = await _failed_run(demo_ctx)
    with pytest.raises(DomainError, match="Dysk NAS uszkodzony"):
        await complete_run(demo_ctx, job_id, checked="x", outcome=RunOutcome.OK)
    details = await run_details(demo_ctx, job_id)
    assert details.log is None
    assert details.job.status.is_open


async def test_a_problem_over_a_failed_check_is_logged(demo_ctx: Ctx) -> None:
    job_id = await _failed_run(demo_ctx)
    await complete_run(
        demo_ctx, job_id, checked="x", outcome=RunOutcome.PROBLEM, problem="Dysk NAS uszkodzony"
    )
    details = await run_details(demo_ctx, job_id)
    assert details.log is not None
    assert details.log.outcome is RunOutcome.PROBLEM


async def test_a_done_run_cannot_be_corrected_to_ok_over_its_failed_check(demo_ctx: Ctx) -> None:
    job_id = await _failed_run(demo_ctx)
    await complete_run(
        demo_ctx, job_id, checked="x", outcome=RunOutcome.PROBLEM, problem="Dysk NAS uszkodzony"
    )
    with pytest.raises(DomainError, match="problem found"):
        await complete_backup_run(
            demo_ctx, job_id, checked="x", outcome=RunOutcome.OK, problem="",
            backup_date=None, size_bytes=None, location="",
        )  # fmt: skip
    details = await run_details(demo_ctx, job_id)
    assert details.log is not None
    assert details.log.outcome is RunOutcome.PROBLEM

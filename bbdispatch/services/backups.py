"""Backup checks: record what a backup run found; a failed backup becomes an emergency.

A failed check raises the job to emergency priority, sets the job's alert and
keeps the job open, so the board shows it at the top until someone acts.
"""

from __future__ import annotations

from datetime import date

from bbdispatch.clock import local
from bbdispatch.domain.backups import (
    BACKUP_MAX_AGE_DAYS,
    BackupCheck,
    BackupResult,
    stale_backup,
)
from bbdispatch.domain.errors import DomainError, NotFound
from bbdispatch.domain.jobs import Priority
from bbdispatch.domain.recurring import RunOutcome
from bbdispatch.domain.rights import Action
from bbdispatch.domain.schedule import period_days
from bbdispatch.i18n import _
from bbdispatch.services import audit
from bbdispatch.services.context import Ctx
from bbdispatch.services.recurring import complete_run
from bbdispatch.services.rights import check_job
from bbdispatch.services.saving import saves
from bbdispatch.storage import backups as store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import recurring as recurring_store

ALERT_PREFIX = "Backup failed"
"""Start of the alert a failed check sets (kept untranslated: it is stored)."""


@saves
async def record_backup_check(
    ctx: Ctx,
    job_id: int,
    *,
    result: BackupResult,
    backup_date: date | None,
    size_bytes: int | None,
    location: str,
    note: str = "",
) -> None:
    """Record the result of a backup check on an open job.

    A backup reported good whose date is older than the check's limit is
    recorded as failed, with the age as what failed (and the person's note
    after it). The limit of a recurring run is the period its task's schedule
    gives it (7 days for a weekly check, the month for a monthly one); other
    checks take :data:`~bbdispatch.domain.backups.BACKUP_MAX_AGE_DAYS`.

    Raises:
        NotFound: no such job.
        DomainError: a closed job, a failure without a description, a backup
            date in the future.
    """
    await check_job(ctx, Action.RUN_RECORD, job_id)
    if result is BackupResult.FAILED and not note.strip():
        raise DomainError(_("Say what failed."))
    today = local(ctx.clock.now()).date()
    if backup_date is not None and backup_date > today:
        raise DomainError(_("The backup date is in the future."))
    limit = await _age_limit(ctx, job_id)
    too_old = stale_backup(backup_date, today, limit) if result is BackupResult.OK else ""
    if too_old:
        result = BackupResult.FAILED
        note = " · ".join(part for part in (too_old, note.strip()) if part)
    now = ctx.clock.now()
    async with ctx.db.transaction():
        job = await job_store.get_job(ctx.db, job_id)
        if job is None:
            raise NotFound(_("No job {id}.").format(id=job_id))
        if not job.status.is_open:
            raise DomainError(_("Job {id} is closed.").format(id=job_id))
        check = BackupCheck(
            job_id, result, backup_date, size_bytes, location.strip(), note.strip(), ctx.actor,
            ctx.clock.now(),
        )  # fmt: skip
        await store.upsert_backup_check(ctx.db, check)
        if result is BackupResult.FAILED:
            await job_store.set_alert(
                ctx.db, job_id, now, f"{ALERT_PREFIX}: {note.strip()}", Priority.EMERGENCY
            )
            if job.priority is not Priority.EMERGENCY:
                await job_store.record_remark(
                    ctx.db, job, now, ctx.actor, _("Backup failed: priority raised to emergency")
                )
        elif job.alert.startswith(ALERT_PREFIX):
            await job_store.set_alert(ctx.db, job_id, now, "")
        await audit.record(
            ctx, "job", job_id, "backup_checked", result=result.value,
            backup_date=backup_date.isoformat() if backup_date else None, size_bytes=size_bytes,
            location=location.strip(), note=note.strip(),
        )  # fmt: skip


async def _age_limit(ctx: Ctx, job_id: int) -> int:
    """Days the backup may be old at this check: the run's period, else the default."""
    job = await job_store.get_job(ctx.db, job_id)
    if job is None or job.recurring_task_id is None or job.occurrence_at is None:
        return BACKUP_MAX_AGE_DAYS
    task = await recurring_store.get_task(ctx.db, job.recurring_task_id)
    if task is None:
        return BACKUP_MAX_AGE_DAYS
    period = period_days(task.schedule, task.starts_at, job.occurrence_at)
    return BACKUP_MAX_AGE_DAYS if period is None else period


async def backup_check(ctx: Ctx, job_id: int) -> BackupCheck | None:
    """The backup check recorded on a job, if any."""
    await check_job(ctx, Action.RUN_RECORD, job_id)
    return await store.backup_check_of(ctx.db, job_id)


@saves
async def complete_backup_run(
    ctx: Ctx,
    job_id: int,
    *,
    checked: str,
    outcome: RunOutcome,
    problem: str,
    backup_date: date | None,
    size_bytes: int | None,
    location: str,
) -> RunOutcome:
    """Document a backup-check run with the backup found: its log and its backup check.

    The technician's ``d`` on a backup run records both, so the old-backup rule
    of :func:`record_backup_check` is fed from that path too: a backup reported
    good whose date is older than the run's period makes the run a problem,
    with the age as the problem (a backup last good two months ago is never
    accepted as OK). An OK needs the backup's date; a problem may lack it (no
    backup found). A run already done keeps its backup check; only its log is
    corrected.

    Returns:
        The outcome recorded (PROBLEM when the backup was too old).

    Raises:
        NotFound: no such job.
        DomainError: an OK without the backup's date, a date in the future, or
            what :func:`~bbdispatch.services.recurring.complete_run` refuses.
    """
    await check_job(ctx, Action.RUN_RECORD, job_id)
    job = await job_store.get_job(ctx.db, job_id)
    if job is None:
        raise NotFound(_("No job {id}.").format(id=job_id))
    if job.status.is_open:
        if outcome is RunOutcome.OK and backup_date is None:
            raise DomainError(_("Give the date of the newest good backup."))
        if not checked.strip():
            raise DomainError(_("Say what was checked."))
        if outcome is RunOutcome.PROBLEM and not problem.strip():
            raise DomainError(_("Describe the problem found."))
        await record_backup_check(
            ctx, job_id,
            result=BackupResult.OK if outcome is RunOutcome.OK else BackupResult.FAILED,
            backup_date=backup_date, size_bytes=size_bytes, location=location, note=problem,
        )  # fmt: skip
        found = await store.backup_check_of(ctx.db, job_id)
        if found is not None and found.result is BackupResult.FAILED:
            outcome, problem = RunOutcome.PROBLEM, found.note
    await complete_run(ctx, job_id, checked=checked, outcome=outcome, problem=problem)
    return outcome

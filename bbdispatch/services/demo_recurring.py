"""The demo's IT administration history: documented backup checks and two inventories.

Runs fall on the tasks' own schedules (the last occurrences before the demo's
clock), so ``schedule run`` on a fresh demo creates exactly the next ones: the
newest weekly backup check is left for it, and it comes out late.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bbdispatch.clock import FrozenClock
from bbdispatch.domain.backups import BackupCheck, BackupResult
from bbdispatch.domain.calendar import FirmCalendar, calendar_of
from bbdispatch.domain.inventory import ExportFormat, SoftwareItem, SoftwareList
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import JobStatus, Priority
from bbdispatch.domain.messages import stored
from bbdispatch.domain.recurring import RecurringTask, RunLog, RunOutcome
from bbdispatch.domain.schedule import plan_occurrences
from bbdispatch.services.context import Ctx
from bbdispatch.services.jobs import create_job
from bbdispatch.services.lifecycle import move_job_in_tx
from bbdispatch.services.saving import saves
from bbdispatch.services.timekeeping import add_entry
from bbdispatch.storage import backups as backup_store
from bbdispatch.storage import contracts as contract_store
from bbdispatch.storage import inventory as inventory_store
from bbdispatch.storage import jobs as job_store
from bbdispatch.storage import recurring as store

_BASE_SOFTWARE = [
    ("7-Zip 23.01 (x64)", "23.01"),
    ("Adobe Acrobat Reader", "23.006.20320"),
    ("Google Chrome", "118.0.5993.118"),
    ("KS-SOMED", "2023.2.0"),
    ("Microsoft Office Professional Plus 2019", "16.0.10401.20018"),
    ("Płatnik", "10.02.002"),
    ("TeamViewer", "15.47.3"),
]
_NOVEMBER_CHANGES = {
    "Adobe Acrobat Reader": "24.001.20604",
    "Google Chrome": "119.0.6045.106",
    "TeamViewer": None,
    "AnyDesk": "8.0.5",
}
"""What staff changed between the two demo inventories (None = uninstalled)."""


@saves
async def document_recurring(
    ctx: Ctx, backup_task_id: int, inventory_task_id: int, backup_tech: int, inventory_tech: int
) -> None:
    """Two documented backup checks (the newest occurrence left open) and two inventories."""
    backup = await store.get_task(ctx.db, backup_task_id)
    inventory = await store.get_task(ctx.db, inventory_task_id)
    assert backup is not None
    assert inventory is not None
    now = ctx.clock.now()
    backups = _past(backup, now, calendar_of(ctx.prices))[-3:-1]
    for week, occurrence in enumerate(backups):
        job_id = await _done_run(
            ctx, backup, occurrence, backup_tech, 25,
            "Kontrola kopii: kopia kompletna, odtworzono plik testowy.",
            "Log kopii na NAS bez błędów; odtworzono losowy plik z rejestracji.",
        )  # fmt: skip
        async with ctx.db.transaction():
            await backup_store.upsert_backup_check(
                ctx.db,
                BackupCheck(
                    job_id, BackupResult.OK, (occurrence - timedelta(days=1)).date(),
                    (412 + 6 * week) * 1024**3, r"\\NAS-REJESTRACJA\kopie", "",
                    "piotr", occurrence + timedelta(minutes=25),
                ),
            )  # fmt: skip
    inventories = _past(inventory, now, calendar_of(ctx.prices))[-2:]
    async with ctx.db.transaction():
        # The tasks came into bbdispatch with their first documented runs, the
        # earlier ones declined ("no missed runs"): the months before are not
        # reported as missed (``itadmin_report`` expects runs from the schedules).
        await store.set_runs_from(ctx.db, backup.id, backups[0])
        await store.set_runs_from(ctx.db, inventory.id, inventories[0])
    software = dict(_BASE_SOFTWARE)
    for month, occurrence in enumerate(inventories):
        if month == 1:
            for name, version in _NOVEMBER_CHANGES.items():
                if version is None:
                    software.pop(name, None)
                else:
                    software[name] = version
        job_id = await _done_run(
            ctx, inventory, occurrence, inventory_tech, 80,
            "Inwentaryzacja oprogramowania na stanowiskach.",
            "Get-Package na 6 stanowiskach; lista wczytana i porównana z poprzednią.",
        )  # fmt: skip
        items = tuple(sorted(SoftwareItem(n, v) for n, v in software.items()))
        async with ctx.db.transaction():
            await inventory_store.insert_inventory(
                ctx.db, client_id=await _client_of(ctx, inventory.contract_id), job_id=job_id,
                source_name="Get-Package.csv",
                software=SoftwareList(ExportFormat.POWERSHELL_CSV, items, "REJESTRACJA-PC"),
                loaded_by="kasia", loaded_at=occurrence + timedelta(minutes=60),
            )  # fmt: skip


def _past(task: RecurringTask, now: datetime, calendar: FirmCalendar) -> list[datetime]:
    return [o for o, _late in plan_occurrences(
        task.schedule, task.starts_at, last=None, now=now, catch_up=True, calendar=calendar,
        on_closed=task.on_closed_day,
    )]  # fmt: skip


async def _client_of(ctx: Ctx, contract_id: int) -> int:
    contract = await contract_store.get_contract(ctx.db, contract_id)
    assert contract is not None
    return contract.client_id


async def _done_run(
    ctx: Ctx,
    task: RecurringTask,
    occurrence: datetime,
    tech_id: int,
    minutes: int,
    work_text: str,
    checked: str,
) -> int:
    job_id = await create_job(
        ctx,
        NewJob(
            client_id=await _client_of(ctx, task.contract_id), contract_id=task.contract_id,
            description=task.title, mode=task.mode, priority=Priority.NORMAL,
            category=task.category, status=JobStatus.ASSIGNED, technician_id=tech_id,
            recurring_task_id=task.id, occurrence_at=occurrence,
        ),
    )  # fmt: skip
    async with ctx.db.transaction():
        await job_store.backdate_job(ctx.db, job_id, occurrence)
    end = occurrence + timedelta(minutes=minutes)
    await add_entry(
        ctx, job_id=job_id, technician_id=tech_id, started_at=occurrence, ended_at=end,
        description=work_text, mode=task.mode,
    )  # fmt: skip
    login = "piotr" if task.category.value == "backup" else "kasia"
    documenter = replace(ctx.acting_as(login), clock=FrozenClock(end))
    async with ctx.db.transaction():
        job = await job_store.get_job(ctx.db, job_id)
        assert job is not None
        await move_job_in_tx(
            documenter, job, JobStatus.DONE, checked, remark=stored("status.run_documented")
        )
        await store.insert_run_log(ctx.db, RunLog(job_id, login, end, checked, RunOutcome.OK, ""))
    return job_id

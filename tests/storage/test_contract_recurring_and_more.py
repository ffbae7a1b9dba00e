"""Storage contract: recurring tasks and their runs, inventories, backup checks, the audit log."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from bbdispatch.domain.backups import BackupCheck, BackupResult
from bbdispatch.domain.client_details import NewClient
from bbdispatch.domain.clients import ClientKind
from bbdispatch.domain.inventory import ExportFormat, SoftwareItem, SoftwareList
from bbdispatch.domain.job_edits import NewJob
from bbdispatch.domain.jobs import Category, JobMode, Priority
from bbdispatch.domain.people import Role
from bbdispatch.domain.recurring import RunLog, RunOutcome, TaskDraft
from bbdispatch.pricelist import ProductType
from bbdispatch.storage import (
    audit,
    backups,
    clients,
    contracts,
    inventory,
    jobs,
    people,
    recurring,
)
from bbdispatch.storage.database import Database
from tests.storage.conftest import AT

DRAFT = TaskDraft(
    title="Kontrola kopii", instructions="Sprawdź NAS", schedule="FREQ=WEEKLY;BYDAY=MO",
    starts_at=AT, technician_id=None, expected_minutes=30, mode=JobMode.REMOTE,
    category=Category.BACKUP, catch_up=True,
)  # fmt: skip


async def _admin_contract(db: Database) -> tuple[int, int]:
    client = await clients.insert_client(
        db, NewClient(kind=ClientKind.COMPANY, name="Przychodnia Zdrowie"), AT
    )
    contract = await contracts.insert_contract(
        db, client_id=client, product_code="it-admin", kind=ProductType.MONTHLY,
        number="BB/2026/007", title="Administrowanie", starts_on=date(2026, 1, 1), ends_on=None,
        minutes_included=None, net=Decimal("1500.00"), vat_rate=Decimal("0.23"),
        assessment_id=None, signed_at=AT, signed_by="beata",
    )  # fmt: skip
    return client, contract


async def test_tasks_round_trip(db: Database) -> None:
    async with db.transaction():
        _client, contract = await _admin_contract(db)
        task = await recurring.insert_task(db, contract, DRAFT)
    found = await recurring.get_task(db, task)
    assert found is not None
    assert (found.starts_at, found.mode, found.category, found.catch_up, found.active) == (
        AT, JobMode.REMOTE, Category.BACKUP, True, True,
    )  # fmt: skip
    assert await recurring.get_task(db, 999) is None
    assert await recurring.contract_of_task(db, task) == contract
    assert await recurring.contract_of_task(db, 999) is None
    assert [t.id for t in await recurring.tasks_of_contract(db, contract)] == [task]
    assert await recurring.active_task_ids(db) == [task]
    async with db.transaction():
        tech = await people.insert_person(db, "piotr", "Piotr M", Role.TECHNICIAN)
        await recurring.update_task(
            db, task, TaskDraft(
                title="Kontrola kopii zapasowych", instructions="", schedule="FREQ=DAILY",
                starts_at=AT + timedelta(hours=1), technician_id=tech, expected_minutes=45,
                mode=JobMode.ONSITE, category=Category.OTHER, catch_up=False,
            ),
        )  # fmt: skip
        await recurring.set_task_active(db, task, False)
    changed = await recurring.get_task(db, task)
    assert changed is not None
    assert (changed.title, changed.technician_id, changed.catch_up, changed.active) == (
        "Kontrola kopii zapasowych", tech, False, False,
    )  # fmt: skip
    assert changed.starts_at == AT + timedelta(hours=1)
    assert changed.runs_from is None
    assert await recurring.active_task_ids(db) == []
    async with db.transaction():
        await recurring.set_runs_from(db, task, AT + timedelta(days=3))
        later = await recurring.insert_task(db, contract, DRAFT, AT - timedelta(days=1))
    resumed, other = await recurring.get_task(db, task), await recurring.get_task(db, later)
    assert resumed is not None
    assert other is not None
    assert (resumed.runs_from, other.runs_from) == (AT + timedelta(days=3), AT - timedelta(days=1))
    async with db.transaction():
        await recurring.set_runs_from(db, task, None)
    cleared = await recurring.get_task(db, task)
    assert cleared is not None
    assert cleared.runs_from is None


async def test_runs_once_per_occurrence_with_logs(db: Database) -> None:
    async with db.transaction():
        client, contract = await _admin_contract(db)
        task = await recurring.insert_task(db, contract, DRAFT)
    assert await recurring.last_occurrence(db, task) is None
    new = NewJob(
        client_id=client, contract_id=contract, description="Kontrola kopii", mode=JobMode.REMOTE,
        priority=Priority.NORMAL, category=Category.BACKUP, recurring_task_id=task,
        occurrence_at=AT, late=True,
    )  # fmt: skip
    async with db.transaction():
        job = await jobs.insert_run_job(db, new, AT, "schedule")
        again = await jobs.insert_run_job(db, new, AT, "schedule")
    assert job is not None
    assert again is None
    assert await recurring.last_occurrence(db, task) == AT
    created = await jobs.get_job(db, job)
    assert created is not None
    assert (created.occurrence_at, created.late, created.recurring_task_id) == (AT, True, task)
    log = RunLog(job, "piotr", AT + timedelta(hours=1), "log sprawdzony", RunOutcome.PROBLEM, "X")
    async with db.transaction():
        await recurring.insert_run_log(db, log)
        await backups.upsert_backup_check(
            db, BackupCheck(job, BackupResult.FAILED, date(2026, 11, 23), 10**12, "NAS", "pusty",
                            "piotr", AT),
        )  # fmt: skip
    assert await recurring.run_log_of(db, job) == log
    assert await recurring.run_log_of(db, 999) is None
    runs = await recurring.runs_of_contract(db, contract)
    assert [(r.task.id, r.job.id, r.log, r.backup_failed) for r in runs] == [
        (task, job, log, True),
    ]  # fmt: skip
    check = await backups.backup_check_of(db, job)
    assert check is not None
    assert (check.result, check.backup_date, check.size_bytes, check.recorded_at) == (
        BackupResult.FAILED, date(2026, 11, 23), 10**12, AT,
    )  # fmt: skip
    async with db.transaction():
        await backups.upsert_backup_check(
            db, BackupCheck(job, BackupResult.OK, None, None, "", "", "piotr", AT)
        )
    assert (await backups.backup_check_of(db, job)).result is BackupResult.OK  # type: ignore[union-attr]
    assert await backups.backup_check_of(db, 999) is None


async def test_inventories(db: Database) -> None:
    programs = SoftwareList(
        ExportFormat.POWERSHELL_CSV, (SoftwareItem("7-Zip", "23.01"), SoftwareItem("Chrome", "118"))
    )
    async with db.transaction():
        client, _contract = await _admin_contract(db)
        first = await inventory.insert_inventory(
            db, client_id=client, job_id=None, source_name="a.csv", software=programs,
            loaded_by="kasia", loaded_at=AT,
        )  # fmt: skip
        second = await inventory.insert_inventory(
            db, client_id=client, job_id=None, source_name="b.csv",
            software=SoftwareList(ExportFormat.CSV, ()), loaded_by="kasia",
            loaded_at=AT + timedelta(days=30),
        )  # fmt: skip
    heads = await inventory.inventory_ids_of_client(db, client)
    assert [(h.id, h.loaded_at) for h in heads] == [(second, AT + timedelta(days=30)), (first, AT)]
    assert await inventory.load_inventory(db, first) == programs
    assert await inventory.load_inventory(db, 999) is None
    # Lists belong to computers: each is kept with its host and found by it.
    async with db.transaction():
        third = await inventory.insert_inventory(
            db, client_id=client, job_id=None, source_name="c.csv",
            software=SoftwareList(ExportFormat.CSV, (SoftwareItem("Płatnik", "10"),), "BIURO-PC1"),
            loaded_by="kasia", loaded_at=AT + timedelta(days=31),
        )  # fmt: skip
    by_host = await inventory.inventory_ids_of_client(db, client, "BIURO-PC1")
    assert [(h.id, h.host) for h in by_host] == [(third, "BIURO-PC1")]
    assert [h.id for h in await inventory.inventory_ids_of_client(db, client, "")] == [
        second, first,
    ]  # fmt: skip
    loaded = await inventory.load_inventory(db, third)
    assert loaded is not None
    assert loaded.host == "BIURO-PC1"


class Colour(StrEnum):
    RED = "red"


async def test_audit_details_keep_domain_values(db: Database) -> None:
    async with db.transaction():
        await audit.insert_audit(
            db, AT, "beata", "job", 7, "edited",
            {"at": AT, "day": date(2026, 11, 24), "net": Decimal("3628.50"), "colour": Colour.RED,
             "nested": {"when": AT}, "n": 3, "none": None},
        )  # fmt: skip
    (entry,) = await audit.audit_for(db, "job", 7)
    assert (entry.at, entry.actor, entry.action) == (AT, "beata", "edited")
    assert entry.detail == {
        "at": "2026-11-24T08:42:00Z", "day": "2026-11-24", "net": "3628.50", "colour": "red",
        "nested": {"when": "2026-11-24T08:42:00Z"}, "n": 3, "none": None,
    }  # fmt: skip
    assert await audit.audit_for(db, "job", 8) == []

"""What a technician's database role may write in psql is what the app lets her do, no more.

Each test works as the role ``kasia`` (in ``bbdispatch_technician``) on the demo with
``pg_roles.sql`` applied, the way a technician could in ``psql``, and reads back as the
owner what the database holds.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bbdispatch.clock import FrozenClock
from bbdispatch.domain.audit_chain import verify
from bbdispatch.domain.backups import BackupResult
from bbdispatch.domain.jobs import JobMode
from bbdispatch.domain.recurring import RunOutcome
from bbdispatch.pricelist import PriceList
from bbdispatch.services import backups, my_entries, recurring, timekeeping, workspace
from bbdispatch.services.context import Ctx
from bbdispatch.storage import audit as audit_store
from bbdispatch.storage import people
from bbdispatch.storage.database import Database
from bbdispatch.storage.postgres import PostgresError
from tests.postgres.conftest import as_role

REFUSED = "row-level security|permission denied"
"""How the server words a refused write (a policy, a trigger, a privilege)."""


@pytest.fixture
async def owner(roles_url: str) -> AsyncIterator[Database]:
    """The demo opened as its owner (who sees and writes everything), to set up and read back."""
    db = await Database.open(roles_url)
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture
async def kasia(roles_url: str) -> AsyncIterator[Database]:
    """The demo opened as the technician's role ``kasia``, as she could in ``psql``."""
    db = await as_role(roles_url, "kasia")
    try:
        yield db
    finally:
        await db.close()


async def _chain_verifies(owner: Database) -> None:
    """The audit trail, read by the owner, verifies link by link."""
    check = verify([row async for row in audit_store.chained_rows(owner)])
    assert check.ok, check.problem


async def _ids(db: Database, sql: str, params: tuple[object, ...] = ()) -> list[int]:
    return [int(r[0]) for r in await db.fetch_all(sql, params)]


async def _setting(owner: Database) -> dict[str, int]:
    """Her id, one of her jobs, another's job (of another client) and her entry on her job,
    and another technician's entry on her job (the demo has none: made here)."""
    kasia = int(await owner.fetch_value("SELECT id FROM technician WHERE login = 'kasia'"))
    piotr = int(await owner.fetch_value("SELECT id FROM technician WHERE login = 'piotr'"))
    hers = await _ids(owner, "SELECT id FROM job WHERE technician_id = ? ORDER BY id", (kasia,))
    other = await _ids(
        owner,
        "SELECT id FROM job WHERE technician_id <> ? AND client_id NOT IN"
        " (SELECT client_id FROM job WHERE technician_id = ?) ORDER BY id",
        (kasia, kasia),
    )
    async with owner.transaction():
        mine = await owner.execute(
            "INSERT INTO work_entry (job_id, technician_id, started_at, ended_at, description,"
            " mode, created_at, updated_at) VALUES (?, ?, '2026-11-20T08:00:00Z',"
            " '2026-11-20T09:00:00Z', 'Moja praca', 'remote', '2026-11-20T09:00:00Z',"
            " '2026-11-20T09:00:00Z')",
            (hers[0], kasia),
        )
        his = await owner.execute(
            "INSERT INTO work_entry (job_id, technician_id, started_at, ended_at, description,"
            " mode, created_at, updated_at) VALUES (?, ?, '2026-11-20T10:00:00Z',"
            " '2026-11-20T11:00:00Z', 'Praca Piotra', 'remote', '2026-11-20T11:00:00Z',"
            " '2026-11-20T11:00:00Z')",
            (hers[0], piotr),
        )
    return {"kasia": kasia, "piotr": piotr, "her_job": hers[0], "her_other_job": hers[1],
            "other_job": other[0], "mine": mine, "his": his}  # fmt: skip


async def _refused(db: Database, sql: str, params: tuple[object, ...] = ()) -> None:
    with pytest.raises(PostgresError, match=REFUSED):
        async with db.transaction():
            await db.execute(sql, params)


async def _touches_nothing(db: Database, sql: str, params: tuple[object, ...] = ()) -> None:
    async with db.transaction():
        await db.execute(sql, params)
        assert await db.changes() == 0, sql


async def test_a_technician_adds_time_only_to_her_jobs_in_her_name(
    owner: Database, kasia: Database
) -> None:
    s = await _setting(owner)
    before = await owner.fetch_value("SELECT count(*) FROM work_entry")
    add = (
        "INSERT INTO work_entry (job_id, technician_id, started_at, ended_at, description,"
        " mode, created_at, updated_at) VALUES (?, ?, '2026-11-21T08:00:00Z',"
        " '2026-11-21T09:00:00Z', 'x', 'remote', '2026-11-21T09:00:00Z',"
        " '2026-11-21T09:00:00Z')"
    )
    await _refused(kasia, add, (s["other_job"], s["kasia"]))  # someone else's job
    await _refused(kasia, add, (s["her_job"], s["piotr"]))  # her job, another's name
    assert await owner.fetch_value("SELECT count(*) FROM work_entry") == before
    async with kasia.transaction():  # her job, her name: as the app does
        await kasia.execute(add, (s["her_job"], s["kasia"]))
    assert await owner.fetch_value("SELECT count(*) FROM work_entry") == before + 1


async def test_a_technician_cannot_move_an_entry_or_touch_anothers(
    owner: Database, kasia: Database
) -> None:
    s = await _setting(owner)
    rows = "SELECT id, job_id, technician_id, description FROM work_entry ORDER BY id"
    before = await owner.fetch_all(rows)
    for job in (s["other_job"], s["her_other_job"]):  # onto another's job, or her other
        await _refused(kasia, "UPDATE work_entry SET job_id = ? WHERE id = ?", (job, s["mine"]))
    await _refused(
        kasia, "UPDATE work_entry SET technician_id = ? WHERE id = ?", (s["piotr"], s["mine"])
    )
    # Piotr's entry on her job: she sees it, but neither changes nor deletes it.
    await _touches_nothing(
        kasia, "UPDATE work_entry SET description = 'zmiana' WHERE id = ?", (s["his"],)
    )
    await _touches_nothing(kasia, "DELETE FROM charge WHERE work_entry_id = ?", (s["his"],))
    await _touches_nothing(kasia, "DELETE FROM work_entry WHERE id = ?", (s["his"],))
    assert await owner.fetch_all(rows) == before
    # Her own entry's text and times: as the app's edit does.
    async with kasia.transaction():
        await kasia.execute(
            "UPDATE work_entry SET description = 'Poprawione' WHERE id = ?", (s["mine"],)
        )
        assert await kasia.changes() == 1


async def test_her_own_entry_on_a_job_since_reassigned_she_still_corrects_and_deletes(
    owner: Database, kasia: Database, prices: PriceList
) -> None:
    """The app lets a technician correct and delete her own recent entries wherever the job
    went since; her role does the same through the services, and nothing more."""
    s = await _setting(owner)
    async with owner.transaction():  # the job goes to Piotr
        await owner.execute(
            "UPDATE job SET technician_id = ? WHERE id = ?", (s["piotr"], s["her_job"])
        )
    tech = await people.person_by_login(owner, "kasia")
    assert tech is not None
    clock = FrozenClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))
    as_her = Ctx(db=kasia, clock=clock, prices=prices, actor="kasia", login="kasia")
    start = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    await my_entries.edit_my_entry(
        as_her, tech, s["mine"], started_at=start, ended_at=start + timedelta(minutes=90),
        description="Poprawione po przekazaniu", mode=JobMode.REMOTE, billable=True,
    )  # fmt: skip
    saved = await owner.fetch_one(
        "SELECT job_id, description, ended_at FROM work_entry WHERE id = ?", (s["mine"],)
    )
    assert saved is not None
    assert tuple(saved) == (s["her_job"], "Poprawione po przekazaniu", "2026-11-20T09:30:00Z")
    # Piotr's entry on the same job is not hers, in the app or in psql.
    await _touches_nothing(
        kasia, "UPDATE work_entry SET description = 'zmiana' WHERE id = ?", (s["his"],)
    )
    await my_entries.delete_my_entry(as_her, tech, s["mine"])
    assert await owner.fetch_value(
        "SELECT count(*) FROM work_entry WHERE id = ?", (s["mine"],)) == 0  # fmt: skip
    await _chain_verifies(owner)


async def test_a_technician_charges_only_her_jobs_clients_contracts(
    owner: Database, kasia: Database
) -> None:
    s = await _setting(owner)
    foreign = await owner.fetch_value(
        "SELECT min(id) FROM contract WHERE client_id NOT IN"
        " (SELECT client_id FROM job WHERE technician_id = ?)",
        (s["kasia"],),
    )
    assert foreign is not None
    charge = (
        "INSERT INTO charge (work_entry_id, contract_id, basis, minutes, reason)"
        " VALUES (?, ?, 'block', 600, 'x')"
    )
    await _refused(kasia, charge, (s["mine"], foreign))
    assert (
        await owner.fetch_value(
            "SELECT count(*) FROM charge WHERE contract_id = ? AND minutes = 600", (foreign,)
        )
        == 0
    )


@pytest.mark.parametrize(
    "change",
    ["client_id = (SELECT min(id) FROM client)", "description = 'inne zlecenie'",
     "agreed_price_grosze = 1", "caller_name = 'ktoś'", "received_at = '2020-01-01T00:00:00Z'"],
)  # fmt: skip
async def test_a_technician_changes_only_the_steps_of_her_job(
    owner: Database, kasia: Database, change: str
) -> None:
    s = await _setting(owner)
    row = "SELECT * FROM job WHERE id = ?"
    before = await owner.fetch_one(row, (s["her_job"],))
    await _refused(kasia, f"UPDATE job SET {change} WHERE id = ?", (s["her_job"],))
    assert await owner.fetch_one(row, (s["her_job"],)) == before


@pytest.mark.parametrize(
    ("before", "change"),
    [("done", "status = 'in_progress'"), ("assigned", "status = 'cancelled',"
     " status_reason = 'x'"), ("in_progress", "status = 'new', technician_id = NULL"),
     ("in_progress", "status = 'assigned'"), ("done", "resolution = 'inna'"),
     ("assigned", "priority = 'low'")],
)  # fmt: skip
async def test_a_technician_takes_only_her_steps_of_the_lifecycle(
    owner: Database, kasia: Database, before: str, change: str
) -> None:
    """Start, hold and finish (and a priority raised by a failed backup) are hers; reopening,
    cancelling, un-assigning, lowering a priority or rewriting a closed job are not."""
    s = await _setting(owner)
    async with owner.transaction():
        await owner.execute(
            "UPDATE job SET status = ?, resolution = 'Naprawione', priority = 'normal'"
            " WHERE id = ?",
            (before, s["her_job"]),
        )
        await owner.execute(
            "UPDATE job SET status = 'in_progress', priority = 'normal' WHERE id = ?",
            (s["her_other_job"],),
        )
    row = "SELECT * FROM job WHERE id = ?"
    was = await owner.fetch_one(row, (s["her_job"],))
    await _refused(kasia, f"UPDATE job SET {change} WHERE id = ?", (s["her_job"],))
    assert await owner.fetch_one(row, (s["her_job"],)) == was
    # Her own steps still go through.
    async with kasia.transaction():
        await kasia.execute(
            "UPDATE job SET status = 'on_hold', priority = 'emergency' WHERE id = ?",
            (s["her_other_job"],),
        )
        assert await kasia.changes() == 1


@pytest.mark.parametrize(
    "table",
    ["job", "job_status_change", "run_log", "backup_check", "software_inventory",
     "software_item", "audit_log"],
)  # fmt: skip
async def test_a_technician_deletes_no_history_runs_or_inventories(
    owner: Database, kasia: Database, table: str
) -> None:
    before = await owner.fetch_value(f"SELECT count(*) FROM {table}")
    if table == "audit_log":  # no DELETE granted at all
        await _refused(kasia, f"DELETE FROM {table}")
    else:
        await _touches_nothing(kasia, f"DELETE FROM {table}")
    assert await owner.fetch_value(f"SELECT count(*) FROM {table}") == before


async def test_a_technician_writes_history_only_in_her_name(
    owner: Database, kasia: Database
) -> None:
    s = await _setting(owner)
    history = (
        "INSERT INTO job_status_change (job_id, at, to_status, actor)"
        " VALUES (?, '2026-11-24T08:42:00Z', 'in_progress', ?)"
    )
    await _refused(kasia, history, (s["her_job"], "piotr"))
    await _refused(kasia, history, (s["other_job"], "kasia"))
    await _touches_nothing(kasia, "UPDATE job_status_change SET note = 'x'")
    async with kasia.transaction():
        await kasia.execute(history, (s["her_job"], "kasia"))


async def test_an_audit_row_is_only_the_chains_next_link(owner: Database, kasia: Database) -> None:
    """An id of her choosing (99999), no id, or the next id with a hash of her own are all
    refused; the trail verifies; the app's own writer still adds her rows."""
    top = int(await owner.fetch_value("SELECT max(id) FROM audit_log"))
    cols = "(at, actor, entity, entity_id, action)"
    values = "('2026-11-24T08:42:00Z', 'kasia', 'job', 1, 'viewed')"
    await _refused(kasia, f"INSERT INTO audit_log (id, {cols[1:]} VALUES (99999, {values[1:]}")
    await _refused(kasia, f"INSERT INTO audit_log {cols} VALUES {values}")
    await _refused(
        kasia,
        "INSERT INTO audit_log (id, at, actor, entity, entity_id, action, detail_digest,"
        " chain_hash) VALUES (?, '2026-11-24T08:42:00Z', 'kasia', 'job', 1, 'viewed',"
        " 'a', 'b')",
        (top + 1,),
    )
    assert await owner.fetch_value("SELECT max(id) FROM audit_log") == top
    await _chain_verifies(owner)
    async with kasia.transaction():
        await audit_store.insert_audit(
            kasia, datetime(2026, 11, 24, 8, 42, tzinfo=UTC), "kasia", "job", 1, "viewed",
            {"note": 'cudzysłów " i ąę\n'},
        )  # fmt: skip
    assert await owner.fetch_value("SELECT max(id) FROM audit_log") == top + 1
    await _chain_verifies(owner)


async def test_her_days_work_through_the_services_passes_the_servers_rules(
    owner: Database, kasia: Database, prices: PriceList
) -> None:
    """Everything the app lets a technician do, done in her own session: a timer started
    and stopped, a job put on hold and finished, a failed backup check (alert, priority
    raised to an emergency) and its run documented; what the database holds shows it and
    the audit trail verifies."""
    s = await _setting(owner)
    run = await owner.fetch_value(
        "SELECT min(id) FROM job WHERE technician_id = ? AND recurring_task_id IS NOT NULL",
        (s["kasia"],),
    )
    async with owner.transaction():
        await owner.execute(
            "UPDATE job SET status = 'assigned', priority = 'normal', closed_at = NULL"
            " WHERE id IN (?, ?, ?)",
            (s["her_job"], s["her_other_job"], run),
        )
        await owner.execute("DELETE FROM run_log WHERE job_id = ?", (run,))
        await owner.execute("DELETE FROM backup_check WHERE job_id = ?", (run,))
    tech = await people.person_by_login(owner, "kasia")
    assert tech is not None
    now = datetime.now(UTC).replace(microsecond=0)
    as_her = Ctx(db=kasia, clock=FrozenClock(now - timedelta(hours=3)), prices=prices,
                 actor="kasia", login="kasia")  # fmt: skip
    entry = await timekeeping.start_timer(as_her, tech, s["her_job"])
    as_her = replace(as_her, clock=FrozenClock(now - timedelta(hours=2)))
    await timekeeping.stop_timer(as_her, tech, description="Drukarka", mode=JobMode.ONSITE)
    await workspace.put_on_hold(as_her, tech, s["her_job"], "Czekam na toner")
    await workspace.finish_job(as_her, tech, s["her_other_job"], "Naprawione")
    await backups.record_backup_check(
        as_her, run, result=BackupResult.FAILED, backup_date=None, size_bytes=None,
        location="NAS", note="Brak kopii",
    )  # fmt: skip
    await recurring.complete_run(
        as_her, run, checked="Kopie", outcome=RunOutcome.PROBLEM, problem="Brak kopii"
    )
    statuses = dict(
        tuple(r)
        for r in await owner.fetch_all(
            "SELECT id, status || '/' || priority FROM job WHERE id IN (?, ?, ?)",
            (s["her_job"], s["her_other_job"], run),
        )
    )
    assert statuses == {s["her_job"]: "on_hold/normal", s["her_other_job"]: "done/normal",
                        run: "done/emergency"}  # fmt: skip
    assert await owner.fetch_value(
        "SELECT ended_at FROM work_entry WHERE id = ?", (entry,)) is not None  # fmt: skip
    assert await owner.fetch_value("SELECT outcome FROM run_log WHERE job_id = ?", (run,)) == (
        "problem"
    )
    await _chain_verifies(owner)

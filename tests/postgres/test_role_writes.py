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
    hers = await _ids(  # an open one first: a closed job takes no new time
        owner,
        "SELECT id FROM job WHERE technician_id = ? ORDER BY status IN ('done', 'cancelled'), id",
        (kasia,),
    )
    other = await _ids(
        owner,
        "SELECT id FROM job WHERE technician_id <> ? AND client_id NOT IN"
        " (SELECT client_id FROM job WHERE technician_id = ?) ORDER BY id",
        (kasia, kasia),
    )
    async with owner.transaction():
        mine = await owner.execute(
            "INSERT INTO work_entry (job_id, technician_id, started_at, ended_at, description,"
            " mode, created_at, updated_at) VALUES (?, ?, '2026-11-20T10:00:00Z',"
            " '2026-11-20T11:00:00Z', 'Moja praca', 'remote', '2026-11-20T11:00:00Z',"
            " '2026-11-20T11:00:00Z')",
            (hers[0], kasia),
        )
        his = await owner.execute(
            "INSERT INTO work_entry (job_id, technician_id, started_at, ended_at, description,"
            " mode, created_at, updated_at) VALUES (?, ?, '2026-11-20T11:00:00Z',"
            " '2026-11-20T12:00:00Z', 'Praca Piotra', 'remote', '2026-11-20T12:00:00Z',"
            " '2026-11-20T12:00:00Z')",
            (hers[0], piotr),
        )
    return {"kasia": kasia, "piotr": piotr, "her_job": hers[0], "her_other_job": hers[1],
            "other_job": other[0], "mine": mine, "his": his}  # fmt: skip


async def _refused(
    db: Database, sql: str, params: tuple[object, ...] = (), match: str = REFUSED
) -> None:
    with pytest.raises(PostgresError, match=match):
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
    start = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    await my_entries.edit_my_entry(
        as_her, tech, s["mine"], started_at=start, ended_at=start + timedelta(minutes=90),
        description="Poprawione po przekazaniu", mode=JobMode.REMOTE, billable=True,
    )  # fmt: skip
    saved = await owner.fetch_one(
        "SELECT job_id, description, ended_at FROM work_entry WHERE id = ?", (s["mine"],)
    )
    assert saved is not None
    assert tuple(saved) == (s["her_job"], "Poprawione po przekazaniu", "2026-11-20T11:30:00Z")
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


async def _used(db: Database) -> dict[int, int]:
    """Each contract's used minutes as ``contracts`` reads them (the owner's view)."""
    return {int(r[0]): int(r[1]) for r in await db.fetch_all("SELECT id, used FROM contract_used")}


async def test_a_technician_gives_no_prepaid_hours_back(owner: Database, kasia: Database) -> None:
    """Removing charges (all of them, or her entry's) is refused at commit; a charge
    replaced by one as long, as the app's recharge does, goes through."""
    charges = "SELECT * FROM charge ORDER BY id"
    before, used = await owner.fetch_all(charges), await _used(owner)
    hers = await kasia.fetch_all(
        "SELECT c.id, c.work_entry_id, c.contract_id, c.basis, c.minutes, c.rate_grosze,"
        " c.reason FROM charge c ORDER BY c.id"
    )
    assert len(hers) >= 4  # the charges of her entries on her jobs, closed ones too
    await _refused(kasia, "DELETE FROM charge")
    await _refused(kasia, "DELETE FROM charge WHERE id = ?", (hers[0]["id"],))
    await _touches_nothing(kasia, "UPDATE charge SET minutes = 1")
    assert await owner.fetch_all(charges) == before
    assert await _used(owner) == used
    # Charged again in the same transaction, as the app does: allowed.
    first = hers[0]
    async with kasia.transaction():
        await kasia.execute("DELETE FROM charge WHERE work_entry_id = ?", (first[1],))
        await kasia.execute(
            "INSERT INTO charge (work_entry_id, contract_id, basis, minutes, rate_grosze,"
            " reason) VALUES (?, ?, ?, ?, ?, ?)",
            tuple(first)[1:],
        )
    assert await _used(owner) == used


async def test_a_technician_adds_time_to_a_closed_job_only_as_the_app_does(
    owner: Database, kasia: Database
) -> None:
    """A done job takes work that ended by the minute it was closed (written down
    afterwards), no later work, no timer, and nothing from before it was received;
    her finished entry on it is not moved past the close either."""
    s = await _setting(owner)
    done = await owner.fetch_one(
        "SELECT id, received_at, closed_at FROM job WHERE technician_id = ?"
        " AND status = 'done' AND closed_at LIKE '%:00:00Z' ORDER BY id LIMIT 1",
        (s["kasia"],),
    )
    assert done is not None
    job, closed = done[0], datetime.fromisoformat(done[2])
    add = (
        "INSERT INTO work_entry (job_id, technician_id, started_at, ended_at, description,"
        " mode, created_at, updated_at) VALUES (?, ?, ?, ?, 'x', 'remote',"
        " '2026-11-24T09:00:00Z', '2026-11-24T09:00:00Z')"
    )

    def at(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    async with owner.transaction():  # her hour before the close is free
        await owner.execute(
            "DELETE FROM work_entry WHERE technician_id = ? AND started_at < ? AND ended_at > ?",
            (s["kasia"], at(closed + timedelta(minutes=1)), at(closed - timedelta(hours=1))),
        )
    count = "SELECT count(*) FROM work_entry WHERE job_id = ?"
    entries = await owner.fetch_value(count, (job,))
    later = closed + timedelta(days=20)
    shut = "permission denied: job .* was closed"
    await _refused(kasia, add, (job, s["kasia"], at(later), at(later + timedelta(hours=1))),
                   shut)  # fmt: skip
    await _refused(kasia, add, (job, s["kasia"], at(closed - timedelta(minutes=30)),
                                at(closed + timedelta(minutes=1))), shut)  # fmt: skip
    await _refused(kasia, add, (job, s["kasia"], at(later), None), shut)  # a timer
    received = datetime.fromisoformat(done[1])
    await _refused(kasia, add, (job, s["kasia"], at(received - timedelta(minutes=1)),
                                at(received + timedelta(minutes=30))),
                   "permission denied: job .* was received")  # fmt: skip
    assert await owner.fetch_value(count, (job,)) == entries
    # Work done before the close, written down afterwards: as the app takes it.
    async with kasia.transaction():
        mine = await kasia.execute(
            add, (job, s["kasia"], at(closed - timedelta(minutes=45)), at(closed))
        )
    assert await owner.fetch_value(count, (job,)) == entries + 1
    await _refused(
        kasia, "UPDATE work_entry SET ended_at = ? WHERE id = ?",
        (at(closed + timedelta(minutes=2)), mine), shut,
    )  # fmt: skip
    assert await owner.fetch_value(
        "SELECT ended_at FROM work_entry WHERE id = ?", (mine,)) == at(closed)  # fmt: skip


ID_ROWS = {
    "work_entry": "INSERT INTO work_entry (id, job_id, technician_id, started_at, ended_at,"
    " description, mode, created_at, updated_at) VALUES ({id}, {her_job}, {kasia},"
    " '2026-11-21T08:00:00Z', '2026-11-21T09:00:00Z', 'x', 'remote', '2026-11-21T09:00:00Z',"
    " '2026-11-21T09:00:00Z')",
    "charge": "INSERT INTO charge (id, work_entry_id, contract_id, basis, minutes, rate_grosze,"
    " reason) VALUES ({id}, {mine}, NULL, 'uncovered', 60, 10000, 'x')",
    "job_status_change": "INSERT INTO job_status_change (id, job_id, at, to_status, actor)"
    " VALUES ({id}, {her_job}, '2026-11-24T08:42:00Z', 'in_progress', 'kasia')",
    "software_inventory": "INSERT INTO software_inventory (id, client_id, job_id,"
    " source_format, loaded_by, loaded_at) VALUES ({id}, (SELECT client_id FROM job"
    " WHERE id = {her_job}), {her_job}, 'csv', 'kasia', '2026-11-24T08:42:00Z')",
    "run_log": "INSERT INTO run_log (id, job_id, recorded_by, recorded_at, checked, outcome)"
    " VALUES ({id}, {run}, 'kasia', '2026-11-24T08:42:00Z', 'x', 'ok')",
    "backup_check": "INSERT INTO backup_check (id, job_id, result, recorded_by, recorded_at)"
    " VALUES ({id}, {run}, 'ok', 'kasia', '2026-11-24T08:42:00Z')",
}
"""A row a technician's session may add to each table with an id, the id left to fill."""


@pytest.mark.parametrize("table", sorted(ID_ROWS))
async def test_a_technicians_new_rows_are_numbered_by_their_sequence(
    owner: Database, kasia: Database, table: str
) -> None:
    """An id of her choosing (5000) is refused and numbers nothing after it; the row with
    no id, or with the next id, is added with the next id."""
    s = await _setting(owner)
    run = await owner.fetch_value(
        "SELECT min(id) FROM job WHERE technician_id = ? AND recurring_task_id IS NOT NULL",
        (s["kasia"],),
    )
    async with owner.transaction():  # her run not yet documented
        await owner.execute("DELETE FROM run_log WHERE job_id = ?", (run,))
        await owner.execute("DELETE FROM backup_check WHERE job_id = ?", (run,))
    top = f"SELECT coalesce(max(id), 0) FROM {table}"
    before = int(await owner.fetch_value(top))
    row = ID_ROWS[table].replace("{run}", str(run))
    for key in ("her_job", "kasia", "mine"):
        row = row.replace("{" + key + "}", str(s[key]))
    await _refused(kasia, row.replace("{id}", "5000"))
    assert int(await owner.fetch_value(top)) == before
    async with kasia.transaction():
        await kasia.execute(row.replace("{id}", "NULL"))
    assert int(await owner.fetch_value(top)) == before + 1


@pytest.mark.parametrize(
    ("table", "change"),
    [("id_high_water", "UPDATE id_high_water SET last_id = 4999"),
     ("needs_assessment", "UPDATE needs_assessment SET rules = 'x'"),
     ("needs_assessment", "DELETE FROM needs_assessment"),
     ("statement_document", "DELETE FROM statement_document"),
     ("firm_setting", "DELETE FROM firm_setting"),
     ("callback", "UPDATE callback SET outcome = 'x'")],
)  # fmt: skip
async def test_a_technician_writes_nothing_of_the_offices_tables(
    owner: Database, kasia: Database, table: str, change: str
) -> None:
    """Statements, corrections, callbacks, assessments, settings, imports and the id marks
    are the office's: she reads what she read before, and changes none of it."""
    rows = f"SELECT * FROM {table} ORDER BY 1"
    before = await owner.fetch_all(rows)
    assert await kasia.fetch_all(rows) == before
    await _touches_nothing(kasia, change)
    await _refused(
        kasia,
        "INSERT INTO callback (e164, reason, due_at, created_at, created_by) VALUES"
        " ('+48601234567', 'x', '2026-11-24T08:42:00Z', '2026-11-24T08:42:00Z', 'kasia')",
    )
    await _refused(
        kasia,
        "INSERT INTO statement (client_id, period_from, period_to, issued_at, issued_by)"
        " VALUES (1, '2026-11-01', '2026-11-30', '2026-11-24T08:42:00Z', 'kasia')",
    )
    assert await owner.fetch_all(rows) == before


async def test_a_technicians_time_overlaps_nothing_and_stays_out_of_billed_days(
    owner: Database, kasia: Database
) -> None:
    """As the app refuses: an entry or a timer over one of her entries, and time on a day
    an issued statement of the job's client covers (added, or an entry moved there)."""
    s = await _setting(owner)
    async with owner.transaction():  # 21-22 November billed for her job's client
        await owner.execute(
            "INSERT INTO statement (client_id, period_from, period_to, issued_at, issued_by)"
            " SELECT client_id, '2026-11-21', '2026-11-22', '2026-11-23T08:00:00Z', 'ewa'"
            " FROM job WHERE id = ?",
            (s["her_job"],),
        )
    add = (
        "INSERT INTO work_entry (job_id, technician_id, started_at, ended_at, description,"
        " mode, created_at, updated_at) VALUES (?, ?, ?, ?, 'x', 'remote',"
        " '2026-11-24T09:00:00Z', '2026-11-24T09:00:00Z')"
    )
    count = "SELECT count(*) FROM work_entry"
    entries = await owner.fetch_value(count)
    job, me = s["her_job"], s["kasia"]
    over, billed = "permission denied: the entry overlaps", "permission denied: .* issued"
    await _refused(kasia, add, (job, me, "2026-11-20T10:30:00Z", "2026-11-20T11:30:00Z"), over)
    await _refused(kasia, add, (job, me, "2026-11-20T09:00:00Z", None), over)  # a timer
    await _refused(kasia, add, (job, me, "2026-11-21T08:00:00Z", "2026-11-21T09:00:00Z"), billed)
    # 23:30 UTC on the 22nd is the 23rd in Warsaw: not billed.
    async with kasia.transaction():
        await kasia.execute(add, (job, me, "2026-11-22T23:30:00Z", "2026-11-23T00:30:00Z"))
    assert await owner.fetch_value(count) == entries + 1
    await _refused(
        kasia, "UPDATE work_entry SET started_at = '2026-11-22T08:00:00Z',"
        " ended_at = '2026-11-22T09:00:00Z' WHERE id = ?", (s["mine"],), billed,
    )  # fmt: skip
    assert (
        await owner.fetch_value("SELECT started_at FROM work_entry WHERE id = ?", (s["mine"],))
        == "2026-11-20T10:00:00Z"
    )


async def test_her_corrections_through_the_services_charge_again_and_pass(
    owner: Database, kasia: Database, prices: PriceList
) -> None:
    """The app's own way of removing charges: her entry added, corrected and deleted through
    the services charges the later entries of her job again (Piotr's too) in her session;
    the server lets each pass, and every finished entry is charged as long as it lasted."""
    s = await _setting(owner)
    tech = await people.person_by_login(owner, "kasia")
    assert tech is not None
    as_her = Ctx(db=kasia, clock=FrozenClock(datetime(2026, 11, 24, 12, 0, tzinfo=UTC)),
                 prices=prices, actor="kasia", login="kasia")  # fmt: skip
    start = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    entry = await my_entries.add_my_entry(
        as_her, tech, s["her_job"], started_at=start, ended_at=start + timedelta(hours=1),
        description="Przed przerwą", mode=JobMode.ONSITE,
    )  # fmt: skip
    charged = "SELECT coalesce(sum(c.minutes), 0) FROM charge c WHERE c.work_entry_id = ?"
    for each in (entry, s["mine"], s["his"]):
        assert int(await owner.fetch_value(charged, (each,))) >= 60
    await my_entries.edit_my_entry(
        as_her, tech, entry, started_at=start, ended_at=start + timedelta(minutes=80),
        description="Przed przerwą, dłużej", mode=JobMode.ONSITE, billable=True,
    )  # fmt: skip
    assert int(await owner.fetch_value(charged, (entry,))) >= 80
    await my_entries.delete_my_entry(as_her, tech, entry)
    assert await owner.fetch_value(charged, (entry,)) == 0
    for each in (s["mine"], s["his"]):
        assert int(await owner.fetch_value(charged, (each,))) >= 60
    await _chain_verifies(owner)

"""The server enforces two rules too: the audit trail is insert-only, technicians see own jobs
(and only the rows of their jobs and their jobs' clients)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from bbdispatch.clock import FrozenClock, to_db
from bbdispatch.domain.audit_chain import verify
from bbdispatch.pricelist import PriceList
from bbdispatch.services import my_entries, workspace
from bbdispatch.services.context import Ctx
from bbdispatch.storage import audit as audit_store
from bbdispatch.storage import contracts, jobs, people
from bbdispatch.storage.database import Database
from bbdispatch.storage.postgres import PostgresError
from tests.postgres.conftest import as_role

NOW = datetime(2026, 11, 24, 8, 42, tzinfo=UTC)


async def test_the_audit_trail_is_insert_only_for_the_app(roles_url: str) -> None:
    db = await as_role(roles_url, "beata")
    try:
        async with db.transaction():  # the app's own writer: the chain's next link
            await audit_store.insert_audit(db, NOW, "beata", "job", 1, "viewed", {})
        for change in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log",
                       "UPDATE audit_log SET detail = '{}'"):  # fmt: skip
            with pytest.raises(PostgresError, match="permission denied"):
                async with db.transaction():
                    await db.execute(change)
    finally:
        await db.close()


async def test_a_technician_sees_only_own_jobs_a_dispatcher_all(roles_url: str) -> None:
    owner = await Database.open(roles_url)
    dispatcher = await as_role(roles_url, "beata")
    technician = await as_role(roles_url, "kasia")
    try:
        kasia = await owner.fetch_value("SELECT id FROM technician WHERE login = 'kasia'")
        every = {r[0] for r in await owner.fetch_all("SELECT id FROM job")}
        hers = {r[0] for r in await owner.fetch_all(
            "SELECT id FROM job WHERE technician_id = ?", (kasia,))}  # fmt: skip
        assert hers and hers < every
        assert {r[0] for r in await dispatcher.fetch_all("SELECT id FROM job")} == every
        assert {r[0] for r in await technician.fetch_all("SELECT id FROM job")} == hers
        other = min(every - hers)
        assert await jobs.get_job(technician, other) is None
        async with technician.transaction():
            await technician.execute("UPDATE job SET caller_name = 'zmiana' WHERE id = ?", (other,))
            assert await technician.changes() == 0
        assert (await jobs.get_job(owner, other)).caller_name != "zmiana"  # type: ignore[union-attr]
        # Her own work still gets new ids computed over every row.
        async with technician.transaction():
            entry = await technician.execute(
                "INSERT INTO job_status_change (job_id, at, to_status, actor)"
                " VALUES (?, '2026-11-24T08:42:00Z', 'in_progress', 'kasia')",
                (min(hers),),
            )
        assert entry == await owner.fetch_value("SELECT max(id) FROM job_status_change")
    finally:
        for db in (owner, dispatcher, technician):
            await db.close()


OWN_ROWS = {
    "work_entry": "SELECT id FROM work_entry WHERE job_id IN (SELECT id FROM job"
    " WHERE technician_id = ?) OR technician_id = ?",
    "job_status_change": "SELECT id FROM job_status_change WHERE job_id IN"
    " (SELECT id FROM job WHERE technician_id = ?) AND ? = ?",
    "call_log": "SELECT id FROM call_log WHERE job_id IN"
    " (SELECT id FROM job WHERE technician_id = ?) AND ? = ?",
    "client": "SELECT id FROM client WHERE id IN"
    " (SELECT client_id FROM job WHERE technician_id = ?) AND ? = ?",
    "client_phone": "SELECT id FROM client_phone WHERE client_id IN"
    " (SELECT client_id FROM job WHERE technician_id = ?) AND ? = ?",
    "contract": "SELECT id FROM contract WHERE client_id IN"
    " (SELECT client_id FROM job WHERE technician_id = ?) AND ? = ?",
}
"""The rows of each table a technician's session may read (docs/rights.md): those of
their own jobs (their own time entries too), and the clients, numbers and contracts of
their jobs' clients; the owner's view of the same."""


@pytest.mark.parametrize("table", sorted(OWN_ROWS))
async def test_a_technician_reads_only_rows_of_own_jobs(roles_url: str, table: str) -> None:
    owner = await Database.open(roles_url)
    dispatcher = await as_role(roles_url, "beata")
    technician = await as_role(roles_url, "kasia")
    try:
        kasia = await owner.fetch_value("SELECT id FROM technician WHERE login = 'kasia'")
        params = (kasia, kasia) if table == "work_entry" else (kasia, kasia, kasia)
        if table == "call_log":  # the demo logs no calls: one on her job, one on another's
            async with owner.transaction():
                for job_id in await owner.fetch_all(
                    "SELECT min(id) FROM job WHERE technician_id = ?"
                    " UNION ALL SELECT min(id) FROM job WHERE technician_id <> ?",
                    (kasia, kasia),
                ):
                    await owner.execute(
                        "INSERT INTO call_log (received_at, raw_number, outcome, job_id)"
                        " VALUES ('2026-11-24T08:42:00Z', '601234567', 'job_created', ?)",
                        (job_id[0],),
                    )
        every = {r[0] for r in await owner.fetch_all(f"SELECT id FROM {table}")}
        hers = {r[0] for r in await owner.fetch_all(OWN_ROWS[table], params)}
        assert hers < every  # the demo has rows she must not see
        assert {r[0] for r in await dispatcher.fetch_all(f"SELECT id FROM {table}")} == every
        assert {r[0] for r in await technician.fetch_all(f"SELECT id FROM {table}")} == hers
    finally:
        for db in (owner, dispatcher, technician):
            await db.close()


@pytest.mark.parametrize(
    "table",
    ["client", "client_phone", "contract", "call_log", "technician", "technician_skill",
     "recurring_task"],
)  # fmt: skip
async def test_a_technician_changes_no_client_contract_or_call(roles_url: str, table: str) -> None:
    owner = await Database.open(roles_url)
    technician = await as_role(roles_url, "kasia")
    try:
        before = await owner.fetch_all(f"SELECT * FROM {table} ORDER BY 1, 2")
        async with technician.transaction():
            key = "technician_id" if table == "technician_skill" else "id"
            await technician.execute(f"UPDATE {table} SET {key} = {key}")
            assert await technician.changes() == 0
        async with technician.transaction():
            await technician.execute(f"DELETE FROM {table}")
            assert await technician.changes() == 0
        assert await owner.fetch_all(f"SELECT * FROM {table} ORDER BY 1, 2") == before
    finally:
        await owner.close()
        await technician.close()


async def test_her_job_card_reads_the_same_under_row_level_security(
    roles_url: str, clock: FrozenClock, prices: PriceList
) -> None:
    """Her own session still shows her jobs whole: client, contact and hours left."""
    owner = await Database.open(roles_url)
    technician = await as_role(roles_url, "kasia")
    try:
        tech = await people.person_by_login(owner, "kasia")
        assert tech is not None
        as_owner = Ctx(db=owner, clock=clock, prices=prices, actor="kasia", login="kasia")
        as_her = Ctx(db=technician, clock=clock, prices=prices, actor="kasia", login="kasia")
        mine = await workspace.my_jobs(as_her, tech)
        assert mine == await workspace.my_jobs(as_owner, tech)
        assert mine
        for row in mine:
            assert await workspace.job_card(as_her, tech, row.job.id) == await workspace.job_card(
                as_owner, tech, row.job.id
            )
    finally:
        await owner.close()
        await technician.close()


HER_JOBS = "SELECT id FROM job WHERE technician_id = {me}"
MORE_OWN_ROWS = {
    "charge": ("id", "SELECT id FROM charge WHERE work_entry_id IN (SELECT id FROM work_entry"
               f" WHERE job_id IN ({HER_JOBS}) OR technician_id = {{me}})"),
    "technician": ("id", "SELECT id FROM technician WHERE id = {me}"),
    "technician_skill": ("technician_id || ':' || category",
                         "SELECT technician_id || ':' || category FROM technician_skill"
                         " WHERE technician_id = {me}"),
    "recurring_task": ("id", "SELECT id FROM recurring_task WHERE id IN"
                       " (SELECT recurring_task_id FROM job WHERE technician_id = {me})"),
    "run_log": ("id", f"SELECT id FROM run_log WHERE job_id IN ({HER_JOBS})"),
    "backup_check": ("id", f"SELECT id FROM backup_check WHERE job_id IN ({HER_JOBS})"),
    "software_inventory": ("id", "SELECT id FROM software_inventory WHERE client_id IN"
                           " (SELECT client_id FROM job WHERE technician_id = {me})"),
    "software_item": ("inventory_id || ':' || name",
                      "SELECT inventory_id || ':' || name FROM software_item"
                      " WHERE inventory_id IN (SELECT id FROM software_inventory WHERE client_id"
                      " IN (SELECT client_id FROM job WHERE technician_id = {me}))"),
    "audit_log": ("id", "SELECT id FROM audit_log WHERE actor = 'kasia'"),
}  # fmt: skip
"""Each further table a technician's session reads: the key shown and the rows she may see
(the charges of the entries she sees, her own person and skills, the tasks, logs and
backup checks of her runs, her jobs' clients' software lists, her own audit rows)."""


async def _rows_of_others(owner: Database, kasia: int) -> None:
    """A backup check on her run and a software list of another client: the demo has
    neither, and each table must hold rows she may and may not see."""
    async with owner.transaction():
        her_run = await owner.fetch_value(
            "SELECT min(id) FROM job WHERE technician_id = ? AND recurring_task_id IS NOT NULL"
            " AND id NOT IN (SELECT job_id FROM backup_check)",
            (kasia,),
        )
        await owner.execute(
            "INSERT INTO backup_check (job_id, result, recorded_by, recorded_at)"
            " VALUES (?, 'ok', 'kasia', '2026-11-24T08:42:00Z')",
            (her_run,),
        )
        other = await owner.fetch_value(
            "SELECT min(client_id) FROM job WHERE client_id NOT IN"
            " (SELECT client_id FROM job WHERE technician_id = ?)",
            (kasia,),
        )
        inventory = await owner.execute(
            "INSERT INTO software_inventory (client_id, source_format, loaded_by, loaded_at)"
            " VALUES (?, 'csv', 'piotr', '2026-11-24T08:42:00Z')",
            (other,),
        )
        await owner.execute(
            "INSERT INTO software_item (inventory_id, name) VALUES (?, 'Płatnik')", (inventory,)
        )


@pytest.mark.parametrize("table", sorted(MORE_OWN_ROWS))
async def test_a_technician_reads_only_her_rows_of_people_runs_charges_and_audit(
    roles_url: str, table: str
) -> None:
    owner = await Database.open(roles_url)
    dispatcher = await as_role(roles_url, "beata")
    technician = await as_role(roles_url, "kasia")
    try:
        kasia = await owner.fetch_value("SELECT id FROM technician WHERE login = 'kasia'")
        await _rows_of_others(owner, kasia)
        key, own = MORE_OWN_ROWS[table]
        every = {r[0] for r in await owner.fetch_all(f"SELECT {key} FROM {table}")}
        hers = {r[0] for r in await owner.fetch_all(own.format(me=int(kasia)))}
        assert hers and hers < every  # rows she may see and rows she may not
        assert {r[0] for r in await dispatcher.fetch_all(f"SELECT {key} FROM {table}")} == every
        assert {r[0] for r in await technician.fetch_all(f"SELECT {key} FROM {table}")} == hers
    finally:
        for db in (owner, dispatcher, technician):
            await db.close()


async def test_hours_left_come_from_a_view_of_her_jobs_contracts_only(roles_url: str) -> None:
    """Her session reads the use of her jobs' clients' contracts (every charge summed, as
    the owner reads it), no other contract, and cannot write through the view."""
    owner = await Database.open(roles_url)
    technician = await as_role(roles_url, "kasia")
    try:
        kasia = await owner.fetch_value("SELECT id FROM technician WHERE login = 'kasia'")
        every = dict(tuple(r) for r in await owner.fetch_all("SELECT id, used FROM contract_used"))
        hers = {r[0] for r in await owner.fetch_all(
            "SELECT id FROM contract WHERE client_id IN"
            " (SELECT client_id FROM job WHERE technician_id = ?)", (kasia,))}  # fmt: skip
        assert hers < set(every)
        seen = dict(
            tuple(r) for r in await technician.fetch_all("SELECT id, used FROM contract_used")
        )
        assert seen == {k: v for k, v in every.items() if k in hers}
        # Others' charges count: her own charges alone would sum to less.
        charged = await owner.fetch_all(
            "SELECT contract_id, sum(minutes) FROM charge WHERE contract_id IS NOT NULL"
            " GROUP BY contract_id"
        )
        mine = dict(tuple(r) for r in await technician.fetch_all(
            "SELECT contract_id, sum(minutes) FROM charge WHERE contract_id IS NOT NULL"
            " GROUP BY contract_id"))  # fmt: skip
        assert any(mine.get(c, 0) < m and c in hers for c, m in charged)
        assert await contracts.used_minutes(technician, sorted(hers)) == {c: every[c] for c in hers}
        for change in ("UPDATE contract_used SET id = id", "DELETE FROM contract_used",
                       "DELETE FROM audit_head"):  # fmt: skip
            with pytest.raises(PostgresError, match="permission denied|cannot delete"):
                async with technician.transaction():
                    await technician.execute(change)
    finally:
        await owner.close()
        await technician.close()


async def test_her_work_chains_to_the_newest_audit_row_she_cannot_read(
    roles_url: str, clock: FrozenClock, prices: PriceList
) -> None:
    """Starting a job and adding time as herself writes audit rows chained to the newest
    row (someone else's): the whole trail still verifies; she writes no row in another's
    name and reads only her own."""
    owner = await Database.open(roles_url)
    technician = await as_role(roles_url, "kasia")
    try:
        tech = await people.person_by_login(owner, "kasia")
        assert tech is not None
        as_her = Ctx(db=technician, clock=clock, prices=prices, actor="kasia", login="kasia")
        job = next(r.job for r in await workspace.my_jobs(as_her, tech)
                   if r.job.status.value == "assigned")  # fmt: skip
        async with owner.transaction():  # the newest row is someone else's
            await audit_store.insert_audit(owner, clock.now(), "piotr", "job", 1, "viewed", {})
        await workspace.start_work(as_her, tech, job.id)
        entry = await my_entries.add_my_entry(
            as_her, tech, job.id, started_at=clock.now() - timedelta(hours=2),
            ended_at=clock.now() - timedelta(hours=1), description="Drukarka",
            mode=job.mode,
        )  # fmt: skip
        check = verify([row async for row in audit_store.chained_rows(owner)])
        assert check.ok, check.problem
        assert (
            await owner.fetch_value(
                "SELECT count(*) FROM audit_log WHERE actor = 'kasia' AND at = ?",
                (to_db(clock.now()),),
            )
            >= 2
        )
        assert await owner.fetch_value(
            "SELECT sum(minutes) FROM charge WHERE work_entry_id = ?", (entry,)) == 60  # fmt: skip
        seen = {r[0] for r in await technician.fetch_all("SELECT DISTINCT actor FROM audit_log")}
        assert seen == {"kasia"}
        with pytest.raises(PostgresError, match="row-level security"):
            async with technician.transaction():
                await audit_store.insert_audit(technician, clock.now(), "piotr", "job", 1, "x", {})
        assert check == verify([row async for row in audit_store.chained_rows(owner)])
    finally:
        await owner.close()
        await technician.close()


async def test_an_admins_erasure_may_empty_a_detail_and_drop_its_salt(roles_url: str) -> None:
    """Privacy erasure updates detail and detail_salt (migration 028); the app may do neither."""
    admin = await asyncpg.connect(roles_url)
    try:
        await admin.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bogna') THEN"
            " CREATE ROLE bogna LOGIN IN ROLE bbdispatch_admin; END IF; END $$"
        )
    finally:
        await admin.close()
    db = await as_role(roles_url, "bogna")
    app = await as_role(roles_url, "beata")
    try:
        top = await db.fetch_value("SELECT max(id) FROM audit_log WHERE detail_salt IS NOT NULL")
        assert top is not None  # rows written since migration 028 carry a salt
        async with db.transaction():
            await db.execute(
                "UPDATE audit_log SET detail = '{}', detail_salt = NULL WHERE id = ?", (top,)
            )
        with pytest.raises(PostgresError, match="permission denied"):
            async with app.transaction():
                await app.execute("UPDATE audit_log SET detail_salt = NULL")
        rows = [row async for row in audit_store.chained_rows(db)]
        check = verify(rows)
        assert check.ok and check.erased >= 1
    finally:
        await db.close()
        await app.close()


@pytest.mark.parametrize("login", ["root", "nobody"])
def test_a_login_working_through_another_persons_role_is_told_so(
    roles_url: str, login: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bbdispatch.cli import main
    from bbdispatch.commands import common

    monkeypatch.setattr(common, "os_login", lambda: login)
    kasia_url = roles_url.replace("postgres@", "kasia@")
    assert main(["--db", kasia_url, "jobs"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(
        f"bbdispatch: The database role kasia does not match the person this login maps to"
        f" ({login}): the server shows and takes only kasia's rows."
    ), err
    assert "row-level security" not in err and "no admin" not in err
    assert out == ""
    # Her own login: bbdispatch's own answer for a technician (the refusal audited in her name).
    monkeypatch.setattr(common, "os_login", lambda: "kasia")
    assert main(["--db", kasia_url, "jobs"]) == 1
    assert capsys.readouterr().err == (
        "bbdispatch: Not allowed: your role (technician) may not see the board.\n"
    )


async def test_the_role_check_names_only_a_technicians_role(roles_url: str) -> None:
    for role, restricted in (("kasia", True), ("beata", False), ("postgres", False)):
        db = await as_role(roles_url, role)  # a technician's, a dispatcher's, the owner's
        try:
            assert db.session_role == role
            found = await people.foreign_role(db, "nobody")
            assert found is not None and (found.name, found.restricted) == (role, restricted)
            assert await people.foreign_role(db, role) is None  # her own: no question
        finally:
            await db.close()

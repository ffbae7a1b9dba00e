"""The server enforces two rules too: the audit trail is insert-only, technicians see own jobs
(and only the rows of their jobs and their jobs' clients)."""

from __future__ import annotations

from importlib import resources

import asyncpg
import pytest

from bbdispatch.clock import FrozenClock
from bbdispatch.pricelist import PriceList
from bbdispatch.services import workspace
from bbdispatch.services.context import Ctx
from bbdispatch.storage import jobs, people
from bbdispatch.storage.database import Database
from bbdispatch.storage.postgres import PostgresError
from tests.pg_server import PgServer

ROLES = resources.files("bbdispatch.storage").joinpath("pg_roles.sql").read_text("utf-8")


async def as_role(url: str, login: str) -> Database:
    return await Database.open(url.replace("postgres@", f"{login}@"), migrate=False)


@pytest.fixture
async def roles_url(pg: PgServer, pg_demo_url: str) -> str:
    """The demo with the roles script applied, and logins for a dispatcher and a technician."""
    admin = await asyncpg.connect(pg_demo_url)
    try:
        await admin.execute(ROLES)
        await admin.execute(
            "DO $$ BEGIN"
            " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'beata') THEN"
            "  CREATE ROLE beata LOGIN IN ROLE bbdispatch_app; END IF;"
            " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kasia') THEN"
            "  CREATE ROLE kasia LOGIN IN ROLE bbdispatch_technician; END IF;"
            " END $$"
        )
    finally:
        await admin.close()
    return pg_demo_url


async def test_the_audit_trail_is_insert_only_for_the_app(roles_url: str) -> None:
    db = await as_role(roles_url, "beata")
    try:
        async with db.transaction():
            await db.execute(
                "INSERT INTO audit_log (at, actor, entity, entity_id, action)"
                " VALUES ('2026-11-24T08:42:00Z', 'beata', 'job', 1, 'viewed')"
            )
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


@pytest.mark.parametrize("table", ["client", "client_phone", "contract", "call_log"])
async def test_a_technician_changes_no_client_contract_or_call(roles_url: str, table: str) -> None:
    owner = await Database.open(roles_url)
    technician = await as_role(roles_url, "kasia")
    try:
        before = await owner.fetch_all(f"SELECT * FROM {table} ORDER BY id")
        async with technician.transaction():
            await technician.execute(f"UPDATE {table} SET id = id")
            assert await technician.changes() == 0
        async with technician.transaction():
            await technician.execute(f"DELETE FROM {table}")
            assert await technician.changes() == 0
        assert await owner.fetch_all(f"SELECT * FROM {table} ORDER BY id") == before
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

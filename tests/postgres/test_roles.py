"""The server enforces two rules too: the audit trail is insert-only, technicians see own jobs."""

from __future__ import annotations

from importlib import resources

import asyncpg
import pytest

from bbdispatch.storage import jobs
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
